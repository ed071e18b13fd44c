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
  /** `relayDeadLetter`: the relay gave up on the event (its dead-letter notice), so the app never had it. */
  | { readonly kind: 'failed'; readonly reason: string; readonly problems: readonly ProblemOutcome[]; readonly relayDeadLetter?: true }
  /** An Impact incident event synced to Jira (or dropped by the loop guard); `summary` says what happened. */
  | { readonly kind: 'incident'; readonly incidentId: string; readonly summary: string; readonly skipped?: true };

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
  /** When the line's index entries were last written (see delivery-log.ts, refreshed by folds). */
  readonly indexedAt?: string;
  /**
   * The group's write order: each new line or fold of the group takes the highest seen + 1, so the group's last
   * written line is found among its newest lines even when deliveries were processed out of order (delivery-log.ts).
   */
  readonly groupSeq?: number;
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
  /**
   * A relay event too big for one KVS value (Forge: 240 KiB) is kept as its gzip parts under
   * `dfail-part:<eventId>:<n>` (no TTL, like the record); `event.body` is then `{}` and this is the part count.
   */
  readonly eventParts?: number;
}

/**
 * An event the relay gave up on (a dead letter: the web trigger could never queue it, or it was too large to
 * forward), as its dead-letter notice told the app. The app never had the event, so it cannot queue it again:
 * the operator re-sends it from the relay (`npm run relay -- requeue <eventId>` or the relay's admin route).
 */
export interface RelayDeadLetter {
  readonly source: EventSource;
  readonly sequence: number;
  readonly sizeBytes: number;
  readonly deadLetteredAt: string;
}

/**
 * Something the app gave up on, with what it needs to be queued again: a relay event, a Jira change of
 * an incident issue whose Impact write failed (`jiraChange`, queued as a `jira-change` job), or a resync;
 * or a relay dead letter, which only the relay can send again. Records in KVS carry no tag (older ones were
 * written without), so the variant is the one field present: `retryOf` names it for exhaustive switches.
 */
export type FailedDelivery =
  | (FailedDeliveryBase & { readonly event: RelayEvent; readonly jiraChange?: undefined; readonly resync?: undefined; readonly relayDeadLetter?: undefined })
  | (FailedDeliveryBase & { readonly event?: undefined; readonly jiraChange: JiraChangeJob['change']; readonly resync?: undefined; readonly relayDeadLetter?: undefined })
  /** A "Resync now" of an incident that failed: retrying queues the resync again (it re-reads Impact). */
  | (FailedDeliveryBase & { readonly event?: undefined; readonly jiraChange?: undefined; readonly resync: Omit<IncidentResyncJob, 'kind'>; readonly relayDeadLetter?: undefined })
  | (FailedDeliveryBase & { readonly event?: undefined; readonly jiraChange?: undefined; readonly resync?: undefined; readonly relayDeadLetter: RelayDeadLetter });

/** What retrying a failed delivery means, by variant. */
export type FailedDeliveryRetry =
  | { readonly kind: 'relay-event'; readonly event: RelayEvent }
  | { readonly kind: 'jira-change'; readonly change: JiraChangeJob['change'] }
  | { readonly kind: 'incident-resync'; readonly resync: Omit<IncidentResyncJob, 'kind'> }
  | { readonly kind: 'relay-dead-letter'; readonly deadLetter: RelayDeadLetter };

export function retryOf(failed: FailedDelivery): FailedDeliveryRetry {
  if (failed.event) return { kind: 'relay-event', event: failed.event };
  if (failed.jiraChange) return { kind: 'jira-change', change: failed.jiraChange };
  if (failed.resync) return { kind: 'incident-resync', resync: failed.resync };
  return { kind: 'relay-dead-letter', deadLetter: failed.relayDeadLetter };
}

/** The operator's command that re-sends a relay dead letter (the app cannot: it never had the event). */
export const relayRequeueCommand = (eventId: string): string => `npm run relay -- requeue ${eventId}`;

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
      // Acknowledged without applying it (the incident sync was switched off).
      return outcome.skipped ? 'skipped' : 'applied';
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
