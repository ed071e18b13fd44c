import type { Command, Rule, RuleExplanation, SkippedAlert } from '../../domain/alerts';
import type { PreflightReport } from '../../domain/preflight';
export type { CreateMetaField, CreateMetaIssueType, PreflightFinding, PreflightReport } from '../../domain/preflight';
import type { PickerProjects, RuleTargetOptions } from './rule-pickers';
export type { PickerProjects, RuleTargetOptions };
import type { DeliveryVerdict, FailedDeliveryBase, RelayDeadLetter } from '../../delivery/delivery-record';
import type { DrillQuery, ProjectMetrics } from '../../domain/projects';
import type { ProjectRow } from '../../projects/project-admin';
import type { ProjectSyncSettings } from '../../projects/project-store';
import type { UserMatchList } from '../../projects/user-directory';
import type { DrillDownPage, DrillIssue } from '../../projects/metrics-store';
/**
 * The typed contract between the Custom UI pages (static/) and the resolver function. Both sides
 * import this type; @forge/resolver's `makeResolver<ResolverDefinitions>` checks the backend against it
 * and @forge/bridge's typed `makeInvoke` (or our shim) checks the frontend. Secrets never appear here:
 * only whether they are set.
 */
import type { ConnectionResolverDefinitions } from './contract-connection';
import type { PeopleResolverDefinitions } from './contract-people';
export type { AccountRef, DirectoryPage, DirectoryRun, IncidentResponseTimes, IncidentResponseView, MatchedPerson, PeopleResolverDefinitions, UnmatchedPerson } from './contract-people';
import type { IncidentSettingsResolverDefinitions } from './contract-incident-settings';
export type { CategoryRule, IncidentRoutingView, IncidentSettingsResolverDefinitions, IncidentSettingsScope, IncidentSettingsView, MappingPickerOptions, OverridableField } from './contract-incident-settings';
import type { ViewerAccess } from './admin-check';
export type { ViewerAccess };
export type { ConnectionResolverDefinitions, ConnectionStatus, ImpactConnectionStatus, ImpactTestResult, RejectedBatch, SigningKeyStatus, SigningStatus } from './contract-connection';

export interface DeliverySummary {
  readonly eventId: string;
  readonly source: string;
  readonly groupKey: string;
  readonly receivedAt: string;
  /** The record's kind: recorded, rejected, applied, failed, incident. */
  readonly outcome: string;
  /** What the row says: applied / skipped / partial / failed / rejected / recorded (delivery-record verdictOf). */
  readonly verdict: DeliveryVerdict;
  /** One line for people: "created OPS-1", "skipped because …", "failed: …". */
  readonly detail: string;
  // Added by issue 14 (all present on every item):
  /** The line's storage key. */
  readonly key: string;
  readonly processedAt: string;
  readonly attempt: number;
  /** Deliveries this line stands for: unchanged repeats of a group fold into its last line. */
  readonly count: number;
  /** When the latest of them was processed, and its event (processedAt and eventId when count is 1). */
  readonly lastAt: string;
  readonly lastEventId: string;
  readonly projectKeys: readonly string[];
  readonly issueKeys: readonly string[];
}

/**
 * A page of the delivery log, newest first. `items` and `nextCursor` keep their meaning; `ok` is false (with
 * `error.code` `invalid-input` and empty items) for bad input. `prevCursor` pages back towards newer lines.
 */
export type RecentDeliveries = {
  readonly items: readonly DeliverySummary[];
  readonly nextCursor: string | null;
  readonly prevCursor: string | null;
  /** How long lines are kept (BRIDGE_DELIVERY_LOG_RETENTION_DAYS). */
  readonly retentionDays: number;
} & ({ readonly ok: true } | { readonly ok: false; readonly error: ResolverError });

/** Filters of the delivery log (all optional, combined with AND); unknown fields are refused. */
export interface DeliveryLogQuery {
  cursor?: string;
  limit?: number;
  outcome?: 'recorded' | 'rejected' | 'applied' | 'failed' | 'incident';
  source?: 'alertmanager' | 'impact';
  projectKey?: string;
  groupKey?: string;
  issueKey?: string;
  /** The row's word: applied / skipped / partial / failed / rejected / recorded. */
  verdict?: DeliveryVerdict;
}

export type ResolverDefinitions = {
  listRecentDeliveries: (input: DeliveryLogQuery) => RecentDeliveries;
  /** Whether the caller may change what the page shows (both pages); writes still check for themselves. */
  getMyAccess: () => ViewerAccess;
} & AlertResolverDefinitions & IssuePanelResolverDefinitions & ProjectResolverDefinitions & PanelAndMappingResolverDefinitions & ConnectionResolverDefinitions & PeopleResolverDefinitions & IncidentSettingsResolverDefinitions;

