/**
 * Forge entry points: one export per function key in manifest.yml. Each builds its dependencies from
 * the Forge adapters and hands the event to a handler that takes them as arguments, so the handlers
 * are tested with the local Forge host and never through module mocks.
 */
import { randomUUID } from 'node:crypto';
import { makeResolver } from '@forge/resolver';
import api, { fetch as forgeFetch, route, webTrigger } from '@forge/api';
import { InvocationError, InvocationErrorCode } from '@forge/events';
import { createJiraRestPort, createJiraUserPort } from './adapters/jira-rest';
import { createJiraProjectsRestPort } from './projects/jira-projects-rest';
import { briefRateLimitWaits, type BriefWaitOptions, type BriefWaits } from './adapters/jira-brief-waits';
import { createForgeKvsStore } from './adapters/forge-kvs-store';
import { createForgeJobQueue } from './adapters/forge-job-queue';
import { systemClock } from './adapters/system-clock';
import { consoleLogger } from './ports/logger';
import { IMPACT_EGRESS_PATTERNS, INGEST_WEBTRIGGER_KEY, LOCAL_FORGE_HOST_ENV, QUEUE_KEY } from './constants';
import { handleIngest } from './entry/webtrigger/ingest';
import type { WebTriggerRequest, WebTriggerResponse } from './entry/webtrigger/web-trigger-types';
import { handleQueueEvent } from './entry/consumer/process-queue-event';
import { handleIssueUpdated } from './entry/trigger/issue-updated';
import { handleScheduledSync } from './entry/scheduled/project-sync';
import type { ResolverDefinitions } from './entry/resolvers/contract';
import { listRecentDeliveries, type ResolverDeps } from './entry/resolvers/resolvers';
import { getConnectionStatus, retireSigningKey, rotateSigningKey } from './entry/resolvers/connection';
import { saveImpactConnection, testImpactConnection, type ImpactConnectionDeps } from './entry/resolvers/connection-impact';
import { recordRejectedBatch } from './adapters/signing-keys';
import { callerOf } from './entry/resolvers/admin-check';
import { deleteAlertRule, exportAlertRules, importAlertRules, listAlertRules, reorderAlertRules, saveAlertRule } from './entry/resolvers/alert-rules';
import { dryRunAlerts } from './entry/resolvers/dry-run';
import { listFailedDeliveries, retryFailedDelivery } from './entry/resolvers/failed-deliveries';
import { getIssueAlertGroup, issueKeyOf, resyncIssueAlertGroup, unlinkIssueAlertGroup } from './entry/resolvers/issue-panel';
import { getIssueIncident } from './entry/resolvers/incident-panel';
import { getIssueIncidentResync, resyncIssueIncident, unlinkIssueIncident, type IncidentPanelActionDeps } from './entry/resolvers/incident-panel-actions';
import { deleteIncidentPropertyAsApp } from './incidents/incident-property-rest';
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

/** Short Jira 429s are waited out in place (jira-brief-waits.ts); one budget per invocation. */
const BRIEF_WAITS: BriefWaitOptions = { maxWaitSeconds: 2, budgetSeconds: 20, sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)), random: Math.random };

/** Impact ⇄ Jira incident sync ports (Impact reached by egress fetch; see SecretKeys.impactApi). */
function incidentPorts(waits: BriefWaits) {
  const { secrets, env } = platform();
  return { jira: waits.wrap(createJiraIncidentPort(systemClock)), impact: createImpactApiPort({ secrets, env, clock: systemClock }) };
}

/** webtrigger `ingest` → function `ingest-fn`. */
export async function ingestWebTrigger(request: WebTriggerRequest): Promise<WebTriggerResponse> {
  const base = platform();
  return handleIngest(request, { ...base, queue: createForgeJobQueue(QUEUE_KEY), rejections: { record: (rejection, nowMs) => recordRejectedBatch(base.store, rejection, nowMs) } });
}

/**
 * consumer `bridge-consumer` on queue `bridge-events` → function `consumer-fn`. A job that must run again
 * (Jira rate limit or outage) returns Forge's InvocationError, which the queue honours with `retryAfter`.
 */
export async function processQueueEvent(event: unknown): Promise<InvocationError | undefined> {
  const waits = briefRateLimitWaits(BRIEF_WAITS);
  const jira = waits.wrap(createJiraRestPort(systemClock));
  const base = platform();
  const projects = { store: base.store, clock: base.clock, logger: base.logger, jira: createJiraProjectsRestPort(systemClock), queue: createForgeJobQueue(QUEUE_KEY) };
  const result = await handleQueueEvent(event, { ...base, jira, projects, incidents: incidentPorts(waits) });
  if (!result.retry) return undefined;
  return new InvocationError({
    retryAfter: result.retry.retryAfterSeconds,
    retryReason: result.retry.reason === 'upstream-rate-limited' ? InvocationErrorCode.FUNCTION_UPSTREAM_RATE_LIMITED : InvocationErrorCode.FUNCTION_RETRY_REQUEST,
    retryData: result.retry.retryData,
  });
}

/** trigger `issue-updated` (avi:jira:updated:issue, ignoreSelf) → function `issue-updated-fn`. */
export async function onIssueUpdated(event: unknown): Promise<void> {
  // A trigger has 25 s and is not retried: a smaller waiting budget.
  await handleIssueUpdated(event, { ...platform(), incidents: incidentPorts(briefRateLimitWaits({ ...BRIEF_WAITS, budgetSeconds: 5 })) });
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
  rotateSigningKey: ({ payload, context }) => rotateSigningKey(payload, callerOf(context), connectionDeps()),
  retireSigningKey: ({ payload, context }) => retireSigningKey(payload, callerOf(context), connectionDeps()),
  saveImpactConnection: ({ payload, context }) => saveImpactConnection(payload, callerOf(context), connectionDeps()),
  testImpactConnection: ({ context }) => testImpactConnection(callerOf(context), connectionDeps()),
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
  resyncIssueIncident: ({ context }) => resyncIssueIncident(issueKeyOf(context), callerOf(context), incidentPanelDeps()),
  getIssueIncidentResync: ({ payload, context }) => getIssueIncidentResync(issueKeyOf(context), callerOf(context), payload, incidentPanelDeps()),
  unlinkIssueIncident: ({ context }) => unlinkIssueIncident(issueKeyOf(context), callerOf(context), incidentPanelDeps()),
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

/** Incident panel actions: reads as the user, the resync through the queue, the property removed as the app. */
function incidentPanelDeps(): IncidentPanelActionDeps {
  return {
    store: platform().store,
    readIssueAsUser,
    userJira: createJiraUserPort(systemClock),
    queue: createForgeJobQueue(QUEUE_KEY),
    now: () => systemClock.now(),
    newRequestId: () => randomUUID().replace(/-/g, ''),
    deleteIncidentProperty: deleteIncidentPropertyAsApp,
  };
}

/** Connection tab writes: secrets in Forge secret storage, admin checks asked as the user, Impact by egress fetch. */
function connectionDeps(): ImpactConnectionDeps & { store: ReturnType<typeof platform>['store'] } {
  const { store, secrets, env } = platform();
  return {
    store,
    secrets,
    env,
    userJira: createJiraUserPort(systemClock),
    now: () => systemClock.now(),
    egress: IMPACT_EGRESS_PATTERNS,
    allowLoopback: env[LOCAL_FORGE_HOST_ENV] === '1',
    fetch: (url, init) => forgeFetch(url, init as Parameters<typeof forgeFetch>[1]) as unknown as Promise<Response>,
  };
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
