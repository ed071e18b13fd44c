import { SequencedLog } from '../shared/call-log';

/** Every request the simulator answered (or dropped), for tests and benchmarks. */
export interface CallLogEntry {
  readonly method: string;
  readonly path: string;
  /** Route template such as `/rest/api/3/issue/{issueIdOrKey}`, or the path when no route matched. */
  readonly route: string;
  /** HTTP status, or 0 when the connection was dropped by a fault. */
  readonly status: number;
  /** accountId of the caller, `null` when unauthenticated. */
  readonly actor: string | null;
  readonly actorIsApp: boolean;
  /** Simulator clock when the request arrived (ms since epoch). */
  readonly at: number;
  readonly rateLimitReason?: string;
}

/** Sequenced (`seq`), so `/_sim/calls?after=<cursor>` can page it. */
export class CallLog extends SequencedLog<CallLogEntry> {}
