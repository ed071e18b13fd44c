import type { EventSource, RelayEvent } from '../../shared/relay-envelope';
import type { IncidentResyncJob, JiraChangeJob } from '../jobs';
import type { ProblemOutcome } from '../alerts/outcomes';
import { describeProblemOutcome } from '../alerts/outcomes';

/**
 * What the delivery log says about one relay event. An Alertmanager notification can touch several
 * problems (one issue each), so `applied` lists one outcome per problem; `failed` is an event given up on
 * (after the last retry, or refused by Jira), also kept as a failed delivery the UI can retry.
 */
export type DeliveryOutcome =
  | { readonly kind: 'recorded' }
  | { readonly kind: 'rejected'; readonly reason: string }
  | { readonly kind: 'applied'; readonly problems: readonly ProblemOutcome[] }
  | { readonly kind: 'failed'; readonly reason: string; readonly problems: readonly ProblemOutcome[] }
  /** An Impact incident event synced to Jira (or dropped by the loop guard); `summary` says what happened. */
  | { readonly kind: 'incident'; readonly incidentId: string; readonly summary: string };

export interface DeliveryRecord {
  readonly eventId: string;
  readonly source: EventSource;
  readonly groupKey: string;
  readonly receivedAt: string;
  readonly processedAt: string;
  readonly attempt: number;
  readonly outcome: DeliveryOutcome;
  /** Deliveries this line stands for: unchanged repeats of its group fold into it (absent = 1). */
  readonly count?: number;
  /** The latest repeat folded into this line: when it was processed and its event. */
  readonly lastAt?: string;
  readonly lastEventId?: string;
  /** Jira projects and issues the delivery touched or targets (the line is filed under each, see delivery-keys). */
  readonly projectKeys?: readonly string[];
  readonly issueKeys?: readonly string[];
  /** When the line's index entries and group pointer were last written (see delivery-log.ts, refreshed by folds). */
  readonly indexedAt?: string;
}

/** What every failed delivery records; the settings page lists exactly these (FailedDeliverySummary). */
export interface FailedDeliveryBase {
  readonly eventId: string;
  readonly groupKey: string;
  readonly receivedAt: string;
  readonly failedAt: string;
  readonly attempts: number;
  /** `rate-limited`, `unavailable`, `rejected`, `not-found`, `busy`, `invalid`, `not-configured`, `partial`. */
  readonly failureKind: string;
  readonly reason: string;
  /**
   * Jira projects the delivery targets (the rules' target projects, the incident project): retrying needs
   * Administer Projects in each. Absent on records written before it was kept: the retry works it out then.
   */
  readonly projectKeys?: readonly string[];
}

/**
 * Something the app gave up on, with what it needs to be queued again: a relay event, a Jira change of
 * an incident issue whose Impact write failed (`jiraChange`, queued as a `jira-change` job), or a resync.
 */
export type FailedDelivery =
  | (FailedDeliveryBase & { readonly event: RelayEvent; readonly jiraChange?: undefined; readonly resync?: undefined })
  | (FailedDeliveryBase & { readonly event?: undefined; readonly jiraChange: JiraChangeJob['change']; readonly resync?: undefined })
  /** A "Resync now" of an incident that failed: retrying queues the resync again (it re-reads Impact). */
  | (FailedDeliveryBase & { readonly event?: undefined; readonly jiraChange?: undefined; readonly resync: Omit<IncidentResyncJob, 'kind'> });

/**
 * The one word a delivery-log row wears: `applied` when every problem was written to Jira (or an incident
 * event was synced), `skipped` when there was nothing to do, `partial` when some problems were written and
 * some failed, `failed`, `rejected` (refused before processing), `recorded` (kept, nothing to apply).
 */
export type DeliveryVerdict = 'applied' | 'skipped' | 'partial' | 'failed' | 'rejected' | 'recorded';

export function verdictOf(outcome: DeliveryOutcome): DeliveryVerdict {
  switch (outcome.kind) {
    case 'recorded':
    case 'rejected':
    case 'failed':
      return outcome.kind;
    case 'incident':
      return 'applied';
    case 'applied': {
      const failed = outcome.problems.filter((p) => p.kind === 'failed').length;
      const done = outcome.problems.filter((p) => p.kind !== 'failed' && p.kind !== 'skipped').length;
      if (failed > 0) return done > 0 ? 'partial' : 'failed';
      return done > 0 ? 'applied' : 'skipped';
    }
    default:
      return assertNever(outcome);
  }
}

/** One line for people: "created OPS-1", "skipped because nothing changed…", "failed: …". */
export function describeOutcome(outcome: DeliveryOutcome): string {
  switch (outcome.kind) {
    case 'recorded':
      return 'recorded';
    case 'rejected':
      return `rejected: ${outcome.reason}`;
    case 'applied':
      return outcome.problems.map(describeProblemOutcome).join('; ') || 'nothing to do';
    case 'failed':
      return `failed: ${outcome.reason}`;
    case 'incident':
      return `${outcome.incidentId}: ${outcome.summary}`;
    default:
      return assertNever(outcome);
  }
}

function assertNever(x: never): never {
  throw new Error(`unexpected delivery outcome ${JSON.stringify(x)}`);
}
