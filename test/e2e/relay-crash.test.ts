/**
 * SIGKILL the relay process while 1,000 Alertmanager notifications are in flight, restart it on the
 * same outbox, and let Alertmanager's retries of unanswered requests arrive: every event the relay
 * acknowledged with 202 reaches the Forge consumer, and none reaches it twice.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createForgeHost, type ForgeHost } from '../../src/sandbox/forge-host';
import * as app from '../../src/forge/index';
import { SecretKeys } from '../../src/forge/constants';
import { ALERTMANAGER_FIXTURES, ALERTMANAGER_TOKEN, postAlertmanager } from '../support/sandbox-harness';

jest.setTimeout(120_000);

const ROOT = resolve(__dirname, '../..');
const SIGNING = { id: 'crash', secret: 'crash-test-signing-secret-0123' };
const TOTAL = 1_000;
const CONCURRENCY = 40;
const KILL_AFTER_ACKS = 300;

let dir: string;
let host: ForgeHost;
let relay: ChildProcess | undefined;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'relay-crash-'));
  // This test is about the relay's durability across a SIGKILL, not Forge's per-install quotas: 1,000 events in
  // seconds exceed both the 500 pushes/min and, with the delivery log's index writes, the 4,000 KVS writes/min
  // (the app then answers 503 and the relay retries after the minute, beyond this test's wait).
  host = createForgeHost({ manifestPath: join(ROOT, 'manifest.yml'), handlers: app, databasePath: ':memory:', queue: { eventsPerMinute: null }, kvsQuota: false });
  host.kvs.set({ kind: 'secret' }, SecretKeys.relaySigningKeys, [SIGNING]);
  await host.start({ port: 0 });
});

afterEach(async () => {
  if (relay?.exitCode === null) relay.kill('SIGKILL');
  await host.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs src/relay/main.ts in its own node process (no npx wrapper, so the pid is the relay). */
async function startRelayProcess(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/relay/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      RELAY_PORT: '0',
      RELAY_DB: join(dir, 'relay.sqlite'),
      WEBTRIGGER_URL: host.webTriggerUrl('ingest'),
      RELAY_SIGNING_KEYS: `${SIGNING.id}:${SIGNING.secret}`,
      ALERTMANAGER_TOKENS: ALERTMANAGER_TOKEN,
      RELAY_DEDUP_WINDOW_SECONDS: '300',
      RELAY_POLL_INTERVAL_MS: '200',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await new Promise<string>((done, fail) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`relay did not start; stderr: ${stderr.slice(-2000)}`)), 30_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /relay listening on (http:\/\/[\d.]+:\d+)/.exec(out);
      if (match?.[1]) {
        clearTimeout(timer);
        done(match[1]);
      }
    });
    child.once('exit', (code) => fail(new Error(`relay exited with ${code}; stderr: ${stderr.slice(-2000)}`)));
  });
  return { child, url };
}

/** 1,000 distinct notifications: 100 alert groups × 10 instances, from the real fixture. */
function notifications(): string[] {
  const template = JSON.parse(readFileSync(join(ALERTMANAGER_FIXTURES, '01-checkout-first-firing.json'), 'utf8')) as {
    groupKey: string;
    groupLabels: Record<string, string>;
    alerts: { fingerprint: string; labels: Record<string, string> }[];
  };
  return Array.from({ length: TOTAL }, (_, i) => {
    const body = structuredClone(template);
    const cluster = `prod-${Math.floor(i / 10)}`;
    body.groupKey = `{}:{alertname="HighErrorRate", cluster="${cluster}"}`;
    body.groupLabels = { ...body.groupLabels, cluster };
    body.alerts[0]!.fingerprint = i.toString(16).padStart(16, '0');
    body.alerts[0]!.labels = { ...body.alerts[0]!.labels, cluster, instance: `checkout-${i}:8080` };
    return JSON.stringify(body);
  });
}

type Attempt = { readonly index: number; readonly id: string } | { readonly index: number; readonly id: undefined };

async function sendAll(url: string, bodies: readonly string[], indexes: readonly number[], onAck: (acks: number) => void): Promise<Attempt[]> {
  const results: Attempt[] = [];
  let next = 0;
  let acks = 0;
  const worker = async () => {
    for (;;) {
      const index = indexes[next++];
      if (index === undefined) return;
      try {
        const response = await postAlertmanager(url, bodies[index]!);
        if (response.status !== 202) throw new Error(`status ${response.status}`);
        const { id } = (await response.json()) as { id: string };
        results.push({ index, id });
        onAck(++acks);
      } catch {
        results.push({ index, id: undefined });
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return results;
}

function consumedCounts(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const job of host.queue.completedEvents()) {
    for (const event of (job.body as { events: { id: string }[] }).events) counts.set(event.id, (counts.get(event.id) ?? 0) + 1);
  }
  return counts;
}

async function waitForOutboxEmpty(url: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const health = (await (await fetch(`${url}/healthz`)).json()) as { outbox: { pending: number; failed: number } };
    if (health.outbox.pending === 0) {
      expect(health.outbox.failed).toBe(0);
      await host.queue.drain();
      return;
    }
    if (Date.now() > deadline) throw new Error(`outbox never emptied: ${JSON.stringify(health)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

it('keeps every acknowledged event through a SIGKILL and delivers none twice', async () => {
  const bodies = notifications();
  const first = await startRelayProcess();
  relay = first.child;
  const exited = new Promise((done) => first.child.once('exit', done));
  const firstRound = await sendAll(first.url, bodies, bodies.map((_, i) => i), (acks) => {
    if (acks === KILL_AFTER_ACKS) first.child.kill('SIGKILL');
  });
  await exited;
  const acknowledged = firstRound.filter((a) => a.id !== undefined);
  const unanswered = firstRound.filter((a) => a.id === undefined).map((a) => a.index);
  expect(acknowledged.length).toBeGreaterThanOrEqual(KILL_AFTER_ACKS);
  expect(unanswered.length).toBeGreaterThan(0);

  const second = await startRelayProcess();
  relay = second.child;
  // Alertmanager retries what got no answer; the relay stores each once (its duplicate window).
  const retried = await sendAll(second.url, bodies, unanswered, () => undefined);
  expect(retried.every((a) => a.id !== undefined)).toBe(true);
  await waitForOutboxEmpty(second.url);

  const counts = consumedCounts();
  for (const { id } of acknowledged) expect(counts.get(id!)).toBe(1);
  expect([...counts.values()].filter((n) => n !== 1)).toEqual([]);
  const allIds = new Set([...acknowledged, ...retried].map((a) => a.id));
  expect(allIds.size).toBe(TOTAL);
  expect(new Set(counts.keys())).toEqual(allIds);
});
