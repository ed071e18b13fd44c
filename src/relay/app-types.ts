import type { EventSource } from '../shared/relay-envelope';
import type { RelayConfig } from './config';
import type { Logger } from './logger';
import type { RelayMetrics } from './metrics';
import type { Outbox } from './outbox/outbox';

export type RelayAppConfig = Pick<
  RelayConfig,
  'alertmanagerTokens' | 'impactSecrets' | 'impactToleranceSeconds' | 'maxBodyBytes' | 'jsonLimits' | 'dedupWindowSeconds' | 'impactDedupRetentionSeconds'
>;

export interface RelayAppDeps {
  readonly config: RelayAppConfig;
  readonly outbox: Outbox;
  /** Milliseconds since the epoch. */
  readonly clock: () => number;
  readonly logger: Logger;
  readonly metrics: RelayMetrics;
}

/** Hono env: the webhook source of the current request, so errors are counted per source. */
export interface RelayEnv {
  Variables: { source: EventSource | undefined };
}

/** What a webhook route answers with 202. */
export interface AcceptedBody {
  readonly accepted: true;
  readonly id: string;
  readonly duplicate: boolean;
}
