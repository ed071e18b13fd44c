import type { ImpactStatus } from '../../../shared/impact/incident';
import { alreadyLinkedMessage, type ExistingIssueLink, type LinkRefusal } from '../alerts/link-issue';
import type { IncidentLink } from './link';

/**
 * "Link by hand" (issue 16, row 37) for incidents: an admin makes an existing Jira issue the incident issue of
 * an Impact incident, so the sync writes that issue from then on. Pure: the caller reads the issue, Impact's
 * incident and the app's record, and stores the link this answers.
 */
export interface IncidentLinkInput {
  readonly issue: { readonly id: string; readonly key: string };
  readonly existing: ExistingIssueLink | null;
  readonly incidentId: string;
  /** The incident as Impact answers it now; null: Impact does not know this id. */
  readonly incident: { readonly status: ImpactStatus } | null;
  /** The app's link of the incident, if any. */
  readonly link: IncidentLink | null;
  /** The project incident issues live in (Mappings): status names and the learned workflow are that project's. */
  readonly incidentProjectKey: string;
}

export type IncidentLinkDecision = { readonly ok: true; readonly link: IncidentLink } | { readonly ok: false; readonly error: LinkRefusal };

export function decideIncidentLink(input: IncidentLinkInput): IncidentLinkDecision {
  const { issue, incidentId } = input;
  const refuse = (code: LinkRefusal['code'], message: string): IncidentLinkDecision => ({ ok: false, error: { code, message } });
  if (input.existing) return refuse('conflict', alreadyLinkedMessage(issue.key, input.existing));
  const projectKey = issue.key.split('-')[0] ?? '';
  if (projectKey !== input.incidentProjectKey) {
    return refuse('conflict', `incident issues live in project ${input.incidentProjectKey} (Mappings tab), and ${issue.key} is in ${projectKey}: its statuses would not match the mapping`);
  }
  if (!input.incident) return refuse('not-found', `Impact has no incident ${incidentId}`);
  if (input.incident.status === 'CLOSED') return refuse('conflict', `Impact incident ${incidentId} is closed: no update would reach the issue`);
  if (input.link) {
    return refuse('conflict', input.link.issueId === issue.id ? `${issue.key} is already the issue of incident ${incidentId}` : `Impact incident ${incidentId} already has an issue, ${input.link.issueKey}; unlink ${input.link.issueKey} first`);
  }
  return { ok: true, link: { incidentId, issueId: issue.id, issueKey: issue.key, postMortem: null } };
}
