/**
 * Relay throughput/latency benchmark, once per outbox engine: SQLite (the embedded default) and PostgreSQL
 * (the HA engine, a real server started on a temp dir by test/support/postgres.ts). The relay runs as a
 * child process (`node dist/relay/main.js`, the production build made by `npm run build:relay`) with
 * durable acks (SQLite: the 202 waits for an fdatasync of the WAL; PostgreSQL COMMIT with synchronous_commit=on; both
 * group-committed), forwarding to a stand-in web trigger in its own process. Each engine's acks/s is also given as a
 * ratio of a bare Hono server on the same machine that only parses the JSON and answers 202
 * (bench/bare-hono-server.ts), run before and after the engine. wrk (bench/wrk.ts, a C client that leaves the relay the CPU a Node client would take) drives POST
 * /v1/alertmanager with the real fixture body for the max-throughput figure; autocannon drives the warm-up and the
 * fixed 1,000 req/s phase (wrk has no fixed rate).
 *
 * Besides acks/s it prints the relay's CPU per ack against the bare server's CPU per request (what a machine shared
 * with other work moves least), and the disk's flush latency with the ceiling it sets on durable acks at 50
 * connections (see fsyncLatencyMs).
 *
 * Every request carries a unique `benchId` field so each one is a new durable outbox row (identical bodies
 * would be answered as duplicates, which writes nothing and would flatter the numbers).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, fdatasyncSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { cpuMs, describeShares, measureShares, peakRssMb, type CpuShares } from './proc';
import { wrkPhase } from './wrk';
import { startTestPostgres, type TestPostgres } from '../test/support/postgres';

interface AutocannonResult {
  duration: number;
  '2xx': number;
  non2xx: number;
  errors: number;
  timeouts: number;
  latency: { p50: number; p99: number; average: number; max: number };
  requests: { average: number; total: number };
}
type Autocannon = (opts: Record<string, unknown>) => Promise<AutocannonResult>;
const autocannon = createRequire(__filename)('autocannon') as Autocannon;

export interface PhaseResult {
  readonly name: string;
  readonly connections: number;
  readonly targetRate: number | null;
  readonly durationSeconds: number;
  readonly acks: number;
  readonly acksPerSecond: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly latencyP50Ms: number;
  readonly latencyP99Ms: number;
  readonly latencyMaxMs: number;
}

export interface RelayBenchResult {
  readonly engine: 'sqlite' | 'postgres';
  readonly outboxThread: string;
  /** acks/s of this engine ÷ requests/s of the bare Hono server. */
  readonly ratioToBare: number;
  /** Driven by wrk: the relay's own capacity (the load generator needs a fraction of a core). */
  readonly maxThroughput: PhaseResult;
  readonly fixedRate: PhaseResult;
  /** CPU time (user + system, every thread of the relay process) per ack in the wrk phase, forwarding included. */
  readonly cpuUsPerAck: number;
  /** Where the wrk phase's time went: the request thread, the relay's other threads, the idle machine. */
  readonly duringWrk: CpuShares;
  /** VmHWM of the relay's node process (the largest among the child's process tree). */
  readonly peakRssMb: number;
  /** Events the fake web trigger received (forwarding keeps up with accepting when this equals acks). */
  readonly forwardedEvents: number;
  readonly targets: { readonly ratio: boolean; readonly p99At1000: boolean; readonly rss: boolean };
}

const ROOT = resolve(__dirname, '..');
const FIXTURE = resolve(ROOT, 'examples/alertmanager-firing.json');
const TOKEN = 'bench-alertmanager-token';
/**
 * The flags `npm run relay` starts node with: a small young generation, and an old generation let grow by half its
 * live size before a full GC instead of V8's default (up to 4x): the relay's live heap under load is ~20 MB, the
 * rest of the default's peak was garbage waiting (measured: peak RSS ~150-170 MB → ~110-115 MB, CPU per ack within
 * the run-to-run noise).
 */
const RELAY_NODE_FLAGS = ['--max-semi-space-size=4', '--heap-growing-percent=50'];
/**
 * The environment `npm run relay` sets: at most two glibc malloc arenas. glibc gives each thread that allocates its
 * own arena (up to 8 per core), and the relay's threads (request thread, forwarder thread, libuv's pool, V8's GC
 * helpers) each kept theirs: peak RSS 140-146 → 129-133 MB in A/B runs of the relay under the same wrk load, acks/s
 * unchanged.
 */
const RELAY_ENV = { MALLOC_ARENA_MAX: '2' };

