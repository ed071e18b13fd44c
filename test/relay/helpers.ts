import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createRelayApp } from '../../src/relay/app';
import type { RelayAppConfig } from '../../src/relay/app-types';
import { DEFAULT_JSON_LIMITS } from '../../src/relay/http/json-shape';
import { silentLogger } from '../../src/relay/logger';
import { createRelayMetrics, type RelayMetrics } from '../../src/relay/metrics';
import type { Outbox } from '../../src/relay/outbox/outbox';
import { openInProcessOutbox } from '../../src/relay/outbox/in-process';

export const FIXTURE_DIR = resolve(__dirname, '../../../shared/fixtures/alertmanager');

/** Raw fixture bytes as captured from Alertmanager 0.25, keyed by file name. */
export function alertmanagerFixtures(): Map<string, string> {
  const files = readdirSync(FIXTURE_DIR).filter((f) => /^\d\d-.*\.json$/.test(f)).sort();
  return new Map(files.map((f) => [f, readFileSync(join(FIXTURE_DIR, f), 'utf8')]));
}

export function fixture(name: string): string {
  return readFileSync(join(FIXTURE_DIR, name), 'utf8');
}

export const T0 = Date.parse('2026-11-23T06:14:48.106Z');

export class FakeClock {
  constructor(public nowMs = T0) {}
  readonly now = (): number => this.nowMs;
  advance(ms: number): void {
    this.nowMs += ms;
  }
}

export interface TempOutbox {
  readonly outbox: Outbox;
  readonly dir: string;
  readonly path: string;
  cleanup(): Promise<void>;
}

export function tempOutbox(): TempOutbox {
  const dir = mkdtempSync(join(tmpdir(), 'relay-test-'));
  const path = join(dir, 'relay.sqlite');
  const outbox = openInProcessOutbox({ path });
  return {
    outbox,
    dir,
    path,
    async cleanup() {
      await outbox.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const TEST_CONFIG: RelayAppConfig = {
  alertmanagerTokens: ['am-token-current-123', 'am-token-previous-456'],
  impactSecrets: ['impact-secret-current', 'impact-secret-previous'],
  impactToleranceSeconds: 300,
  maxBodyBytes: 1024 * 1024,
  jsonLimits: DEFAULT_JSON_LIMITS,
  dedupWindowSeconds: 10,
  impactDedupRetentionSeconds: 7 * 24 * 3600,
};

export interface TestRelay {
  readonly app: ReturnType<typeof createRelayApp>;
  readonly clock: FakeClock;
  readonly metrics: RelayMetrics;
  readonly temp: TempOutbox;
  /** Pending + failed rows: the whole outbox. */
  rows(): Promise<number>;
}

export function testRelay(config: Partial<RelayAppConfig> = {}): TestRelay {
  const temp = tempOutbox();
  const clock = new FakeClock();
  const metrics = createRelayMetrics();
  const app = createRelayApp({ config: { ...TEST_CONFIG, ...config }, outbox: temp.outbox, clock: clock.now, logger: silentLogger, metrics });
  return {
    app,
    clock,
    metrics,
    temp,
    async rows() {
      const s = await temp.outbox.stats();
      return s.pending + s.failed;
    },
  };
}

export interface RecordedRequest {
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

export type Responder = (req: RecordedRequest, res: ServerResponse) => void;

/** A real loopback HTTP server standing in for the Forge web trigger. */
export interface FakeWebTrigger {
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Responders used in order; when none is left, `fallback` answers. */
  readonly script: Responder[];
  fallback: Responder;
  close(): Promise<void>;
}

export const ackAll: Responder = (req, res) => {
  const batch = JSON.parse(req.body) as { events: { id: string }[] };
  res.writeHead(202, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ accepted: batch.events.map((e) => e.id), duplicates: [] }));
};

export async function startFakeWebTrigger(): Promise<FakeWebTrigger> {
  const requests: RecordedRequest[] = [];
  const script: Responder[] = [];
  const trigger = {
    requests,
    script,
    fallback: ackAll,
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const recorded = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(recorded);
      const responder = script.shift() ?? trigger.fallback;
      responder(recorded, res);
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return Object.assign(trigger, {
    url: `http://127.0.0.1:${port}/x1/ingest`,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  });
}

export function post(path: string, body: BodyInit | null, headers: Record<string, string>): Request {
  return new Request(`http://relay.test${path}`, { method: 'POST', body, headers, duplex: 'half' } as RequestInit);
}

/** A body stream with no Content-Length, delivered in chunks. */
export function chunkedStream(totalBytes: number, chunkBytes = 64 * 1024): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= totalBytes) return controller.close();
      const n = Math.min(chunkBytes, totalBytes - sent);
      sent += n;
      controller.enqueue(new Uint8Array(n).fill(0x20));
    },
  });
}
