/**
 * Forge entry points: one export per function key in manifest.yml. Each builds its dependencies from
 * the Forge adapters and hands the event to a handler that takes them as arguments, so the handlers
 * are tested with the local Forge host and never through module mocks.
 */
import { makeResolver } from '@forge/resolver';
import api, { route, webTrigger } from '@forge/api';
import { InvocationError, InvocationErrorCode } from '@forge/events';
import { createJiraRestPort, createJiraUserPort } from './adapters/jira-rest';
import { createJiraProjectsRestPort } from './projects/jira-projects-rest';
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
import { listUnmatchedUsers } from './entry/resolvers/unmatched-users';
import { getIssueAlertGroup, issueKeyOf, resyncIssueAlertGroup, unlinkIssueAlertGroup } from './entry/resolvers/issue-panel';
import { getIssueIncident } from './entry/resolvers/incident-panel';
import { getIncidentMappings, getPostMortemTemplates, saveIncidentMappings, savePostMortemTemplates } from './entry/resolvers/incident-mappings';
import { deleteProblemPropertyAsApp, readIssueAsUser } from './adapters/jira-panel-rest';
import {
  getProjectSyncSettings,
  listProjectsResolver,
  listUserMatchesResolver,
  projectMetricsResolver,
  saveProjectSyncSettings,
  syncProjectNowResolver,
  trackProjectResolver,
  untrackProjectResolver,
  type ProjectResolverDeps,
} from './entry/resolvers/projects';
import { createJiraUserSearchPort } from './projects/jira-users-rest';
import { PROBLEM_PROPERTY_KEY } from './domain/alerts';
import { createJiraIncidentPort } from './adapters/jira-incidents-rest';
import { createImpactApiPort } from './adapters/impact-api';
import { validateClosure, type ValidatorResult } from './incidents/closure-validator';

function platform() {
  const store = createForgeKvsStore();
  return { store, secrets: store, clock: systemClock, logger: consoleLogger, env: process.env };
}

/** Impact ⇄ Jira incident sync ports (Impact reached by egress fetch; see SecretKeys.impactApi). */
function incidentPorts() {
  const { secrets, env } = platform();
  return { jira: createJiraIncidentPort(systemClock), impact: createImpactApiPort({ secrets, env, clock: systemClock }) };
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
  const base = platform();
  const projects = { store: base.store, clock: base.clock, logger: base.logger, jira: createJiraProjectsRestPort(systemClock), queue: createForgeJobQueue(QUEUE_KEY) };
  const result = await handleQueueEvent(event, { ...base, jira, projects, incidents: incidentPorts() });
  if (!result.retry) return undefined;
  return new InvocationError({
    retryAfter: result.retry.retryAfterSeconds,
    retryReason: result.retry.reason === 'upstream-rate-limited' ? InvocationErrorCode.FUNCTION_UPSTREAM_RATE_LIMITED : InvocationErrorCode.FUNCTION_RETRY_REQUEST,
    retryData: result.retry.retryData,
  });
}

/** trigger `issue-updated` (avi:jira:updated:issue, ignoreSelf) → function `issue-updated-fn`. */
export async function onIssueUpdated(event: unknown): Promise<void> {
  await handleIssueUpdated(event, { ...platform(), incidents: incidentPorts() });
}

/** jira:workflowValidator `incident-closure` → function `closure-validator-fn`: no closing before the post-mortem is done. */
export async function validateIncidentClosure(input: unknown): Promise<ValidatorResult> {
  const { store, logger } = platform();
  return validateClosure(input, { store, logger, jira: createJiraIncidentPort(systemClock) });
}

/** scheduledTrigger `project-sync` → function `scheduled-sync-fn`. */
export async function runScheduledSync(): Promise<void> {
  await handleScheduledSync({ ...platform(), queue: createForgeJobQueue(QUEUE_KEY) });
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

/** Projects & metrics resolvers: Jira read as the app, admin checks asked as the user. */
function projectResolverDeps(): ProjectResolverDeps {
  const { store } = platform();
  return {
    store,
    jira: createJiraProjectsRestPort(systemClock),
    userJira: createJiraUserPort(systemClock),
    queue: createForgeJobQueue(QUEUE_KEY),
    userSearch: createJiraUserSearchPort(systemClock),
    now: () => systemClock.now(),
  };
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
  listUnmatchedUsers: () => listUnmatchedUsers({ store: platform().store }),
  retryFailedDelivery: ({ payload, context }) => retryFailedDelivery(payload, callerOf(context), alertResolverDeps()),
  listProjects: () => listProjectsResolver(projectResolverDeps()),
  trackProject: ({ payload, context }) => trackProjectResolver(payload, callerOf(context), projectResolverDeps()),
  untrackProject: ({ payload, context }) => untrackProjectResolver(payload, callerOf(context), projectResolverDeps()),
  syncProjectNow: ({ payload, context }) => syncProjectNowResolver(payload, callerOf(context), projectResolverDeps()),
  getProjectMetrics: ({ payload }) => projectMetricsResolver(payload, projectResolverDeps()),
  getProjectSyncSettings: () => getProjectSyncSettings(projectResolverDeps()),
  saveProjectSyncSettings: ({ payload, context }) => saveProjectSyncSettings(payload, callerOf(context), projectResolverDeps()),
  listUserMatches: ({ payload }) => listUserMatchesResolver(payload, projectResolverDeps()),
  getIssueAlertGroup: ({ context }) => getIssueAlertGroup(issueKeyOf(context), { store: platform().store, readProblemProperty: readProblemPropertyAsUser }),
  resyncIssueAlertGroup: ({ context }) => resyncIssueAlertGroup(issueKeyOf(context), panelDeps()),
  unlinkIssueAlertGroup: ({ context }) => unlinkIssueAlertGroup(issueKeyOf(context), callerOf(context), panelDeps()),
  getIssueIncident: ({ context }) => getIssueIncident(issueKeyOf(context), { store: platform().store, readIssueAsUser }),
  getIncidentMappings: () => getIncidentMappings(mappingDeps()),
  saveIncidentMappings: ({ payload, context }) => saveIncidentMappings(payload, callerOf(context), mappingDeps()),
  getPostMortemTemplates: () => getPostMortemTemplates(mappingDeps()),
  savePostMortemTemplates: ({ payload, context }) => savePostMortemTemplates(payload, callerOf(context), mappingDeps()),
});

/** Issue panel actions: the app's Jira for status and property, the user's for the admin check. */
function panelDeps() {
  const { store, clock } = platform();
  const jira = createJiraRestPort(systemClock);
  return { store, clock, jira, userJira: createJiraUserPort(systemClock), readProblemProperty: readProblemPropertyAsUser, deleteProblemProperty: deleteProblemPropertyAsApp };
}

function mappingDeps() {
  return { store: platform().store, userJira: createJiraUserPort(systemClock) };
}

/** The issue's problem property as the user sees it (404: no property, or no permission). */
async function readProblemPropertyAsUser(issueKey: string): Promise<unknown> {
  const response = await api.asUser().requestJira(route`/rest/api/3/issue/${issueKey}/properties/${PROBLEM_PROPERTY_KEY}`, { method: 'GET', headers: { accept: 'application/json' } });
  if (response.status === 404) return null;
  if (!response.ok) throw new Error(`Jira answered ${response.status} reading the issue's problem property`);
  return ((await response.json()) as { value?: unknown }).value ?? null;
}
