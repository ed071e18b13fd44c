/** Test helpers: a simulator on a hand-driven clock, API request shorthands, and a real relay to receive webhooks. */
import { createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { createImpactSimulator, type ImpactSimulator, type ImpactSimulatorOptions } from '../../../src/sandbox/impact-sim';
import { testRelay, type TestRelay } from '../../relay/helpers';

export const T0 = Date.UTC(2026, 10, 23, 6, 14, 48, 106);
export const BRIDGE_TOKEN = 'bridge-token-0123456789';
export const OTHER_TOKEN = 'bare-token-abcdef';
/** The relay's TEST_CONFIG accepts this secret. */
export const WEBHOOK_SECRET = 'impact-secret-current';
export const JANE = { email: 'jane.doe@example.com', name: 'Jane Doe' };
export const OMAR = { email: 'omar.k@example.com', name: 'Omar Khalil' };

export interface TestClock {
  now: () => number;
  advance: (ms: number) => void;
}

export function testClock(start = T0): TestClock {
  let t = start;
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
  };
}

export function testSim(options: Partial<ImpactSimulatorOptions> = {}): ImpactSimulator {
  return createImpactSimulator({
    now: testClock().now,
    webhookSecret: WEBHOOK_SECRET,
    apiTokens: [{ token: BRIDGE_TOKEN, client: 'incident-bridge' }, OTHER_TOKEN],
    users: [JANE, OMAR],
    sleep: async () => undefined,
    ...options,
  });
}

export const API_HEADERS = { authorization: `Bearer ${BRIDGE_TOKEN}`, 'x-impact-contract-version': '1', accept: 'application/json' };

export function api(sim: ImpactSimulator, method: string, path: string, body?: unknown, headers: Record<string, string> = API_HEADERS): Promise<Response> {
  const all: Record<string, string> = { ...headers };
  if (body !== undefined) all['content-type'] = 'application/json';
  return Promise.resolve(sim.app.request(path, { method, headers: all, body: body === undefined ? undefined : JSON.stringify(body) }));
}

export function admin(sim: ImpactSimulator, method: string, path: string, body?: unknown): Promise<Response> {
  return api(sim, method, path, body, {});
}

/** HMAC as the contract defines it, computed independently of the simulator. */
export function expectedSignature(secret: string, timestamp: string, raw: string): string {
  return 'sha256=' + createHmac('sha256', secret).update(`${timestamp}.${raw}`).digest('hex');
}

export interface ReceivedRequest {
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly status: number;
}

/**
 * The real relay app (in-process outbox, fake clock) behind a real loopback server. `failNext(n, status)`
 * makes the front answer the next n requests itself, as a relay that is down or overloaded would.
 */
export interface RelayUnderTest {
  readonly relay: TestRelay;
  readonly url: string;
  readonly received: ReceivedRequest[];
  failNext(times: number, status: number, headers?: Record<string, string>): void;
  close(): Promise<void>;
}

export async function startRelayUnderTest(): Promise<RelayUnderTest> {
  const relay = testRelay();
  const received: ReceivedRequest[] = [];
  const failures: { status: number; headers: Record<string, string> }[] = [];
  const front = new Hono();
  front.all('*', async (c) => {
    const body = await c.req.text();
    const headers: Record<string, string> = {};
    c.req.raw.headers.forEach((value, key) => {
      headers[key] = value;
    });
    const failure = failures.shift();
    const response = failure
      ? c.json({ error: { code: 'unavailable', message: 'relay down' } }, failure.status as 503, failure.headers)
      : await relay.app.fetch(new Request(c.req.url, { method: c.req.method, headers: c.req.raw.headers, body }));
    received.push({ headers, body, status: response.status });
    return response;
  });
  const server = serve({ fetch: front.fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    relay,
    url: `http://127.0.0.1:${port}/v1/impact`,
    received,
    failNext(times, status, headers = {}) {
      for (let i = 0; i < times; i++) failures.push({ status, headers });
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ('closeAllConnections' in server) server.closeAllConnections();
      });
      await relay.temp.cleanup();
    },
  };
}
