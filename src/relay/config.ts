import { z } from 'zod';
import type { SigningKey } from '../shared/signing';
import type { JsonLimits } from './http/json-shape';
import { describeZodError } from '../shared/zod-error';

export interface RelayConfig {
  readonly host: string;
  readonly port: number;
  readonly dbPath: string;
  readonly alertmanagerTokens: readonly string[];
  /** Bearer tokens of the admin routes (/admin/dead-letters); none = the routes are off (404). */
  readonly adminTokens: readonly string[];
  readonly impactSecrets: readonly string[];
  /** How far an Impact `X-Impact-Timestamp` may be from our clock. */
  readonly impactToleranceSeconds: number;
  readonly webTriggerUrl: string;
  /** The first key signs; the rest are only listed so rotation is visible in one place. */
  readonly signingKeys: readonly [SigningKey, ...SigningKey[]];
  readonly maxBodyBytes: number;
  /** Nesting depth, keys per object and total values an accepted JSON body may have. */
  readonly jsonLimits: JsonLimits;
  readonly dedupWindowSeconds: number;
  /** How long Impact event ids are remembered for duplicate suppression. */
  readonly impactDedupRetentionSeconds: number;
  readonly pollIntervalMs: number;
  /** Where SQLite accepts run: on the request thread (`main`, the forwarder in a thread of its own) or in a worker thread with the forwarder (`worker`). */
  readonly outboxThread: 'main' | 'worker';
  /** How long an accept waits for others to share its commit (one fsync); 0 = only those read in the same tick. */
  readonly commitWindowMs: number;
  readonly logLevel: 'info' | 'warn' | 'error';
  /** PostgreSQL only: how long an instance keeps the events it claimed before another may forward them. */
  readonly leaseMs: number;
  /** PostgreSQL only: connections in this instance's pool. */
  readonly dbPoolSize: number;
}

const commaList = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((raw) => raw.split(',').map((s) => s.trim()).filter((s) => s.length > 0))
    .pipe(z.array(z.string().min(8, 'each secret must be at least 8 characters')).min(1, 'at least one value is required'));

/** Like commaList, but unset means none (a feature that stays off without it). */
const optionalCommaList = () =>
  z
    .string()
    .default('')
    .transform((raw) => raw.split(',').map((s) => s.trim()).filter((s) => s.length > 0))
    .pipe(z.array(z.string().min(16, 'each admin token must be at least 16 characters')));

const positiveInt = (fallback: number, max: number) => z.coerce.number().int().positive().max(max).default(fallback);

const signingKeysSchema = z
  .string()
  .default('dev:dev-relay-signing-secret')
  .transform((raw, ctx) => {
    const keys: SigningKey[] = [];
    for (const part of raw.split(',').map((s) => s.trim()).filter((s) => s.length > 0)) {
      const colon = part.indexOf(':');
      const id = part.slice(0, colon);
      const secret = part.slice(colon + 1);
      if (colon <= 0 || !/^[A-Za-z0-9._-]{1,64}$/.test(id) || secret.length < 8) {
        // Do not echo the entry: it holds a secret.
        ctx.addIssue({ code: 'custom', message: `entry ${keys.length + 1} must be kid:secret (kid url-safe, secret >= 8 chars)` });
        return z.NEVER;
      }
      keys.push({ id, secret });
    }
    const [first, ...rest] = keys;
    if (!first) {
      ctx.addIssue({ code: 'custom', message: 'at least one signing key is required' });
      return z.NEVER;
    }
    return [first, ...rest] as [SigningKey, ...SigningKey[]];
  });

const envSchema = z.object({
  RELAY_HOST: z.string().min(1).default('127.0.0.1'),
  RELAY_PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  RELAY_DB: z.string().min(1).default('./.data/relay.sqlite'),
  ALERTMANAGER_TOKENS: commaList('dev-alertmanager-token'),
  IMPACT_WEBHOOK_SECRETS: commaList('dev-impact-secret'),
  RELAY_ADMIN_TOKENS: optionalCommaList(),
  IMPACT_TOLERANCE_SECONDS: positiveInt(300, 3600),
  WEBTRIGGER_URL: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:8788/x1/ingest'),
  RELAY_SIGNING_KEYS: signingKeysSchema,
  RELAY_MAX_BODY_BYTES: positiveInt(4 * 1024 * 1024, 64 * 1024 * 1024),
  RELAY_MAX_JSON_DEPTH: positiveInt(32, 1000),
  RELAY_MAX_JSON_OBJECT_KEYS: positiveInt(1000, 100_000),
  RELAY_MAX_JSON_VALUES: positiveInt(500_000, 10_000_000),
  RELAY_DEDUP_WINDOW_SECONDS: positiveInt(10, 3600),
  IMPACT_DEDUP_RETENTION_SECONDS: positiveInt(7 * 24 * 3600, 365 * 24 * 3600),
  RELAY_POLL_INTERVAL_MS: positiveInt(5000, 3_600_000),
  RELAY_OUTBOX_THREAD: z.enum(['main', 'worker']).default('main'),
  RELAY_COMMIT_WINDOW_MS: z.coerce.number().int().min(0).max(50).default(1),
  RELAY_LOG_LEVEL: z.enum(['info', 'warn', 'error']).default('info'),
  RELAY_LEASE_MS: positiveInt(120_000, 3_600_000),
  RELAY_DB_POOL_SIZE: positiveInt(8, 100),
});