/**
 * Stands in for the Forge web trigger, which runs in Atlassian's cloud, not on this machine. Its own node process (as
 * wrk is its own process): in this one it shared the event loop with autocannon, so a relay draining its backlog into
 * it delayed autocannon's reading of answers and inflated the fixed-rate p99. It takes the ids out of each batch with
 * one regular expression instead of parsing all of it (~50 bodies per batch), so it takes as little of the two cores
 * as it can. `GET /received` answers how many events it has acknowledged.
 */
const FAKE_TRIGGER = `
const http = require('node:http');
const EVENT_ID = /\\{"id":("[^"]+"),"source":/g;
let received = 0;
const server = http.createServer((req, res) => {
  if (req.method === 'GET') { res.end(String(received)); return; }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const ids = Array.from(Buffer.concat(chunks).toString('utf8').matchAll(EVENT_ID), (m) => m[1]);
    received += ids.length;
    res.writeHead(202, { 'content-type': 'application/json' });
    res.end('{"accepted":[' + ids.join(',') + '],"duplicates":[]}');
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write('trigger listening on ' + server.address().port + '\\n'));
process.on('SIGTERM', () => process.exit(0));
`;

interface FakeWebTrigger {
  readonly url: string;
  received(): Promise<number>;
  close(): Promise<void>;
}

