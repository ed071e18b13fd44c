/**
 * Connection tab contract (issue 7): relay web trigger, signing keys and the Impact API. Secrets never appear
 * here: keys by id and times, the Impact token only as 'set' / 'not set'.
 */
import type { ImpactConnectionSource, ImpactTestResult, SigningKeySource, SigningKeyStatus } from '../../domain/connection';
import type { ResolverResult } from './contract';

export type { ImpactTestResult, SigningKeyStatus };

export interface RejectedBatch {
  readonly at: string;
  /** Why the signature was refused: missing-headers, bad-timestamp, stale-timestamp, unknown-key, bad-signature. */
  readonly reason: string;
  readonly keyId: string | null;
}

export interface SigningStatus {
  readonly source: SigningKeySource;
  /** Newest first: the first is the one to give the relay. */
  readonly keys: readonly SigningKeyStatus[];
  readonly lastRotatedAt: string | null;
  /** Key id of the newest accepted relay batch. */
  readonly relayKeyId: string | null;
  readonly lastAcceptedAt: string | null;
  readonly lastRejected: RejectedBatch | null;
  readonly maxKeys: number;
}

export interface ImpactConnectionStatus {
  readonly source: ImpactConnectionSource;
  readonly baseUrl: string | null;
  readonly token: 'set' | 'not set';
  readonly updatedAt: string | null;
}

export interface ConnectionStatus {
  readonly webTriggerUrl: string | null;
  readonly signing: SigningStatus;
  readonly impact: ImpactConnectionStatus;
  readonly lastReceived: Readonly<Record<'alertmanager' | 'impact' | 'jira', string | null>>;
  readonly lastScheduledRun: string | null;
}

export type ConnectionResolverDefinitions = {
  getConnectionStatus: () => ConnectionStatus;
  rotateSigningKey: (input: { keyId: string; secret: string }) => ResolverResult<SigningStatus>;
  retireSigningKey: (input: { keyId: string }) => ResolverResult<SigningStatus>;
  saveImpactConnection: (input: { baseUrl: string; token?: string }) => ResolverResult<ImpactConnectionStatus>;
  testImpactConnection: () => ResolverResult<ImpactTestResult>;
};
