import { SequencedLog } from '../shared/call-log';

/** Every request the simulator answered (or dropped), for tests and benchmarks (Impact calls per change). */
export interface ImpactCallLogEntry {
  readonly method: string;
  readonly path: string;
  /** Route template such as `/api/v1/incidents/:id`, or the path when no route matched. */
  readonly route: string;
  /** `api` = the contract's API (what the app calls), `admin` = the simulator's control surface. */
  readonly surface: 'api' | 'admin';
  /** HTTP status, or 0 when the connection was dropped by a fault. */
  readonly status: number;
  /** API client name of the Bearer token, `null` when unauthenticated or on the admin surface. */
  readonly client: string | null;
  /** Simulator clock when the request arrived (ms since epoch). */
  readonly at: number;
}

/** Sequenced (`seq`), so `/_sim/calls?after=<cursor>` can page it. */
export class ImpactCallLog extends SequencedLog<ImpactCallLogEntry> {}