export class RelayConfigError extends Error {
  constructor(readonly problems: readonly { path: string; message: string }[]) {
    super('invalid relay configuration: ' + problems.map((p) => `${p.path}: ${p.message}`).join('; '));
    this.name = 'RelayConfigError';
  }
}

/** Reads the environment once; empty strings count as unset so `FOO=` falls back to the default. */
export function loadRelayConfig(env: Readonly<Record<string, string | undefined>>): RelayConfig {
  const present: Record<string, string> = {};
  for (const key of Object.keys(envSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value.trim() !== '') present[key] = value;
  }
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) throw new RelayConfigError(describeZodError(parsed.error));
  const e = parsed.data;
  return {
    host: e.RELAY_HOST,
    port: e.RELAY_PORT,
    dbPath: e.RELAY_DB,
    alertmanagerTokens: e.ALERTMANAGER_TOKENS,
    adminTokens: e.RELAY_ADMIN_TOKENS,
    impactSecrets: e.IMPACT_WEBHOOK_SECRETS,
    impactToleranceSeconds: e.IMPACT_TOLERANCE_SECONDS,
    webTriggerUrl: e.WEBTRIGGER_URL,
    signingKeys: e.RELAY_SIGNING_KEYS,
    maxBodyBytes: e.RELAY_MAX_BODY_BYTES,
    jsonLimits: { maxDepth: e.RELAY_MAX_JSON_DEPTH, maxObjectKeys: e.RELAY_MAX_JSON_OBJECT_KEYS, maxValues: e.RELAY_MAX_JSON_VALUES },
    dedupWindowSeconds: e.RELAY_DEDUP_WINDOW_SECONDS,
    impactDedupRetentionSeconds: e.IMPACT_DEDUP_RETENTION_SECONDS,
    pollIntervalMs: e.RELAY_POLL_INTERVAL_MS,
    outboxThread: e.RELAY_OUTBOX_THREAD,
    commitWindowMs: e.RELAY_COMMIT_WINDOW_MS,
    logLevel: e.RELAY_LOG_LEVEL,
    leaseMs: e.RELAY_LEASE_MS,
    dbPoolSize: e.RELAY_DB_POOL_SIZE,
  };
}

/** What is safe to log: counts and key ids, never a secret. */
export function describeConfig(config: RelayConfig): Record<string, string | number> {
  return {
    host: config.host,
    port: config.port,
    dbPath: describeDb(config.dbPath),
    webTriggerUrl: config.webTriggerUrl,
    alertmanagerTokenCount: config.alertmanagerTokens.length,
    adminTokenCount: config.adminTokens.length,
    impactSecretCount: config.impactSecrets.length,
    signingKeyIds: config.signingKeys.map((k) => k.id).join(','),
    maxBodyBytes: config.maxBodyBytes,
    maxJsonDepth: config.jsonLimits.maxDepth,
    maxJsonObjectKeys: config.jsonLimits.maxObjectKeys,
    maxJsonValues: config.jsonLimits.maxValues,
    dedupWindowSeconds: config.dedupWindowSeconds,
    outboxThread: config.outboxThread,
    commitWindowMs: config.commitWindowMs,
  };
}

/** RELAY_DB names a PostgreSQL database (shared outbox, high availability) when it is a postgres:// URL. */
export function isPostgresUrl(db: string): boolean {
  return /^postgres(ql)?:\/\//i.test(db);
}

/** The database for a log line: a PostgreSQL URL without its password. */
export function describeDb(db: string): string {
  if (!isPostgresUrl(db)) return db;
  try {
    const url = new URL(db);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return 'postgres://(unparseable URL)';
  }
}
