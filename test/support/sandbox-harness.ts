import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/sandbox';
import { silentLogger } from '../../src/relay/logger';
import type { DeliveryRecord } from '../../src/forge/delivery/delivery-record';
import { StorageKeys } from '../../src/forge/constants';

export const ALERTMANAGER_FIXTURES = join(__dirname, '../../../shared/fixtures/alertmanager');
export const ALERTMANAGER_TOKEN = 'test-alertmanager-token';

export interface FixtureDelivery {
  readonly file: string;
  readonly receivedAt: number;
  readonly body: string;
}

/** The captured Alertmanager deliveries, in arrival order, with the time Alertmanager sent each. */
export function alertmanagerSequence(): FixtureDelivery[] {
  const sequence = JSON.parse(readFileSync(join(ALERTMANAGER_FIXTURES, 'sequence.json'), 'utf8')) as { file: string; receivedAt: string }[];
  return sequence.map((entry) => ({ file: entry.file, receivedAt: Date.parse(entry.receivedAt), body: readFileSync(join(ALERTMANAGER_FIXTURES, entry.file), 'utf8') }));
}

export interface TestSandbox {
  readonly sandbox: Sandbox;
  close(): Promise<void>;
}

/** The options every e2e sandbox starts with: loopback, ephemeral ports, the test tokens, a quiet logger, no queue cap. */
export function testSandboxOptions(dataDir: string): SandboxOptions {
  return {
    host: '127.0.0.1',
    relayPort: 0,
    forgeHostPort: 0,
    jiraPort: 0,
    impactPort: 0,
    dataDir,
    env: { ALERTMANAGER_TOKENS: ALERTMANAGER_TOKEN, RELAY_SIGNING_KEYS: 'e2e:e2e-signing-secret-0123456789', RELAY_POLL_INTERVAL_MS: '200' },
    logger: silentLogger,
    forgeQueue: { eventsPerMinute: null },
  };
}

export async function startTestSandbox(overrides: Partial<SandboxOptions> = {}): Promise<TestSandbox> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bridge-e2e-'));
  const sandbox = await startSandbox({ ...testSandboxOptions(dataDir), ...overrides });
  return {
    sandbox,
    async close() {
      await sandbox.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A sandbox per test: `start()` inside a test, and it is closed after that test (registers the afterEach). */
export function sandboxPerTest(): { start(overrides?: Partial<SandboxOptions>): Promise<TestSandbox> } {
  let current: TestSandbox | undefined;
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  return {
    async start(overrides = {}) {
      current = await startTestSandbox(overrides);
      return current;
    },
  };
}

export interface ReplayClock {
  /** Pass as the relay's clock (`relayClock`). */
  readonly clock: () => number;
  /** Moves the clock to `offsetMs` after now, e.g. a capture's offset from its first delivery. */
  at(offsetMs: number): void;
}

/** The relay's clock follows the capture's timing, offset to now, so the signatures stay fresh. */
export function replayClock(): ReplayClock {
  let offset = 0;
  return { clock: () => Date.now() + offset, at: (ms: number) => void (offset = ms) };
}

export async function postAlertmanager(relayUrl: string, body: string, token = ALERTMANAGER_TOKEN): Promise<Response> {
  return fetch(`${relayUrl}/v1/alertmanager`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body });
}

/** Waits until the relay's outbox is empty and the Forge queue has nothing due: everything accepted has been consumed. */
export async function settle(sandbox: Sandbox, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const stats = await sandbox.relay.outbox.stats();
    if (stats.pending === 0) {
      await sandbox.forge.queue.drain();
      if ((await sandbox.relay.outbox.stats()).pending === 0) return;
    }
    if (Date.now() > deadline) throw new Error(`not settled: ${JSON.stringify(stats)}`);
    sandbox.relay.forwarder.wake();
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * `settle`, and also wait out the queue's delayed events (a consumer's retry after "busy", a postponed busy key):
 * for tests whose outcome needs every retry run, where `settle` alone would return while a retry is scheduled.
 */
export async function settleWithRetries(sandbox: Sandbox, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await settle(sandbox, Math.max(1, deadline - Date.now()));
    const stats = sandbox.forge.queue.stats();
    if (stats.delayed === 0 && stats.ready === 0 && stats.running === 0) return;
    if (Date.now() > deadline) throw new Error(`not settled: queue ${JSON.stringify(stats)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * What the delivery log says each event became, one entry per delivery: a line stands for `count` deliveries
 * (unchanged repeats fold into it); its first and last events are known by id, those between only by the count.
 */
export function loggedDeliveries(sandbox: Sandbox): { readonly total: number; readonly knownIds: string[] } {
  const lines = consumerRecords(sandbox);
  const knownIds = lines.flatMap((r) => ((r.count ?? 1) > 1 && r.lastEventId ? [r.eventId, r.lastEventId] : [r.eventId]));
  return { total: lines.reduce((n, r) => n + (r.count ?? 1), 0), knownIds };
}

/** Every delivery-log line the consumer wrote (one per applied event, or per run of unchanged repeats: see `count`). */
export function consumerRecords(sandbox: Sandbox): DeliveryRecord[] {
  return deliveryRecordsIn(sandbox.forge.kvs);
}

/** The same, from a Forge host's KVS (host-level tests that run no relay). */
export function deliveryRecordsIn(kvs: Sandbox['forge']['kvs']): DeliveryRecord[] {
  const records: DeliveryRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = kvs.query(StorageKeys.deliveryPrefix, 20, cursor);
    if (!page.ok) throw new Error(page.failure.message);
    records.push(...page.value.items.map((item) => item.value as DeliveryRecord));
    cursor = page.value.cursor;
  } while (cursor);
  return records;
}

/** How many times each relay event id reached the consumer in a completed queue job. */
export function consumerDeliveryCounts(sandbox: Sandbox): Map<string, number> {
  const counts = new Map<string, number>();
  for (const job of sandbox.forge.queue.completedEvents()) {
    const events = (job.body as { events?: { id: string }[] }).events ?? [];
    for (const event of events) counts.set(event.id, (counts.get(event.id) ?? 0) + 1);
  }
  return counts;
}

/**
 * Until both directions are quiet: Impact's webhooks reached the relay, the relay and the Forge queue are
 * drained, and no write of the app caused a further webhook meanwhile.
 */
export async function settleWithImpact(sandbox: Sandbox): Promise<void> {
  const impact = sandbox.impact;
  if (!impact) throw new Error('this sandbox runs no Impact simulator');
  for (let round = 0; round < 20; round += 1) {
    const before = impact.webhooks.deliveries().length;
    await impact.webhooks.settle();
    await settle(sandbox);
    if (impact.webhooks.deliveries().length === before) return;
  }
  throw new Error('Impact and the sandbox did not settle');
}
