import type { ImpactIncident } from '../../shared/impact/incident';
import type { PostNoteRequest, UpdateIncidentRequest } from '../../shared/impact/api';
import type { UpdateNoteRequest } from '../../shared/impact/notes';
import type { ImpactFollowUp, UpdateFollowUpRequest } from '../../shared/impact/follow-ups';

/**
 * The Impact API calls the app makes (docs/impact-contract.md §2). Failures form a closed union, like
 * the Jira port's: retry later (rate-limited, unavailable), report (not-found, rejected), or ask an
 * admin to configure the connection (not-configured).
 */
export type ImpactFailure =
  | { readonly kind: 'rate-limited'; readonly retryAfterSeconds: number }
  | { readonly kind: 'unavailable'; readonly status: number | undefined; readonly message: string }
  | { readonly kind: 'not-found'; readonly message: string }
  | { readonly kind: 'rejected'; readonly status: number; readonly code: string; readonly messages: readonly string[] }
  /**
   * A conditional write (`ifVersion`) found the incident at another version: someone changed it since the
   * decision was made. Not retryable as is: re-read, re-decide, and write again on `currentVersion`.
   */
  | { readonly kind: 'conflict'; readonly currentVersion: number; readonly message: string }
  | { readonly kind: 'not-configured'; readonly message: string };

export type ImpactResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly failure: ImpactFailure };

export interface ImpactNote {
  readonly id: string;
  readonly message: string;
  /** The note's own version (If-Match of an edit). */
  readonly version: number;
}

/** A write that applies only while the incident is still at `ifVersion` (sent as `If-Match`). */
export interface ImpactWriteOptions {
  readonly ifVersion?: number;
}

export interface ImpactPort {
  getIncident(incidentId: string): Promise<ImpactResult<ImpactIncident>>;
  updateIncident(incidentId: string, request: UpdateIncidentRequest, options?: ImpactWriteOptions): Promise<ImpactResult<ImpactIncident>>;
  postNote(incidentId: string, request: PostNoteRequest): Promise<ImpactResult<ImpactNote>>;
  /** PATCH a note the app wrote (`ifVersion` = the note's version); a 409 is a `conflict` naming the current one. */
  updateNote(incidentId: string, noteId: string, request: UpdateNoteRequest, options?: ImpactWriteOptions): Promise<ImpactResult<ImpactNote>>;
  /** DELETE a note the app wrote; a note already gone is `not-found`. */
  deleteNote(incidentId: string, noteId: string, origin: string): Promise<ImpactResult<void>>;
  getFollowUp(incidentId: string, followUpId: string): Promise<ImpactResult<ImpactFollowUp>>;
  /** PATCH a follow-up (`ifVersion` = its version; a 409 is a `conflict` naming the current one). */
  updateFollowUp(incidentId: string, followUpId: string, request: UpdateFollowUpRequest, options?: ImpactWriteOptions): Promise<ImpactResult<ImpactFollowUp>>;
}

/** Where the app reaches Impact: secret storage `SecretKeys.impactApi`, else env IMPACT_API_URL / IMPACT_API_TOKEN. */
export interface ImpactConnection {
  readonly baseUrl: string;
  readonly token: string;
}

export function isRetryableImpactFailure(failure: ImpactFailure): boolean {
  return failure.kind === 'rate-limited' || failure.kind === 'unavailable';
}

export function describeImpactFailure(failure: ImpactFailure): string {
  switch (failure.kind) {
    case 'rate-limited':
      return `Impact rate limit, retry after ${failure.retryAfterSeconds} s`;
    case 'unavailable':
      return `Impact unavailable${failure.status === undefined ? '' : ` (HTTP ${failure.status})`}: ${failure.message}`;
    case 'not-found':
      return `not found in Impact: ${failure.message}`;
    case 'rejected':
      return `Impact refused the request (HTTP ${failure.status} ${failure.code}): ${failure.messages.join('; ') || 'no message'}`;
    case 'conflict':
      return `Impact incident changed meanwhile (now version ${failure.currentVersion}): ${failure.message}`;
    case 'not-configured':
      return `Impact API not configured: ${failure.message}`;
    default:
      return assertNever(failure);
  }
}

function assertNever(x: never): never {
  throw new Error(`unexpected Impact failure ${JSON.stringify(x)}`);
}
