/**
 * Forge entry points: one export per function key in manifest.yml. Each builds its dependencies from
 * the Forge adapters and hands the event to a handler that takes them as arguments, so the handlers
 * are tested with the local Forge host and never through module mocks.
 */
import { makeResolver } from '@forge/resolver';
import { webTrigger } from '@forge/api';
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

function platform() {
  const store = createForgeKvsStore();
  return { store, secrets: store, clock: systemClock, logger: consoleLogger, env: process.env };
}

/** webtrigger `ingest` → function `ingest-fn`. */
export async function ingestWebTrigger(request: WebTriggerRequest): Promise<WebTriggerResponse> {
  return handleIngest(request, { ...platform(), queue: createForgeJobQueue(QUEUE_KEY) });
}

/** consumer `bridge-consumer` on queue `bridge-events` → function `consumer-fn`. */
export async function processQueueEvent(event: unknown): Promise<void> {
  await handleQueueEvent(event, platform());
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
export const resolver = makeResolver<ResolverDefinitions>({
  getConnectionStatus: () => getConnectionStatus(resolverDeps()),
  listRecentDeliveries: ({ payload }) => listRecentDeliveries(payload, resolverDeps()),
});
