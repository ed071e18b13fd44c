import type { UpdateIncidentRequest, PostNoteRequest } from '../../../shared/impact/api';
import type { IncidentIssueProperty } from './link';
import type { AvailableTransition, TransitionStep } from '../workflow/workflow-path';

/**
 * Commands the decisions return and adapters execute in order. Each is self-contained: an adapter needs
 * nothing else to run it. Failure policy per kind (what the adapter does when Jira/Impact refuses):
 *  - create-issue: fatal for this event (retry the event; later commands refer to the created issue);
 *  - edit-issue, transition-issue: record a failed delivery with the reason, continue with the rest;
 *  - assign-issue: log a warning, continue (assignment never fails the sync);
 *  - create-post-mortem: create is required; linking tries each type and may fail; assignment may fail;
 *  - update-post-mortem: record a failed delivery, continue;
 *  - impact update-incident / post-note: record a failed delivery, continue.
 */

/** An issue that exists, or the one the preceding create-issue command made. */
export type IssueRef = { readonly kind: 'issue'; readonly issueId: string; readonly issueKey: string } | { readonly kind: 'created' };

export type JiraCommand =
  | {
      readonly kind: 'create-issue';
      readonly incidentId: string;
      /** POST /rest/api/3/issue body `fields`. */
      readonly fields: Readonly<Record<string, unknown>>;
      /** PUT /rest/api/3/issue/{id}/properties/{key} right after creating (and store the link in KVS). */
      readonly property: { readonly key: string; readonly value: IncidentIssueProperty };
    }
  | { readonly kind: 'edit-issue'; readonly issue: IssueRef; readonly fields: Readonly<Record<string, unknown>> }
  | {
      readonly kind: 'transition-issue';
      readonly issue: IssueRef;
      /** POST /rest/api/3/issue/{id}/transitions once per step, in order, stopping at the first failure. */
      readonly steps: readonly TransitionStep[];
      readonly targetStatusName: string;
    }
  /** PUT /rest/api/3/issue/{id}/assignee; null unassigns. */
  | { readonly kind: 'assign-issue'; readonly issue: IssueRef; readonly accountId: string | null }
  | {
      readonly kind: 'create-post-mortem';
      readonly incidentId: string;
      readonly incidentIssue: IssueRef;
      readonly fields: Readonly<Record<string, unknown>>;
      /** Link type names to try in order (resolve with linkTypeCandidates); never a parent link. */
      readonly linkTypePreference: readonly string[];
      readonly assigneeAccountId: string | null;
    }
  | { readonly kind: 'update-post-mortem'; readonly postMortemIssueId: string; readonly fields: Readonly<Record<string, unknown>> };

export type ImpactCommand =
  /** PATCH /api/v1/incidents/{id} */
  | { readonly kind: 'update-incident'; readonly incidentId: string; readonly request: UpdateIncidentRequest }
  /** POST /api/v1/incidents/{id}/notes */
  | { readonly kind: 'post-note'; readonly incidentId: string; readonly request: PostNoteRequest };

/** Things a decision could not do; recorded (failed delivery / settings page), never thrown. */
export type SyncProblem =
  | { readonly kind: 'no-transition-path'; readonly target: string; readonly fromStatusId: string; readonly available: readonly AvailableTransition[] }
  | { readonly kind: 'unknown-status'; readonly target: string; readonly fromStatusId: string }
  | { readonly kind: 'unmatched-user'; readonly email: string; readonly name: string }
  | { readonly kind: 'unmatched-account'; readonly accountId: string; readonly displayName: string | null }
  | { readonly kind: 'unmapped-jira-status'; readonly statusName: string }
  | { readonly kind: 'unmapped-priority'; readonly display: string | null };