// ---------------------------------------------------------------------------------------------------------
// Alertmanager → Jira rules (issue 4)


export interface InputProblem {
  /** `rule.matchers.0`, `rules.2.target.projectKey`, `(yaml)`, `(body)`. */
  readonly path: string;
  readonly message: string;
  readonly line?: number;
}

export type ResolverErrorCode = 'invalid-input' | 'forbidden' | 'not-found' | 'conflict' | 'jira-error' | 'too-large';

export interface ResolverError {
  readonly code: ResolverErrorCode;
  readonly message: string;
  readonly problems?: readonly InputProblem[];
}

export type ResolverResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ResolverError };

export interface AlertRuleList {
  readonly revision: number;
  readonly rules: readonly Rule[];
}

/**
 * saveAlertRule's answer: the list, and what Jira's create metadata says of the saved rule (issue 16
 * pre-flight; absent when not checked). An active rule Jira would refuse is not saved: the answer is then
 * `invalid-input` with one problem per finding, at `rule.<path>`.
 */
export interface AlertRuleSaveResult extends AlertRuleList {
  readonly preflight?: PreflightReport;
}

/** A rule's pre-flight in the Dry run: one per rule that wins an alert. */
export interface RulePreflight extends PreflightReport {
  readonly ruleId: string;
}

export interface PlannedJiraCall {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly body?: unknown;
  /** Why, for people: "create the issue", "look up the transition (not cached yet)". */
  readonly purpose: string;
}

export interface DryRunAlert {
  readonly fingerprint: string;
  readonly status: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly selectedRuleId: string | null;
  /** Every rule in order, and why it did or did not match. */
  readonly rules: readonly RuleExplanation[];
}

export interface DryRunProblem {
  readonly problemKey: string;
  readonly ruleId: string;
  readonly grouping: 'fingerprint' | 'group';
  readonly knownIssueKey: string | null;
  readonly summary: string;
  readonly description: unknown;
  readonly commands: readonly Command[];
  readonly jiraCalls: readonly PlannedJiraCall[];
  /** The rule's storm guard, when it decides: this window's count and whether the problem would roll (absent otherwise). */
  readonly storm?: DryRunStorm;
}

export interface DryRunStorm {
  /** "≤ 50 new issues / 60 min". */
  readonly guard: string;
  /** Start of the fixed window (ISO). */
  readonly windowStart: string;
  /** New issues the window has opened so far (before this problem), of `maxNewIssues`. */
  readonly used: number;
  readonly maxNewIssues: number;
  /** `rolled`: listed on the storm issue instead of an issue of its own (already, or it would be). */
  readonly verdict: 'own-issue' | 'rolled' | 'window-full';
  /** The storm issue, when it exists. */
  readonly stormIssueKey: string | null;
}

export interface DryRunReport {
  readonly alerts: readonly DryRunAlert[];
  readonly skipped: readonly SkippedAlert[];
  readonly problems: readonly DryRunProblem[];
  /** What Jira's create metadata says of each winning rule's target (read as the user; absent when not checked). */
  readonly preflight?: readonly RulePreflight[];
}

/** A failed delivery as listed: its storage key (for Retry) and what every failed delivery records. */
export interface FailedDeliverySummary extends FailedDeliveryBase {
  readonly key: string;
  /**
   * Present for an event the relay dead-lettered: the app never had it, so Retry answers `conflict` and the
   * operator re-sends it on the relay with `requeue` (the command, with the event id).
   */
  readonly relayDeadLetter?: RelayDeadLetter & { readonly requeue: string };
}

/** Failed deliveries, newest first; like RecentDeliveries, `ok: false` with empty items for bad input. */
export type FailedDeliveryPage = {
  readonly items: FailedDeliverySummary[];
  readonly nextCursor: string | null;
  readonly prevCursor: string | null;
} & ({ readonly ok: true } | { readonly ok: false; readonly error: ResolverError });

