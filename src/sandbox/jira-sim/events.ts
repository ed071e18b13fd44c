/**
 * Forge product events for issue changes, shaped like the payloads in Atlassian's Forge events reference
 * (`avi:jira:created:issue`, `avi:jira:updated:issue`, `avi:jira:deleted:issue`, and the comment events below),
 * plus one field of the simulator's own, `actorIsApp`: the local Forge host turns it into Forge's `selfGenerated`
 * / `ignoreSelf` and never delivers it. No `timestamp`: the reference documents none on these events (the change
 * time is the issue's `updated` field).
 *
 * Comment events [D FORGE_JIRA_EVENTS_REFERENCE, "Comment events", read 2026-12 from a stored copy of the page
 * as mirrored on 2025-11-12 and 2026-04-01; the same text in both]:
 * - "An event with the name `avi:jira:commented:issue` is sent each time a comment is created or edited."
 *   Payload: eventType, issue, atlassianId? ("[Optional] The ID of the user that has caused the event"),
 *   associatedUsers? ("[Optional] The user who has made the comment"), comment ("An object describing the
 *   comment, including its author, body content, and other metadata").
 * - "An event with the name `avi:jira:mentioned:comment` is sent each time users are mentioned when a comment
 *   is created or edited. All users mentioned in the comment are included in one event." Payload: eventType,
 *   issue, atlassianId?, mentionedAccountIds (string[]), comment.
 * - "An event with the name `avi:jira:deleted:comment` is sent each time a comment is deleted. Keep in mind
 *   that cascading events aren't emitted" (deleting an issue sends no event for its comments). Payload:
 *   eventType, issue, atlassianId?, comment.
 * - Each: "The required OAuth scope is `read:jira-work`."
 * There is no `avi:jira:updated:comment`: an edit is `avi:jira:commented:issue` again, for the same comment id.
 * [V @forge/manifest 13.7.0 out/mapping/product-event-to-scope-mapping.json, generated from Atlassian's prod event
 * registry: its Jira comment events are exactly commented:issue, mentioned:comment and deleted:comment, each
 * with current scope read:jira-work.]
 * (`comment_updated` is a Jira REST webhook, not a Forge event.) Receivers tell a new comment from an edit by the
 * comment id they know. The stored copy lost the page's "Type reference" tab, so the Comment fields other than
 * id, author and body are [U]: the simulator sends Jira's REST comment fields `updateAuthor`, `created` and
 * `updated`, and the app must not need them (issue-updated.ts treats them as optional).
 * Self-generated events [D platform/forge/events-reference/product_events "Detect and filter self-generated
 * events"]: `filter.ignoreSelf` drops them; without it they arrive "with a `selfGenerated` property set to true".
 */
import type { ChangeItem } from './model';

/** Where every event name and payload field in this file comes from. */
export const FORGE_JIRA_EVENTS_REFERENCE = 'https://developer.atlassian.com/platform/forge/events-reference/jira/';

export type IssueEventType =
  | 'avi:jira:created:issue'
  | 'avi:jira:updated:issue'
  | 'avi:jira:commented:issue'
  | 'avi:jira:mentioned:comment'
  | 'avi:jira:deleted:issue'
  | 'avi:jira:deleted:comment';

export interface IssueEventIssue {
  readonly id: string;
  readonly key: string;
  readonly fields: Record<string, unknown>;
}

export interface IssueEventBase {
  readonly issue: IssueEventIssue;
  /** accountId of the user (or app user) whose request made the change. */
  readonly atlassianId: string;
  readonly associatedUsers: readonly { readonly accountId: string }[];
  readonly actorIsApp: boolean;
}

/** id, author, body [D]; updateAuthor, created, updated [U] (Jira's REST comment fields; see the header). */
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
  /** A created or edited comment that mentions users: all of them in one event. */
  | (Omit<IssueEventBase, 'associatedUsers'> & {
      readonly eventType: 'avi:jira:mentioned:comment';
      readonly mentionedAccountIds: readonly string[];
      readonly comment: EventComment;
    })
  /** The comment as it was just before it was deleted. */
  | (Omit<IssueEventBase, 'associatedUsers'> & { readonly eventType: 'avi:jira:deleted:comment'; readonly comment: EventComment });

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
