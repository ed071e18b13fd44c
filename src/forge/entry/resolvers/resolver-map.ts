/**
 * The Custom UI resolvers by name (ResolverDefinitions in ./contract), each parsing the caller's context and
 * handing its payload to the resolver with dependencies built per request. index.ts passes this map to
 * @forge/resolver's `makeResolver<ResolverDefinitions>`, which checks names, payloads and results.
 */
import { callerOf, viewerAccess, type CallerContext } from './admin-check';
import { deleteAlertRule, exportAlertRules, importAlertRules, listAlertRules, reorderAlertRules, saveAlertRule, type RuleResolverDeps } from './alert-rules';
import { getConnectionStatus, retireSigningKey, rotateSigningKey, type ConnectionStatusDeps, type SigningResolverDeps } from './connection';
import { saveImpactConnection, testImpactConnection, type ImpactConnectionDeps } from './connection-impact';
import { dryRunAlerts, type DryRunDeps } from './dry-run';
import { preflightRuleResolver } from './preflight';
import { getRuleTargetOptions, listJiraProjects, type RulePickerDeps } from './rule-pickers';
import { listFailedDeliveries, retryFailedDelivery, type FailedDeliveryDeps } from './failed-deliveries';
import { getIncidentMappings, getPostMortemTemplates, saveIncidentMappings, savePostMortemTemplates, type MappingResolverDeps } from './incident-mappings';
import { getIssueIncident, type IncidentPanelDeps } from './incident-panel';
import { getIncidentSettings, saveIncidentCategories, saveProjectIncidentSettings, setIncidentSyncEnabled } from './incident-settings';
import { listMappingPickerOptions, type MappingPickerDeps } from './jira-pickers-mappings';
import { getIssueIncidentResync, resyncIssueIncident, unlinkIssueIncident, type IncidentPanelActionDeps } from './incident-panel-actions';
import { getIssueAlertLink, linkIssueAlertGroup, linkIssueIncident, searchAlertGroups, type IssueLinkDeps } from './issue-link';
import { getIssueAlertGroup, issueKeyOf, resyncIssueAlertGroup, unlinkIssueAlertGroup, type IssuePanelActionDeps, type IssuePanelDeps } from './issue-panel';
import {
  getProjectSyncSettings,
  listProjectsResolver,
  listUserMatchesResolver,
  projectDrillDownResolver,
  projectMetricsResolver,
  saveProjectSyncSettings,
  syncProjectNowResolver,
  trackProjectResolver,
  untrackProjectResolver,
  type ProjectResolverDeps,
} from './projects';
import { listRecentDeliveries, type ResolverDeps } from './resolvers';
import {
  forgetManualDecision,
  getIncidentResponseTimes,
  getUserDirectory,
  matchUser,
  recomputeIncidentResponseTimes,
  runUserDirectoryNow,
  searchJiraAccounts,
  unmatchUser,
  type PeopleResolverDeps,
} from './people';

/** One builder per resolver group, called per request (wiring/resolvers.ts in production). */
export interface ResolverWiring {
  readonly connectionStatus: () => ConnectionStatusDeps & ResolverDeps;
  readonly connection: () => SigningResolverDeps & ImpactConnectionDeps;
  readonly alerts: () => RuleResolverDeps & DryRunDeps & FailedDeliveryDeps & RulePickerDeps;
  readonly projects: () => ProjectResolverDeps;
  readonly alertPanel: () => IssuePanelDeps;
  readonly alertPanelActions: () => IssuePanelActionDeps;
  readonly incidentPanel: () => IncidentPanelDeps;
  readonly incidentPanelActions: () => IncidentPanelActionDeps;
  /** Link by hand: both features' stores and properties, Impact, the user's permission. */
  readonly issueLink: () => IssueLinkDeps;
  readonly mappings: () => MappingResolverDeps;
  readonly people: () => PeopleResolverDeps;
  readonly mappingPickers: () => MappingPickerDeps;
}

/** What @forge/resolver hands each resolver: the UI's payload and the invocation context. */
interface ResolverCall {
  readonly payload: unknown;
  readonly context: unknown;
}

const caller = (call: ResolverCall): CallerContext => callerOf(call.context);
const issueKey = (call: ResolverCall): string | undefined => issueKeyOf(call.context);

