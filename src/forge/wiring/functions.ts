/** The dependencies of each Forge function that is not a resolver (manifest `function` keys), built per invocation. */
import { createJiraRestPort } from '../adapters/jira-rest';
import { createJiraProjectsRestPort } from '../adapters/jira-projects-rest';
import { createJiraIncidentPort } from '../adapters/jira-incidents-rest';
import { recordRejectedBatch } from '../adapters/signing-keys';
import { systemClock } from '../adapters/system-clock';
import { createCreateMetaPort } from '../adapters/jira-create-meta-rest';
import { deleteProblemPropertyAsApp } from '../adapters/jira-panel-rest';
import { bridgeQueue, briefWaits, incidentPorts, peoplePorts, platform } from './platform';

/** `ingest-fn`: verify, validate, enqueue; rejected batches are recorded for the Connection tab. */
export function ingestDeps() {
  const base = platform();
  return { ...base, queue: bridgeQueue(), rejections: { record: (rejection: Parameters<typeof recordRejectedBatch>[1], nowMs: number) => recordRejectedBatch(base.store, rejection, nowMs) } };
}

/** `consumer-fn`: alerts, Impact events, Jira changes, resyncs and project syncs; one 429 budget per invocation. */
export function consumerDeps() {
  const waits = briefWaits();
  const base = platform();
  const projects = { store: base.store, clock: base.clock, logger: base.logger, jira: createJiraProjectsRestPort(systemClock), queue: bridgeQueue() };
  return {
    ...base,
    jira: waits.wrap(createJiraRestPort(systemClock)),
    projects,
    incidents: incidentPorts(waits),
    queue: bridgeQueue(),
    createMeta: createCreateMetaPort(systemClock, 'app'),
    deleteProblemProperty: deleteProblemPropertyAsApp,
    people: peoplePorts(),
  };
}

/** `issue-updated-fn`: only queues (a linked incident's change goes to its lane) and mirrors statuses. */
export function issueUpdatedDeps() {
  return { ...platform(), queue: bridgeQueue() };
}

/** `issue-deleted-fn`: removes the deleted issue's project sync record (KVS only). */
export function issueDeletedDeps() {
  const { store, logger, clock } = platform();
  return { store, logger, clock };
}

/** `app-installed-fn`: one JQL search for issues of an earlier install. */
export function appInstalledDeps() {
  return { ...platform(), jira: createJiraRestPort(systemClock) };
}

/** `closure-validator-fn`: reads the incident record and the issue as the app. */
export function closureValidatorDeps() {
  const { store, logger } = platform();
  return { store, logger, jira: createJiraIncidentPort(systemClock) };
}

/** `scheduled-people-fn`: queues the directory run (daily) and the MTTA/MTTR recount (hourly). */
export function scheduledPeopleDeps() {
  return { ...platform(), queue: bridgeQueue() };
}

/** `scheduled-sync-fn`: queues one job per due project. */
export function scheduledSyncDeps() {
  return { ...platform(), queue: bridgeQueue() };
}
