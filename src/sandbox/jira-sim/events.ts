/**
 * Forge product events for issue changes, shaped like the payloads in Atlassian's Forge events reference
 * (`avi:jira:created:issue`, `avi:jira:updated:issue`, `avi:jira:commented:issue`, `avi:jira:deleted:issue`), plus `actorIsApp`
 * (not part of Forge's payload) so the local Forge host can honour a trigger's `ignoreSelf`.
 */
import type { ChangeItem } from './model';

export type IssueEventType = 'avi:jira:created:issue' | 'avi:jira:updated:issue' | 'avi:jira:commented:issue' | 'avi:jira:deleted:issue';

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
      readonly comment: { readonly id: string; readonly body: unknown; readonly author: { readonly accountId: string }; readonly created: string; readonly updated: string };
    });

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
