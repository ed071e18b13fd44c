/**
 * What every Forge function builds first: storage, secrets, clock, logger, env, and the Jira 429 waits.
 * Built per invocation (no module-level singletons), so tests on the local Forge host see fresh state.
 */
import { briefRateLimitWaits, type BriefWaitOptions, type BriefWaits } from '../adapters/jira-brief-waits';
import { createForgeKvsStore } from '../adapters/forge-kvs-store';
import { createForgeJobQueue } from '../adapters/forge-job-queue';
import { createJiraIncidentPort } from '../adapters/jira-incidents-rest';
import { createImpactApiPort } from '../adapters/impact-api';
import { createImpactDirectoryPort } from '../adapters/impact-directory-api';
import { createJiraUserDirectoryPort } from '../adapters/jira-users-rest';
import { systemClock } from '../adapters/system-clock';
import { consoleLogger } from '../ports/logger';
import { QUEUE_KEY } from '../constants';

export function platform() {
  const store = createForgeKvsStore();
  return { store, secrets: store, clock: systemClock, logger: consoleLogger, env: process.env };
}

export type Platform = ReturnType<typeof platform>;

/** The app's one async event queue (manifest `bridge-events`). */
export const bridgeQueue = () => createForgeJobQueue(QUEUE_KEY);

/** Short Jira 429s are waited out in place (jira-brief-waits.ts); one budget per invocation. */
export const BRIEF_WAITS: BriefWaitOptions = { maxWaitSeconds: 2, budgetSeconds: 20, sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)), random: Math.random };

export function briefWaits(budgetSeconds = BRIEF_WAITS.budgetSeconds): BriefWaits {
  return briefRateLimitWaits({ ...BRIEF_WAITS, budgetSeconds });
}

/** Impact ⇄ Jira incident sync ports (Impact reached by egress fetch; see SecretKeys.impactApi). */
export function incidentPorts(waits: BriefWaits) {
  const { secrets, env } = platform();
  return { jira: waits.wrap(createJiraIncidentPort(systemClock)), impact: createImpactApiPort({ secrets, env, clock: systemClock }) };
}

/** User directory and MTTA/MTTR: Jira's users/search as the app, Impact's lists by egress fetch. */
export function peoplePorts() {
  const { secrets, env } = platform();
  return { jira: createJiraUserDirectoryPort(systemClock), impact: createImpactDirectoryPort({ secrets, env, clock: systemClock }) };
}
