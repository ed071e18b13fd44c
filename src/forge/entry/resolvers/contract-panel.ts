/**
 * Contract types of the issue panel actions, the incident panel and the Mappings / Post-mortem templates
 * tabs (issue 7). Re-exported from contract.ts, which joins them into ResolverDefinitions.
 */
import type { ImpactStatus } from '../../../shared/impact/incident';
import type { FieldMappingConfig, PostMortemConfig, StatusMapConfig } from '../../domain/incidents';
import type { PreflightReport } from '../../domain/preflight';
import type { AlertGroupSearch, AlertLinkAnswer, AlertLinkRequest } from '../../domain/alerts/link-issue';
export type { AlertGroupHit, AlertGroupSearch, AlertLinkAnswer, AlertLinkRequest } from '../../domain/alerts/link-issue';
import type { IssueAlertGroup, ResolverResult } from './contract';

/** The incident behind an incident issue, both sides as last seen. */
export interface IssueIncident {
  readonly kind: 'incident';
  readonly issueKey: string;
  readonly incidentId: string;
  /** The issue's status as Jira shows it to the caller now. */
  readonly jiraStatus: string | null;
  /** Impact's status the last time the sync saw the incident; null before the first sync. */
  readonly impactStatus: ImpactStatus | null;
  /** What Jira status that Impact status maps to, to show whether the two sides agree. */
  readonly expectedJiraStatus: string | null;
  readonly priority: number | null;
  /** The incident's title as the sync last saw it; null before the first sync. */
  readonly title: string | null;
  /** The incident's page in Impact (http or https only); null when unknown. */
  readonly impactUrl: string | null;
  /** The commander's email. */
  readonly commander: string | null;
  /** The commander's name in Impact; null when unknown (records stored before names were kept). */
  readonly commanderName: string | null;
  readonly lastSync: string | null;
  /** The newest failed delivery for this incident, if any. */
  readonly lastError: { readonly at: string; readonly reason: string } | null;
  readonly postMortem: { readonly issueKey: string } | null;
  /** The newest "Resync now" of this incident and how it ended; null when none is on record. */
  readonly resync: IncidentResyncStatus | null;
  /**
   * Fields (status, priority, commander, title) on which the sides disagree and the sync could not settle
   * them, with both values as each side holds them (Jira's commander as an accountId) and why. Empty: in sync.
   */
  readonly outOfSync: readonly { readonly field: string; readonly impact: string; readonly jira: string; readonly reason: string }[];
}

export interface IncidentResyncStatus {
  readonly requestId: string;
  readonly requestedAt: string;
  readonly finishedAt: string | null;
  readonly outcome: 'pending' | 'synced' | 'failed' | 'not-linked';
  readonly detail: string | null;
}

/** A post-mortem issue the sync created: which incident (and incident issue) it is the post-mortem of. */
export interface PostMortemIssue {
  readonly kind: 'post-mortem';
  readonly issueKey: string;
  readonly incidentId: string;
  readonly incidentIssueKey: string;
}

/** The parts of the incident sync config the Mappings tab edits (guard timing and origin stay server-side). */
/**
 * saveIncidentMappings' answer: the stored mappings and what Jira's create metadata (read as the admin) says of the
 * incident issue and, when enabled, the post-mortem issue (issue 16 pre-flight). Mappings are saved even when Jira
 * would refuse them (screens are often changed afterwards); the report says what to fix, field by field.
 */
export interface IncidentMappingsSaveResult extends IncidentMappings {
  readonly preflight?: { readonly incident: PreflightReport; readonly postMortem: PreflightReport | null };
}

export interface IncidentMappings {
  readonly statuses: StatusMapConfig;
  readonly fields: FieldMappingConfig;
  readonly postMortem: Pick<PostMortemConfig, 'enabled' | 'projectKey' | 'issueTypeName' | 'requirePostMortemToClose'> & {
    /** Where each section goes: a custom field id, or null for the description. */
    readonly sectionTargets: Readonly<Record<string, string | null>>;
  };
}

/** The editable template part of the post-mortem config. */
export interface PostMortemTemplates {
  readonly summary: string;
  readonly sections: readonly { readonly key: string; readonly heading: string; readonly body: string }[];
}

export type PanelAndMappingResolverDefinitions = {
  /** Reads the issue's status from Jira into the app's mirror, then answers the panel again. */
  resyncIssueAlertGroup: () => ResolverResult<IssueAlertGroup | null>;
  /** Forgets the problem → issue mapping (a new alert then opens a new issue). Project admins only. */
  unlinkIssueAlertGroup: () => ResolverResult<{ readonly problemKey: string }>;
  /** null: the issue is neither an incident issue nor a post-mortem the sync created. */
  getIssueIncident: () => ResolverResult<IssueIncident | PostMortemIssue | null>;
  /**
   * Queues a resync of the issue's incident and answers at once; poll getIssueIncidentResync with the
   * request id until its outcome is no longer pending. `side`: whose values win, Impact's (default: Jira is
   * made to match Impact) or Jira's (Impact is made to match Jira; project admins only).
   */
  resyncIssueIncident: (input?: { side?: 'impact' | 'jira' }) => ResolverResult<{ readonly queued: true; readonly requestId: string; readonly requestedAt: string }>;
  /** That request's status; null when a newer request replaced it. */
  getIssueIncidentResync: (input: { requestId: string }) => ResolverResult<IncidentResyncStatus | null>;
  /** Forgets the incident ⇄ issue link both ways (the next Impact event opens a new issue). Project admins only. */
  unlinkIssueIncident: () => ResolverResult<{ readonly incidentId: string }>;
  /**
   * Link by hand (issue 16, row 37), project admins of the issue's project only: open alert groups the app
   * tracks whose rule id or labels contain every word of `query`, newest first.
   */
  searchAlertGroups: (input: { query?: string; limit?: number }) => ResolverResult<AlertGroupSearch>;
  /**
   * Makes this issue the issue of that open alert group (refused when either side is linked already). Checked at
   * once; the record is stored in the group's queue lane: `pending` until getIssueAlertLink says how it ended.
   */
  linkIssueAlertGroup: (input: { problemKey: string }) => ResolverResult<AlertLinkAnswer>;
  /** That link request's state (null: not this issue's newest request). */
  getIssueAlertLink: (input: { requestId: string }) => ResolverResult<AlertLinkRequest | null>;
  /** Makes this issue the incident issue of that Impact incident (refused for unknown or closed incidents). */
  linkIssueIncident: (input: { incidentId: string }) => ResolverResult<{ readonly incidentId: string; readonly title: string }>;
  getIncidentMappings: () => ResolverResult<IncidentMappings>;
  saveIncidentMappings: (input: { mappings: unknown }) => ResolverResult<IncidentMappingsSaveResult>;
  getPostMortemTemplates: () => ResolverResult<PostMortemTemplates>;
  savePostMortemTemplates: (input: { templates: unknown }) => ResolverResult<PostMortemTemplates>;
};
