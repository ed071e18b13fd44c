/**
 * Issue 14, item 7: two relay processes on one PostgreSQL behind a round-robin client. One is killed with
 * SIGKILL mid-burst (its in-flight requests fail and are retried on the other, as Alertmanager retries through
 * a load balancer), then restarted. Every acknowledged group is forwarded, none is lost, and no group becomes
 * two events (the web trigger may see an event id twice after a lease takeover: it drops it by id).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { relayBatchSchema } from '../../src/shared/relay-envelope';
import { loadRelayConfig } from '../../src/relay/config';
import { silentLogger } from '../../src/relay/logger';
import { startRelay } from '../../src/relay/server';
import { startTestPostgres, type TestPostgres } from '../support/postgres';
import { alertmanagerGroup } from './large-group';
import { startFakeWebTrigger, type FakeWebTrigger } from './helpers';

jest.setTimeout(240_000);

const TOKEN = 'ha-alertmanager-token';
const GROUPS = 2000;
const KILL_AFTER = 600;
const CONCURRENCY = 24;

interface RelayProcess {
  readonly child: ChildProcess;
  readonly url: string;
  kill(): void;
}

async function startRelayProcess(env: Record<string, string>): Promise<RelayProcess> {
  const child = spawn('npx', ['tsx', 'src/relay/main.ts'], { cwd: resolve(__dirname, '../..'), env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const url = await new Promise<string>((done, fail) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`no ready line; stderr: ${stderr}`)), 60_000);
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /relay listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        done(m[1]);
      }
    });
    child.once('exit', (code) => fail(new Error(`relay exited (${code}): ${stderr}`)));
  });
  return {
    child,
    url,
    // npx → tsx → node: the whole process group, like kill -9 of the relay.
    kill: () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    },
  };
}

describe('two relays on one PostgreSQL', () => {
  let pg: TestPostgres;
  let trigger: FakeWebTrigger;
  const relays: RelayProcess[] = [];
  beforeAll(async () => {
    pg = await startTestPostgres();
    trigger = await startFakeWebTrigger();
  });
  afterAll(async () => {
    for (const r of relays) r.kill();
    await trigger.close();
    await pg.close();
  });

  it(`SIGKILL one during a ${GROUPS}-group burst: every acknowledged group forwarded, 0 lost, 0 duplicate`, async () => {
    const url = await pg.createDatabase('ha');
    const env = {
      RELAY_DB: url,
      RELAY_PORT: '0',
      WEBTRIGGER_URL: trigger.url,
      RELAY_SIGNING_KEYS: 'ha:ha-signing-secret-0123456789',
      ALERTMANAGER_TOKENS: TOKEN,
      RELAY_POLL_INTERVAL_MS: '200',
      RELAY_LEASE_MS: '3000',
      RELAY_LOG_LEVEL: 'error',
    };
    const [a, b] = await Promise.all([startRelayProcess(env), startRelayProcess(env)]);
    relays.push(a!, b!);
    const targets = [a!.url, b!.url];
    const dead = new Set<string>();

    const acked = new Map<number, string>();
    let retries = 0;
    async function send(group: number): Promise<void> {
      const body = alertmanagerGroup(2, { seed: `ha${group}` });
      for (let attempt = 0; attempt < 50; attempt++) {
        const target = targets[(group + attempt) % 2]!;
        try {
          const res = await fetch(`${target}/v1/alertmanager`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body });
          if (res.status === 202) {
            const answer = (await res.json()) as { id: string };
            const before = acked.get(group);
            if (before !== undefined && before !== answer.id) throw new Error(`group ${group} acknowledged as two events ${before} and ${answer.id}`);
            acked.set(group, answer.id);
            return;
          }
          await res.text();
        } catch (error) {
          if (error instanceof Error && error.message.startsWith('group ')) throw error;
        }
        retries += 1;
        if (dead.has(target)) continue;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`group ${group} never acknowledged`);
    }

    let next = 0;
    let killed = false;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < GROUPS) {
          const group = next++;
          if (!killed && acked.size >= KILL_AFTER) {
            killed = true;
            dead.add(a!.url);
            a!.kill();
          }
          await send(group);
        }
      }),
    );
    expect(killed).toBe(true);
    expect(acked.size).toBe(GROUPS);

    const delivered = () => trigger.requests.flatMap((r) => relayBatchSchema.parse(JSON.parse(r.body)).events.map((e) => e.id));
    const deadline = Date.now() + 90_000;
    while (new Set(delivered()).size < GROUPS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));

    // Restart the killed one: it joins without re-sending anything the others forwarded.
    const again = await startRelayProcess(env);
    relays.push(again);
    await new Promise((r) => setTimeout(r, 1000));
    const health = (await (await fetch(`${again.url}/healthz`)).json()) as { outbox: { pending: number; failed: number } };

    const ids = delivered();
    const distinct = new Set(ids);
    const ackedIds = new Set(acked.values());
    const lost = [...ackedIds].filter((id) => !distinct.has(id));
    const strangers = [...distinct].filter((id) => !ackedIds.has(id));
    process.stdout.write(`HA: ${GROUPS} groups, ${retries} client retries, ${ids.length} deliveries of ${distinct.size} distinct events (${ids.length - distinct.size} re-sent after the lease takeover, dropped by id in the app)\n`);
    expect(lost).toEqual([]);
    expect(strangers).toEqual([]);
    expect(ackedIds.size).toBe(GROUPS);
    expect(distinct.size).toBe(GROUPS);
    expect(health.outbox).toMatchObject({ pending: 0, failed: 0 });
  });

  it('PostgreSQL restarted mid-burst: the relay answers 503 while it is down, nothing is lost', async () => {
    const url = await pg.createDatabase('restart');
    const seen = trigger.requests.length;
    const relay = await startRelay(
      loadRelayConfig({ RELAY_DB: url, RELAY_PORT: '0', WEBTRIGGER_URL: trigger.url, RELAY_SIGNING_KEYS: 'ha:ha-signing-secret-0123456789', ALERTMANAGER_TOKENS: TOKEN, RELAY_POLL_INTERVAL_MS: '200' }),
      { logger: silentLogger },
    );
    const groups = 300;
    const statuses = new Map<number, number>();
    const acked = new Map<number, string>();
    let next = 0;
    let restarting: Promise<void> | undefined;
    try {
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          while (next < groups) {
            const group = next++;
            if (!restarting && acked.size >= 100) restarting = pg.restart(1500);
            const body = alertmanagerGroup(1, { seed: `pgr${group}` });
            for (;;) {
              const res = await fetch(`${relay.url}/v1/alertmanager`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body });
              statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
              if (res.status === 202) {
                acked.set(group, ((await res.json()) as { id: string }).id);
                break;
              }
              expect(res.status).toBe(503);
              await res.text();
              await new Promise((r) => setTimeout(r, 100));
            }
          }
        }),
      );
      await restarting;
      const delivered = () => new Set(trigger.requests.slice(seen).flatMap((r) => relayBatchSchema.parse(JSON.parse(r.body)).events.map((e) => e.id)));
      const deadline = Date.now() + 60_000;
      while (delivered().size < groups && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      process.stdout.write(`PostgreSQL restart: answers ${JSON.stringify(Object.fromEntries(statuses))}\n`);
      expect(statuses.get(503) ?? 0).toBeGreaterThan(0);
      expect(new Set(acked.values()).size).toBe(groups);
      expect([...acked.values()].filter((id) => !delivered().has(id))).toEqual([]);
    } finally {
      await relay.close();
    }
  });
});
