/**
 * Forge entry points: one export per function key in manifest.yml, and nothing else. Each builds its
 * dependencies (wiring/) and hands the event to a handler in entry/ that takes them as arguments, so the
 * handlers are tested with the local Forge host and never through module mocks.
 */
import { makeResolver } from '@forge/resolver';
import type { InvocationError } from '@forge/events';
import { invocationErrorFor } from './adapters/forge-runtime';
import { handleIngest } from './entry/webtrigger/ingest';
import type { WebTriggerRequest, WebTriggerResponse } from './entry/webtrigger/web-trigger-types';
import { handleQueueEvent } from './entry/consumer/process-queue-event';
import { handleIssueUpdated } from './entry/trigger/issue-updated';
import { handleIssueDeleted } from './entry/trigger/issue-deleted';
import { handleAppInstalled } from './entry/trigger/app-installed';
import { handleScheduledSync } from './entry/scheduled/project-sync';
import { handleScheduledPeople } from './entry/scheduled/people';
import type { ResolverDefinitions } from './entry/resolvers/contract';
import { resolverMap } from './entry/resolvers/resolver-map';
import { validateClosure, type ValidatorResult } from './incidents/closure-validator';
import { appInstalledDeps, closureValidatorDeps, consumerDeps, ingestDeps, issueDeletedDeps, issueUpdatedDeps, scheduledPeopleDeps, scheduledSyncDeps } from './wiring/functions';
import { resolverWiring } from './wiring/resolvers';

/** webtrigger `ingest` → function `ingest-fn`. */
export async function ingestWebTrigger(request: WebTriggerRequest): Promise<WebTriggerResponse> {
  return handleIngest(request, ingestDeps());
}

/**
 * consumer `bridge-consumer` on queue `bridge-events` → function `consumer-fn`. A job that must run again
 * (Jira rate limit or outage) returns Forge's InvocationError, which the queue honours with `retryAfter`.
 */
export async function processQueueEvent(event: unknown): Promise<InvocationError | undefined> {
  const result = await handleQueueEvent(event, consumerDeps());
  return invocationErrorFor(result.retry);
}

/**
 * trigger `issue-updated` (avi:jira:updated:issue, avi:jira:commented:issue, avi:jira:deleted:comment; ignoreSelf) → function
 * `issue-updated-fn`. A comment edit is `avi:jira:commented:issue` again: Forge has no `avi:jira:updated:comment`
 * [D https://developer.atlassian.com/platform/forge/events-reference/jira/].
 */
export async function onIssueUpdated(event: unknown): Promise<void> {
  await handleIssueUpdated(event, issueUpdatedDeps());
}

/** trigger `issue-deleted` (avi:jira:deleted:issue) → function `issue-deleted-fn`: the issue leaves project sync records. */
export async function onIssueDeleted(event: unknown): Promise<void> {
  await handleIssueDeleted(event, issueDeletedDeps());
}

/** trigger `app-installed` (avi:forge:installed:app) → function `app-installed-fn`: was the app's state lost? */
export async function onAppInstalled(event: unknown): Promise<InvocationError | undefined> {
  const result = await handleAppInstalled(event, appInstalledDeps());
  return invocationErrorFor(result.kind === 'retry' ? result.retry : undefined);
}

/** jira:workflowValidator `incident-closure` → function `closure-validator-fn`: no closing before the post-mortem is done. */
export async function validateIncidentClosure(input: unknown): Promise<ValidatorResult> {
  return validateClosure(input, closureValidatorDeps());
}

/** scheduledTrigger `project-sync` → function `scheduled-sync-fn`. */
export async function runScheduledSync(): Promise<void> {
  await handleScheduledSync(scheduledSyncDeps());
}

/** scheduledTrigger `people-directory` → function `scheduled-people-fn`: queues the directory run and the MTTA/MTTR recount. */
export async function runScheduledPeople(): Promise<void> {
  await handleScheduledPeople(scheduledPeopleDeps());
}

/** jira:projectSettingsPage `bridge-settings` and jira:issuePanel `bridge-issue-panel` → function `resolver-fn`. */
export const resolver = makeResolver<ResolverDefinitions>(resolverMap(resolverWiring));