export function resolverMap(w: ResolverWiring) {
  return {
    getMyAccess: (c: ResolverCall) => viewerAccess(w.alertPanelActions().userJira, caller(c), issueKey(c)),
    getConnectionStatus: () => getConnectionStatus(w.connectionStatus()),
    rotateSigningKey: (c: ResolverCall) => rotateSigningKey(c.payload, caller(c), w.connection()),
    retireSigningKey: (c: ResolverCall) => retireSigningKey(c.payload, caller(c), w.connection()),
    saveImpactConnection: (c: ResolverCall) => saveImpactConnection(c.payload, caller(c), w.connection()),
    testImpactConnection: (c: ResolverCall) => testImpactConnection(caller(c), w.connection()),
    listRecentDeliveries: (c: ResolverCall) => listRecentDeliveries(c.payload, w.connectionStatus()),
    listAlertRules: () => listAlertRules(w.alerts()),
    saveAlertRule: (c: ResolverCall) => saveAlertRule(c.payload, caller(c), w.alerts()),
    deleteAlertRule: (c: ResolverCall) => deleteAlertRule(c.payload, caller(c), w.alerts()),
    reorderAlertRules: (c: ResolverCall) => reorderAlertRules(c.payload, caller(c), w.alerts()),
    exportAlertRules: () => exportAlertRules(w.alerts()),
    importAlertRules: (c: ResolverCall) => importAlertRules(c.payload, caller(c), w.alerts()),
    dryRunAlerts: (c: ResolverCall) => dryRunAlerts(c.payload, w.alerts()),
    preflightRule: (c: ResolverCall) => preflightRuleResolver(c.payload, w.alerts()),
    listJiraProjects: (c: ResolverCall) => listJiraProjects(c.payload, w.alerts()),
    getRuleTargetOptions: (c: ResolverCall) => getRuleTargetOptions(c.payload, w.alerts()),
    listFailedDeliveries: (c: ResolverCall) => listFailedDeliveries(c.payload, w.alerts()),
    retryFailedDelivery: (c: ResolverCall) => retryFailedDelivery(c.payload, caller(c), w.alerts()),
    listProjects: () => listProjectsResolver(w.projects()),
    trackProject: (c: ResolverCall) => trackProjectResolver(c.payload, caller(c), w.projects()),
    untrackProject: (c: ResolverCall) => untrackProjectResolver(c.payload, caller(c), w.projects()),
    syncProjectNow: (c: ResolverCall) => syncProjectNowResolver(c.payload, caller(c), w.projects()),
    getProjectMetrics: (c: ResolverCall) => projectMetricsResolver(c.payload, w.projects()),
    getProjectDrillDown: (c: ResolverCall) => projectDrillDownResolver(c.payload, w.projects()),
    getProjectSyncSettings: () => getProjectSyncSettings(w.projects()),
    saveProjectSyncSettings: (c: ResolverCall) => saveProjectSyncSettings(c.payload, caller(c), w.projects()),
    listUserMatches: (c: ResolverCall) => listUserMatchesResolver(c.payload, w.projects()),
    getUserDirectory: (c: ResolverCall) => getUserDirectory(c.payload, w.people()),
    runUserDirectoryNow: (c: ResolverCall) => runUserDirectoryNow(caller(c), w.people()),
    searchJiraAccounts: (c: ResolverCall) => searchJiraAccounts(c.payload, caller(c), w.people()),
    matchUser: (c: ResolverCall) => matchUser(c.payload, caller(c), w.people()),
    unmatchUser: (c: ResolverCall) => unmatchUser(c.payload, caller(c), w.people()),
    forgetManualDecision: (c: ResolverCall) => forgetManualDecision(c.payload, caller(c), w.people()),
    getIncidentResponseTimes: () => getIncidentResponseTimes(w.people()),
    recomputeIncidentResponseTimes: (c: ResolverCall) => recomputeIncidentResponseTimes(caller(c), w.people()),
    getIssueAlertGroup: (c: ResolverCall) => getIssueAlertGroup(issueKey(c), w.alertPanel()),
    resyncIssueAlertGroup: (c: ResolverCall) => resyncIssueAlertGroup(issueKey(c), w.alertPanelActions()),
    unlinkIssueAlertGroup: (c: ResolverCall) => unlinkIssueAlertGroup(issueKey(c), caller(c), w.alertPanelActions()),
    getIssueIncident: (c: ResolverCall) => getIssueIncident(issueKey(c), w.incidentPanel()),
    resyncIssueIncident: (c: ResolverCall) => resyncIssueIncident(issueKey(c), caller(c), w.incidentPanelActions(), c.payload),
    getIssueIncidentResync: (c: ResolverCall) => getIssueIncidentResync(issueKey(c), caller(c), c.payload, w.incidentPanelActions()),
    unlinkIssueIncident: (c: ResolverCall) => unlinkIssueIncident(issueKey(c), caller(c), w.incidentPanelActions()),
    searchAlertGroups: (c: ResolverCall) => searchAlertGroups(issueKey(c), caller(c), c.payload, w.issueLink()),
    linkIssueAlertGroup: (c: ResolverCall) => linkIssueAlertGroup(issueKey(c), caller(c), c.payload, w.issueLink()),
    getIssueAlertLink: (c: ResolverCall) => getIssueAlertLink(issueKey(c), c.payload, w.issueLink()),
    linkIssueIncident: (c: ResolverCall) => linkIssueIncident(issueKey(c), caller(c), c.payload, w.issueLink()),
    getIncidentMappings: () => getIncidentMappings(w.mappings()),
    saveIncidentMappings: (c: ResolverCall) => saveIncidentMappings(c.payload, caller(c), w.mappings()),
    getPostMortemTemplates: () => getPostMortemTemplates(w.mappings()),
    savePostMortemTemplates: (c: ResolverCall) => savePostMortemTemplates(c.payload, caller(c), w.mappings()),
    getIncidentSettings: (c: ResolverCall) => getIncidentSettings(c.payload, caller(c), w.mappings()),
    saveProjectIncidentSettings: (c: ResolverCall) => saveProjectIncidentSettings(c.payload, caller(c), w.mappings()),
    setIncidentSyncEnabled: (c: ResolverCall) => setIncidentSyncEnabled(c.payload, caller(c), w.mappings()),
    saveIncidentCategories: (c: ResolverCall) => saveIncidentCategories(c.payload, caller(c), w.mappings()),
    listMappingPickerOptions: (c: ResolverCall) => listMappingPickerOptions(c.payload, w.mappingPickers()),
  };
}
