/**
 * Forge product events for issue changes, shaped like the payloads in Atlassian's Forge events reference
 * (`avi:jira:created:issue`, `avi:jira:updated:issue`, `avi:jira:commented:issue`, `avi:jira:deleted:issue`,
 * `avi:jira:deleted:comment`), plus `actorIsApp` (not part of Forge's payload) so the local Forge host can
 * honour a trigger's `ignoreSelf`.
 *
 * Comment events: Forge's reference (developer.atlassian.com/platform/forge/events-reference/jira, and the
 * `@forge/events` trigger types: JiraCommentedIssueEvent, JiraDeletedCommentEvent) names
 * `avi:jira:commented:issue` and `avi:jira:deleted:comment`; there is no `avi:jira:updated:comment`. An
 * edit is sent as `avi:jira:commented:issue` again for the same comment id with a later `updated` and its
 * `updateAuthor` [U: the reference does not say in words that an edit fires it; Jira's own comment
 * webhooks fire `comment_updated`]. Receivers must tell a new comment from an edit by the id they know.
 */
import type { ChangeItem } from './model';

export type IssueEventType = 'avi:jira:created:issue' | 'avi:jira:updated:issue' | 'avi:jira:commented:issue' | 'avi:jira:deleted:issue' | 'avi:jira:deleted:comment';

export interface IssueEventIssue {
  readonly id: string;
  readonly key: string;
  readonly fields: Record<string, unknown>;
}

interface IssueEventBase {
  readonly issue: IssueEventIssue;
  /** accountId of the user (or app user) whose request made the change. */
  readonly atlassianId: string;
  readonly associatedUsers: readonly { readonly accountId: string }[];
  readonly actorIsApp: boolean;
  /** Simulator clock time of the change (ms since epoch). */
  readonly timestamp: number;
}

export interface EventComment {
  readonly id: string;
  readonly body: unknown;
  readonly author: { readonly accountId: string };
  readonly updateAuthor: { readonly accountId: string };
  readonly created: string;
  readonly updated: string;
}

export type IssueEvent =
  | (IssueEventBase & { readonly eventType: 'avi:jira:created:issue' })
  /** The issue as it was just before it was deleted. */
  | (IssueEventBase & { readonly eventType: 'avi:jira:deleted:issue' })
  | (IssueEventBase & {
      readonly eventType: 'avi:jira:updated:issue';
      readonly changelog: { readonly id: string; readonly items: readonly ChangeItem[] };
    })
  | (IssueEventBase & {
      readonly eventType: 'avi:jira:commented:issue';
      readonly comment: EventComment;
    })
  /** The comment as it was just before it was deleted. */
  | (IssueEventBase & { readonly eventType: 'avi:jira:deleted:comment'; readonly comment: EventComment });

export type IssueEventListener = (event: IssueEvent) => void;

/** Synchronous fan-out: listeners run before the HTTP response is returned, which keeps tests deterministic. */
export class IssueEventBus {
  private readonly listeners = new Set<IssueEventListener>();

  constructor(private readonly onListenerError: (error: unknown) => void) {}

  subscribe(listener: IssueEventListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  emit(event: IssueEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        // A broken subscriber must not turn a successful Jira write into an error response.
        this.onListenerError(error);
      }
    }
  }
}
