/**
 * How closely the local host imitates Forge's delivery behaviour. Sources, FORGE-NOTES style:
 * [D] Atlassian docs, [C] community thread answered by Atlassian staff, [V] package source, [A] our assumption
 * where nothing is published (a figure to replace when one is).
 */

import { mulberry32 } from '../shared/seeded-random';

/** Forge's delivery behaviour ('forge', the default) or FIFO with no waits (for a test that needs it). */
export type FidelityMode = 'forge' | 'deterministic';

/** A latency distribution: log-normal through the given median and 99th percentile, in real-time ms. */
export interface LatencyDistribution {
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/** Extra real time the host waits before answering: none published by Atlassian, all [A]. */
export interface LatencyProfile {
  /** Each @forge/kvs call (`__forge_fetch__` type kvs). */
  readonly kvs: LatencyDistribution;
  /** Each requestJira call, before it reaches the Jira target. */
  readonly jira: LatencyDistribution;
  /** Before every function invocation starts (warm start mostly, a cold start in the tail). */
  readonly invocationStart: LatencyDistribution;
}

/**
 * [A] No figures are published for KVS, Jira REST or invocation start latency. These are round numbers of
 * the order reported in community threads for a Forge app in a nearby region; they exist to make waits and
 * queueing visible in benchmarks, not to predict production timings.
 */
export const FORGE_LATENCY_ASSUMPTIONS: LatencyProfile = {
  kvs: { p50Ms: 20, p99Ms: 120 },
  jira: { p50Ms: 150, p99Ms: 900 },
  invocationStart: { p50Ms: 40, p99Ms: 1_500 },
};

export interface ChaosOptions {
  /** Share of completed events delivered a second time (same eventId, no retryContext): at-least-once. */
  readonly duplicateRate: number;
  /** Every new or redelivered event is held a random 0..window ms (× timeFactor): reorders across keys. */
  readonly reorderWindowMs: number;
}

/** [A] Chaos defaults: one event in ten delivered twice, held up to 10 s. Forge promises neither. */
export const DEFAULT_CHAOS: ChaosOptions = { duplicateRate: 0.1, reorderWindowMs: 10_000 };

export interface HostFidelity {
  readonly mode: FidelityMode;
  /**
   * Multiplies every wait the host adds for fidelity (concurrency backoff, chaos holds, latency), never the
   * app's own delays or retryAfter (those run on the injected clock). 1 = real time; tests use 0.001.
   */
  readonly timeFactor: number;
  /** Duplicates and cross-key reordering on top of 'forge' delivery; null = off. */
  readonly chaos: ChaosOptions | null;
  /** null = no added latency. */
  readonly latency: LatencyProfile | null;
  /** Seed of the host's random choices (delivery order, jitter, duplicates, latency): print it to replay a run. */
  readonly seed: number;
}

/**
 * [C] "Questions about the new concurrency limits (async events)", Atlassian staff answer 2025-07, and "The
 * async events queue is not a queue?!": an event whose concurrency key is busy is postponed and retried with
 * exponential backoff, up to 15 minutes between tries; 5 events pushed with {key, limit: 1} ran as 4,1,0,3,2
 * with 4–16 s gaps. The host starts at 4 s, doubles per postponement up to 900 s, with jitter (50–100 %).
 */
export const CONCURRENCY_BACKOFF = { firstSeconds: 4, maxSeconds: 900 } as const;

/** Delay of the n-th (0-based) postponement of a concurrency-blocked event, before the time factor. */
export function concurrencyBackoffMs(postponements: number, random: () => number): number {
  const seconds = Math.min(CONCURRENCY_BACKOFF.maxSeconds, CONCURRENCY_BACKOFF.firstSeconds * 2 ** postponements);
  return seconds * 1000 * (0.5 + random() * 0.5);
}

/** Small seeded PRNG: the same seed replays the same delivery order. */
export const seededRandom = mulberry32;

/** A sample of a log-normal distribution with the given median and 99th percentile. */
export function sampleLatencyMs(d: LatencyDistribution, random: () => number): number {
  const z99 = 2.326;
  const sigma = d.p99Ms > d.p50Ms ? Math.log(d.p99Ms / d.p50Ms) / z99 : 0;
  // Box–Muller from two uniforms in (0, 1].
  const u1 = 1 - random();
  const u2 = random();
  const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  return d.p50Ms * Math.exp(sigma * z);
}

/** Under a test runner a 4 s backoff takes 2–4 ms and the 15 min cap under a second: same order, fast tests. */
export const TEST_TIME_FACTOR = 0.001;

export const DETERMINISTIC: Omit<HostFidelity, 'seed'> = { mode: 'deterministic', timeFactor: 1, chaos: null, latency: null };

const num = (raw: string | undefined, name: string): number | undefined => {
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a number ≥ 0, got '${raw}'`);
  return n;
};

const flag = (raw: string | undefined, name: string): boolean => {
  if (raw === undefined || raw === '' || raw === '0' || raw === 'false') return false;
  if (raw === '1' || raw === 'true') return true;
  throw new Error(`${name} must be 1/true or 0/false, got '${raw}'`);
};

/**
 * The documented switch (README "Local Forge host fidelity"):
 * - FORGE_HOST_FIDELITY=forge|deterministic (default forge)
 * - FORGE_HOST_TIME_FACTOR=<n> (default 1, or TEST_TIME_FACTOR when NODE_ENV=test, as Jest sets it)
 * - FORGE_HOST_CHAOS=1 duplicates + cross-key reordering (default off)
 * - FORGE_HOST_LATENCY=1 the latency profile above (default off)
 * - FORGE_HOST_SEED=<int> (default: random, printed by `npm start`)
 */
export function fidelityFromEnv(env: Readonly<Record<string, string | undefined>>, overrides: Partial<HostFidelity> = {}): HostFidelity {
  const modeRaw = env['FORGE_HOST_FIDELITY'] ?? 'forge';
  if (modeRaw !== 'forge' && modeRaw !== 'deterministic') throw new Error(`FORGE_HOST_FIDELITY must be 'forge' or 'deterministic', got '${modeRaw}'`);
  const mode = overrides.mode ?? modeRaw;
  const seed = overrides.seed ?? num(env['FORGE_HOST_SEED'], 'FORGE_HOST_SEED') ?? Math.floor(Math.random() * 2 ** 31);
  const timeFactor = overrides.timeFactor ?? num(env['FORGE_HOST_TIME_FACTOR'], 'FORGE_HOST_TIME_FACTOR') ?? (env['NODE_ENV'] === 'test' ? TEST_TIME_FACTOR : 1);
  if (mode === 'deterministic') return { ...DETERMINISTIC, ...overrides, mode, timeFactor, seed };
  const chaos = overrides.chaos !== undefined ? overrides.chaos : flag(env['FORGE_HOST_CHAOS'], 'FORGE_HOST_CHAOS') ? DEFAULT_CHAOS : null;
  const latency = overrides.latency !== undefined ? overrides.latency : flag(env['FORGE_HOST_LATENCY'], 'FORGE_HOST_LATENCY') ? FORGE_LATENCY_ASSUMPTIONS : null;
  return { mode, timeFactor, chaos, latency, seed };
}

/** Random source and waits derived from one fidelity setting. */
export class FidelityRuntime {
  readonly random: () => number;

  constructor(readonly settings: HostFidelity) {
    this.random = seededRandom(settings.seed);
  }

  get forge(): boolean {
    return this.settings.mode === 'forge';
  }

  /** Resolves after a latency sample of `which` (× timeFactor); at once when the profile is off. */
  async latency(which: keyof LatencyProfile): Promise<void> {
    const profile = this.settings.mode === 'forge' ? this.settings.latency : null;
    if (!profile) return;
    const ms = sampleLatencyMs(profile[which], this.random) * this.settings.timeFactor;
    if (ms >= 1) await new Promise((resolve) => setTimeout(resolve, ms));
  }

  /** Fisher–Yates with the seeded source. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i -= 1) {
      const j = Math.floor(this.random() * (i + 1));
      const a = items[i] as T;
      items[i] = items[j] as T;
      items[j] = a;
    }
    return items;
  }
}
