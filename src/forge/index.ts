/**
 * Forge entry points: one export per function key in manifest.yml. Each builds its dependencies from
 * the Forge adapters and hands the event to a handler that takes them as arguments, so the handlers
 * are tested with the local Forge host and never through module mocks.
 */
import { makeResolver } from '@forge/resolver';
import { webTrigger } from '@forge/api';
import { InvocationError, InvocationErrorCode } from '@forge/events';
import { createJiraRestPort, createJiraUserPort } from './adapters/jira-rest';
import { withBriefRateLimitWaits } from './adapters/jira-brief-waits';
import { createForgeKvsStore } from './adapters/forge-kvs-store';
import { createForgeJobQueue } from './adapters/forge-job-queue';
import { systemClock } from './adapters/system-clock';
import { consoleLogger } from './ports/logger';
import { INGEST_WEBTRIGGER_KEY, QUEUE_KEY } from './constants';
import { handleIngest } from './entry/webtrigger/ingest';
import type { WebTriggerRequest, WebTriggerResponse } from './entry/webtrigger/web-trigger-types';
import { handleQueueEvent } from './entry/consumer/process-queue-event';
import { handleIssueUpdated } from './entry/trigger/issue-updated';
import { handleScheduledSync } from './entry/scheduled/project-sync';
import type { ResolverDefinitions } from './entry/resolvers/contract';
import { getConnectionStatus, listRecentDeliveries, type ResolverDeps } from './entry/resolvers/resolvers';
import { callerOf } from './entry/resolvers/admin-check';
import { deleteAlertRule, exportAlertRules, importAlertRules, listAlertRules, reorderAlertRules, saveAlertRule } from './entry/resolvers/alert-rules';
import { dryRunAlerts } from './entry/resolvers/dry-run';
import { listFailedDeliveries, retryFailedDelivery } from './entry/resolvers/failed-deliveries';

function platform() {
  const store = createForgeKvsStore();
  return { store, secrets: store, clock: systemClock, logger: consoleLogger, env: process.env };
}

/** webtrigger `ingest` → function `ingest-fn`. */
export async function ingestWebTrigger(request: WebTriggerRequest): Promise<WebTriggerResponse> {
  return handleIngest(request, { ...platform(), queue: createForgeJobQueue(QUEUE_KEY) });
}

/**
 * consumer `bridge-consumer` on queue `bridge-events` → function `consumer-fn`. A job that must run again
 * (Jira rate limit or outage) returns Forge's InvocationError, which the queue honours with `retryAfter`.
 */
export async function processQueueEvent(event: unknown): Promise<InvocationError | undefined> {
  const jira = withBriefRateLimitWaits(createJiraRestPort(systemClock), {
    maxWaitSeconds: 2,
    budgetSeconds: 20,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    random: Math.random,
  });
  const result = await handleQueueEvent(event, { ...platform(), jira });
  if (!result.retry) return undefined;
  return new InvocationError({
    retryAfter: result.retry.retryAfterSeconds,
    retryReason: result.retry.reason === 'upstream-rate-limited' ? InvocationErrorCode.FUNCTION_UPSTREAM_RATE_LIMITED : InvocationErrorCode.FUNCTION_RETRY_REQUEST,
    retryData: result.retry.retryData,
  });
}

/** trigger `issue-updated` (avi:jira:updated:issue, ignoreSelf) → function `issue-updated-fn`. */
export async function onIssueUpdated(event: unknown): Promise<void> {
  await handleIssueUpdated(event, platform());
}

/** scheduledTrigger `project-sync` → function `scheduled-sync-fn`. */
export async function runScheduledSync(): Promise<void> {
  await handleScheduledSync(platform());
}

function resolverDeps(): ResolverDeps {
  return {
    ...platform(),
    webTriggerUrl: async () => {
      try {
        return await webTrigger.getUrl(INGEST_WEBTRIGGER_KEY);
      } catch {
        return null;
      }
    },
  };
}

/** jira:projectSettingsPage `bridge-settings` and jira:issuePanel `bridge-issue-panel` → function `resolver-fn`. */
function alertResolverDeps() {
  const { store, logger } = platform();
  return { store, logger, userJira: createJiraUserPort(systemClock), queue: createForgeJobQueue(QUEUE_KEY), now: () => systemClock.now() };
}

export const resolver = makeResolver<ResolverDefinitions>({
  getConnectionStatus: () => getConnectionStatus(resolverDeps()),
  listRecentDeliveries: ({ payload }) => listRecentDeliveries(payload, resolverDeps()),
  listAlertRules: () => listAlertRules(alertResolverDeps()),
  saveAlertRule: ({ payload, context }) => saveAlertRule(payload, callerOf(context), alertResolverDeps()),
  deleteAlertRule: ({ payload, context }) => deleteAlertRule(payload, callerOf(context), alertResolverDeps()),
  reorderAlertRules: ({ payload, context }) => reorderAlertRules(payload, callerOf(context), alertResolverDeps()),
  exportAlertRules: () => exportAlertRules(alertResolverDeps()),
  importAlertRules: ({ payload, context }) => importAlertRules(payload, callerOf(context), alertResolverDeps()),
  dryRunAlerts: ({ payload }) => dryRunAlerts(payload, alertResolverDeps()),
  listFailedDeliveries: ({ payload }) => listFailedDeliveries(payload, alertResolverDeps()),
  retryFailedDelivery: ({ payload, context }) => retryFailedDelivery(payload, callerOf(context), alertResolverDeps()),
});