function startFakeWebTrigger(): Promise<FakeWebTrigger> {
  const child = spawn(process.execPath, ['-e', FAKE_TRIGGER], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((done, fail) => {
    let out = '';
    child.on('exit', (code) => fail(new Error(`fake web trigger exited with ${code}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const port = /trigger listening on (\d+)/.exec(out)?.[1];
      if (!port) return;
      const base = `http://127.0.0.1:${port}`;
      done({
        url: `${base}/x1/ingest`,
        received: async () => Number(await (await fetch(`${base}/received`)).text()),
        close: () => stop(child),
      });
    });
  });
}

function startRelay(env: Record<string, string>, script = 'dist/relay/main.js', ready = /relay listening on (http:\/\/\S+)/): Promise<{ child: ChildProcess; baseUrl: string }> {
  // The production build, as `npm run relay` runs it: one node process, no TypeScript loader.
  const child = spawn(process.execPath, [...RELAY_NODE_FLAGS, script], {
    cwd: ROOT,
    env: { ...process.env, ...RELAY_ENV, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((done, fail) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error('relay did not start in 30 s')), 30_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = ready.exec(out);
      if (match?.[1]) {
        clearTimeout(timer);
        done({ child, baseUrl: match[1] });
      }
    });
    child.stderr?.resume();
    child.on('exit', (code) => fail(new Error(`relay exited early with ${code}`)));
  });
}

/**
 * Median time of one 4 KiB write + fdatasync in the bench directory: the disk's flush latency, which every
 * durable commit pays once (SQLite WAL with synchronous=FULL syncs the WAL at each commit). A request's ack
 * waits for at least one whole flush that starts after it arrived, so with N connections each waiting for
 * its answer (wrk) no durable server can ack more than N / flush-latency per second, however fast its code.
 */
function fsyncLatencyMs(dir: string, samples = 40): number {
  const path = join(dir, 'fsync-probe');
  const fd = openSync(path, 'w');
  const page = Buffer.alloc(4096, 1);
  const times: number[] = [];
  try {
    for (let i = 0; i < samples; i++) {
      const started = process.hrtime.bigint();
      writeSync(fd, page, 0, page.length, (i % 8) * page.length);
      fdatasyncSync(fd);
      times.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
  } finally {
    closeSync(fd);
    rmSync(path, { force: true });
  }
  times.sort((a, b) => a - b);
  return Math.round((times[Math.floor(times.length / 2)] ?? 0) * 100) / 100;
}

let nextSeq = 0;

async function phase(name: string, url: string, body: (seq: number) => string, connections: number, rate: number | null, duration: number): Promise<PhaseResult> {
  const result = await autocannon({
    url: `${url}/v1/alertmanager`,
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    // A fresh body per request: the fixture plus a unique benchId.
    requests: [{ setupRequest: (req: Record<string, unknown>) => ({ ...req, body: body(nextSeq++) }) }],
    connections,
    duration,
    ...(rate === null ? {} : { overallRate: rate }),
  });
  return {
    name,
    connections,
    targetRate: rate,
    durationSeconds: result.duration,
    acks: result['2xx'],
    acksPerSecond: Math.round(result['2xx'] / result.duration),
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    latencyMaxMs: result.latency.max,
  };
}

/** The bare Hono server under the same wrk load: the machine's HTTP ceiling for this body. */
interface Bare {
  readonly acksPerSecond: number;
  readonly cpuUsPerRequest: number;
}

async function bareCeiling(dir: string): Promise<Bare> {
  const bundle = join(dir, 'bare-hono-server.js');
  execFileSync('npx', ['esbuild', 'bench/bare-hono-server.ts', '--bundle', '--platform=node', '--target=node20', `--outfile=${bundle}`, '--log-level=warning'], { cwd: ROOT, stdio: 'inherit' });
  const bare = await startRelay({}, bundle, /bare listening on (http:\/\/\S+)/);
  try {
    await wrkPhase('bare-warmup', bare.baseUrl, { fixturePath: FIXTURE, token: TOKEN, connections: 50, durationSeconds: 2, workDir: dir });
    const { phase: max, cpuUsPerAck: cpuUsPerRequest, shares } = await measuredWrkPhase('bare-max', bare.child, bare.baseUrl, dir);
    console.log(`bare Hono server (parse JSON, answer 202), 50 connections, wrk: ${max.acksPerSecond}/s, p99 ${max.latencyP99Ms} ms, ${cpuUsPerRequest} µs CPU per request`);
    console.log(`bare Hono server during wrk: ${describeShares(shares)}`);
    return { acksPerSecond: max.acksPerSecond, cpuUsPerRequest };
  } finally {
    await stop(bare.child);
  }
}

/**
 * The 10 s wrk phase at 50 connections against one server process, with its CPU per ack and where the time went: a
 * request thread near a whole core (on it or waiting for it) is the limit, however idle the rest of the machine is.
 */
async function measuredWrkPhase(name: string, child: ChildProcess, baseUrl: string, dir: string): Promise<{ phase: PhaseResult; cpuUsPerAck: number; shares: CpuShares }> {
  const pid = child.pid ?? -1;
  const cpuBefore = cpuMs(pid);
  const { result: phase, shares } = await measureShares(pid, () =>
    wrkPhase(name, baseUrl, { fixturePath: FIXTURE, token: TOKEN, connections: 50, durationSeconds: 10, workDir: dir }),
  );
  const cpuUsPerAck = Math.round(((cpuMs(pid) - cpuBefore) * 1000) / Math.max(1, phase.acks));
  return { phase, cpuUsPerAck, shares };
}

async function stop(child: ChildProcess): Promise<void> {
  if (!child.pid || child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  try {
    process.kill(child.pid, 'SIGTERM');
  } catch {
    // Already gone.
  }
  await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
}

/** One engine's phases: what it measured, before any comparison with the bare server (benchEngineBetween). */
async function benchEngine(engine: 'sqlite' | 'postgres', db: string, dir: string): Promise<EngineRun> {
  const trigger = await startFakeWebTrigger();
  const fixture = readFileSync(FIXTURE, 'utf8').trimEnd();
  const body = (seq: number) => fixture.slice(0, -1) + `,"benchId":${seq}}`;
  let child: ChildProcess | undefined;
  try {
    const relay = await startRelay({
      RELAY_DB: db,
      RELAY_PORT: '0',
      RELAY_HOST: '127.0.0.1',
      WEBTRIGGER_URL: trigger.url,
      ALERTMANAGER_TOKENS: TOKEN,
      RELAY_LOG_LEVEL: 'error',
    });
    child = relay.child;
    // Short warm-up so JIT and database caches are not part of the measurement.
    const warmup = await phase('warmup', relay.baseUrl, body, 10, null, 2);
    const { phase: maxThroughput, cpuUsPerAck, shares } = await measuredWrkPhase('max-throughput', child, relay.baseUrl, dir);
    const fixedRate = await phase('fixed-1000rps', relay.baseUrl, body, 20, 1000, 10);
    const peakRssMbValue = peakRssMb(child.pid ?? -1);
    // Let the forwarder drain what it can in a few seconds.
    const total = warmup.acks + maxThroughput.acks + fixedRate.acks;
    const deadline = Date.now() + 15_000;
    while ((await trigger.received()) < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const result: EngineRun = {
      engine,
      outboxThread: process.env['RELAY_OUTBOX_THREAD'] ?? 'default',
      maxThroughput,
      fixedRate,
      cpuUsPerAck,
      duringWrk: shares,
      peakRssMb: Math.max(peakRssMbValue, peakRssMb(child.pid ?? -1)),
      forwardedEvents: await trigger.received(),
      targets: { p99At1000: fixedRate.latencyP99Ms < 20, rss: peakRssMbValue < 150 },
    };
    console.log(`\n[${engine}] outbox thread: ${result.outboxThread}; the load generators' in-flight requests at the end of a phase are stored but not counted as acks`);
    console.log(`[${engine}] durable acks, 50 connections, wrk: ${maxThroughput.acksPerSecond}/s, p50 ${maxThroughput.latencyP50Ms} ms, p99 ${maxThroughput.latencyP99Ms} ms, ${maxThroughput.non2xx} non-2xx, ${maxThroughput.errors} socket errors`);
    console.log(`[${engine}] relay CPU per ack at 50 connections: ${cpuUsPerAck} µs (forwarding included)`);
    console.log(`[${engine}] during wrk: ${describeShares(shares)}`);
    console.log(`[${engine}] at a fixed ${fixedRate.targetRate} req/s: ${fixedRate.acksPerSecond}/s, p50 ${fixedRate.latencyP50Ms} ms, p99 ${fixedRate.latencyP99Ms} ms (target p99 < 20 ms: ${mark(result.targets.p99At1000)})`);
    console.log(`[${engine}] peak RSS: ${result.peakRssMb} MB (target < 150 MB: ${mark(result.targets.rss)})`);
    console.log(`[${engine}] forwarded to the web trigger: ${result.forwardedEvents} of ${total} acknowledged events within 15 s of the load ending`);
    return result;
  } finally {
    if (child) await stop(child);
    await trigger.close();
  }
}

/** An engine's figures before the comparison with the bare server. */
type EngineRun = Omit<RelayBenchResult, 'ratioToBare' | 'targets'> & { readonly targets: Omit<RelayBenchResult['targets'], 'ratio'> };

const mark = (ok: boolean) => (ok ? 'meets target' : 'MISSES target');

/**
 * Runs an engine's phases, then the bare server again, and states the engine's ratio against the mean of the bare runs
 * before and after it: the VM's speed drifts by ±20% within minutes.
 */
async function benchEngineBetween(dir: string, before: Bare, run: () => Promise<EngineRun>): Promise<{ result: RelayBenchResult; bareAfter: Bare }> {
  const engine = await run();
  const after = await bareCeiling(dir);
  const mean: Bare = { acksPerSecond: Math.round((before.acksPerSecond + after.acksPerSecond) / 2), cpuUsPerRequest: Math.round((before.cpuUsPerRequest + after.cpuUsPerRequest) / 2) };
  const ratioToBare = Math.round((engine.maxThroughput.acksPerSecond / mean.acksPerSecond) * 100) / 100;
  const result: RelayBenchResult = { ...engine, ratioToBare, targets: { ...engine.targets, ratio: ratioToBare >= 0.5 } };
  console.log(
    `[${engine.engine}] against the mean of the bare runs before and after it (${mean.acksPerSecond}/s, ${mean.cpuUsPerRequest} µs CPU per request): ` +
      `${engine.maxThroughput.acksPerSecond}/s = ${ratioToBare}x (target >= 0.5x: ${engine.engine === 'sqlite' ? mark(result.targets.ratio) : 'none for PostgreSQL'}), ` +
      `CPU per ack ${Math.round((engine.cpuUsPerAck / Math.max(1, mean.cpuUsPerRequest)) * 10) / 10}x`,
  );
  return { result, bareAfter: after };
}

export async function benchRelay(): Promise<RelayBenchResult[]> {
  execFileSync('bash', ['scripts/ensure-system-packages.sh', '--bench'], { cwd: ROOT, stdio: 'inherit' });
  execFileSync('npm', ['run', '--silent', 'build:relay'], { cwd: ROOT, stdio: 'inherit' });
  const dir = mkdtempSync(join(tmpdir(), 'relay-bench-'));
  let pg: TestPostgres | undefined;
  try {
    const flushMs = fsyncLatencyMs(dir);
    const bareBefore = await bareCeiling(dir);
    const ceiling = Math.round(50 / (flushMs / 1000));
    console.log(
      `disk flush (4 KiB write + fdatasync, median of 40): ${flushMs} ms, so at most 50 / ${flushMs} ms = ${ceiling} durable acks/s ` +
        `with 50 connections waiting for their answers = ${Math.round((ceiling / bareBefore.acksPerSecond) * 100) / 100}x the bare server, whatever the relay's code`,
    );
    // The VM's speed drifts by ±20% within minutes: the bare server runs before and after each engine, and each
    // engine is compared with the mean of the two runs around it.
    const sqliteRun = await benchEngineBetween(dir, bareBefore, () => benchEngine('sqlite', join(dir, 'relay.sqlite'), dir));
    pg = await startTestPostgres();
    const database = await pg.createDatabase('bench');
    const postgresRun = await benchEngineBetween(dir, sqliteRun.bareAfter, () => benchEngine('postgres', database, dir));
    const [sqlite, postgres] = [sqliteRun.result, postgresRun.result];
    return [sqlite, postgres];
  } finally {
    await pg?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  benchRelay().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