export type AlertResolverDefinitions = {
  listAlertRules: () => AlertRuleList;
  saveAlertRule: (input: { rule: unknown; expectedRevision?: number }) => ResolverResult<AlertRuleSaveResult>;
  /** Pre-flight of a rule (saved or not) against Jira's create metadata, read as the user; saves nothing. */
  preflightRule: (input: { rule: unknown }) => ResolverResult<PreflightReport>;
  deleteAlertRule: (input: { id: string; expectedRevision?: number }) => ResolverResult<AlertRuleList>;
  reorderAlertRules: (input: { ids: string[]; expectedRevision?: number }) => ResolverResult<AlertRuleList>;
  exportAlertRules: () => { yaml: string };
  importAlertRules: (input: { yaml: string }) => ResolverResult<AlertRuleList>;
  dryRunAlerts: (input: { notification: unknown; rules?: unknown[]; receivedAt?: string }) => ResolverResult<DryRunReport>;
  listFailedDeliveries: (input: { cursor?: string; limit?: number }) => FailedDeliveryPage;
  /** Rule editor pickers (issue 16), read from Jira as the signed-in user. */
  listJiraProjects: (input: { query?: string }) => ResolverResult<PickerProjects>;
  getRuleTargetOptions: (input: { projectKey: string; issueType?: string }) => ResolverResult<RuleTargetOptions>;
  retryFailedDelivery: (input: { key: string }) => ResolverResult<{ eventId: string }>;
};

// ---------------------------------------------------------------------------------------------------------
// Issue panel (issue 7): the alert problem behind an issue; the issue comes from the module context.

export interface IssueAlertGroup {
  readonly issueKey: string;
  readonly problemKey: string;
  readonly grouping: 'fingerprint' | 'group';
  /** Fingerprint or Alertmanager groupKey, verbatim. */
  readonly identity: string;
  readonly ruleId: string;
  /** The issue the problem is on now (a re-fire may have moved it to a new linked issue). */
  readonly currentIssueKey: string | null;
  readonly statusCategory: string | null;
  readonly previousIssueKeys: readonly string[];
  readonly firstSeen: string | null;
  readonly lastSeen: string | null;
  readonly alerts: readonly {
    readonly fingerprint: string;
    readonly status: 'firing' | 'resolved';
    readonly startsAt: string;
    readonly endsAt: string;
    /** Name for people (alertname and distinguishing labels); null when the labels are unknown. */
    readonly name: string | null;
    readonly generatorUrl: string | null;
    readonly silenceUrl: string | null;
  }[];
  /** Alertmanager links; null when the problem was stored before links were kept, or has no usable URL. */
  readonly alertmanagerUrl: string | null;
  readonly silenceUrl: string | null;
}

import type { PanelAndMappingResolverDefinitions } from './contract-panel';
export type { AlertGroupHit, AlertGroupSearch, AlertLinkAnswer, AlertLinkRequest, IncidentMappings, IncidentMappingsSaveResult, IncidentResyncStatus, IssueIncident, PanelAndMappingResolverDefinitions, PostMortemIssue, PostMortemTemplates } from './contract-panel';

export type IssuePanelResolverDefinitions = {
  /** null: the issue was not created by an alert. */
  getIssueAlertGroup: () => ResolverResult<IssueAlertGroup | null>;
};

// ---------------------------------------------------------------------------------------------------------
// Tracked projects, metrics and user matching (issue 6). Reads are open; writes need ADMINISTER_PROJECTS.

export type { BridgeTimes, SprintPoints, WeeklyCount } from '../../domain/projects';
export type { DrillQuery };
export type { DrillDownPage, DrillIssue };
export type { ProjectMetrics, ProjectRow, ProjectSyncSettings, UserMatchList };

export type ProjectResolverDefinitions = {
  listProjects: () => ResolverResult<ProjectRow[]>;
  trackProject: (input: { projectId: string; projectKey: string; name?: string }) => ResolverResult<{ projectId: string }>;
  untrackProject: (input: { projectId: string; projectKey: string }) => ResolverResult<{ deletedIssues: number }>;
  syncProjectNow: (input: { projectId: string; mode?: 'incremental' | 'full' }) => ResolverResult<{ queued: boolean }>;
  getProjectMetrics: (input: { projectId: string }) => ResolverResult<ProjectMetrics>;
  /** The issues behind a week, a sprint or a percentile, paged (limit 1–100, default 50); link = siteUrl + browsePath. */
  getProjectDrillDown: (input: { projectId: string; query: DrillQuery; offset?: number; limit?: number }) => ResolverResult<DrillDownPage>;
  getProjectSyncSettings: () => ResolverResult<ProjectSyncSettings>;
  saveProjectSyncSettings: (input: { intervalHours: number; storyPointsField?: string | null }) => ResolverResult<ProjectSyncSettings>;
  listUserMatches: (input: { refresh?: boolean }) => ResolverResult<UserMatchList>;
};
