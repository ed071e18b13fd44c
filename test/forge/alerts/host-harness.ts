/**
 * The real app in the local Forge host, wired to a Jira simulator, with ONE injected clock for the host
 * (queue retry times) and the simulator (rate-limit windows): retries are driven by advancing it, not by
 * waiting. Batches enter through the signed ingest web trigger, as the relay sends them.
 */
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { createForgeHost, type ForgeHost, type HostFidelity } from '../../../src/sandbox/forge-host';
import { createJiraSimulator, seedSandboxSite, DEFAULT_APP_ACCOUNT_ID, type JiraSimulator } from '../../../src/sandbox/jira-sim';
import * as app from '../../../src/forge/index';
import { signRequest } from '../../../src/shared/signing';
import type { RelayEvent, RelayWireEvent } from '../../../src/shared/relay-envelope';
import { SecretKeys } from '../../../src/forge/constants';

const ROOT = join(__dirname, '../../..');
export const FIXTURES = join(ROOT, '../shared/fixtures/alertmanager');
const KEY = { id: 'test', secret: 'test-signing-secret-0123456789' };

export interface AlertHost {
  readonly host: ForgeHost;
  readonly sim: JiraSimulator;
  /** Moves the shared clock forward and runs whatever became due. */
  advance(ms: number): Promise<void>;
  post(events: RelayWireEvent[]): Promise<Response>;
  resolver<T>(functionKey: string, payload: Record<string, unknown>, accountId?: string): Promise<T>;
  close(): Promise<void>;
}

export function fixtureBody(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as Record<string, unknown>;
}

let seq = 0;
export function relayEvent(body: Record<string, unknown>, receivedAt = new Date().toISOString()): RelayEvent {
  seq += 1;
  return { id: `evt-${process.pid}-${seq}-${Math.random().toString(36).slice(2, 8)}`, source: 'alertmanager', receivedAt, sequence: seq, groupKey: String(body['groupKey']), body };
}

export interface AlertHostOptions {
  readonly rateLimits?: boolean;
  readonly fidelity?: Partial<HostFidelity>;
  /** In front of the simulator, for answers it does not give by itself (e.g. a spent hourly quota). */
  readonly jiraFront?: (request: Request, now: number) => Response | undefined;
  /** Consumer invocations the host runs at once (default 4). */
  readonly workers?: number;
}

export async function startAlertHost(options: AlertHostOptions = {}): Promise<AlertHost> {
  // Real time flows (in-invocation waits need it), and `advance` jumps ahead for queue retries.
  let offset = 0;
  const clock = () => Date.now() + offset;
  const sim = createJiraSimulator({ now: clock, appAccountId: DEFAULT_APP_ACCOUNT_ID, rateLimits: options.rateLimits ?? true });
  seedSandboxSite(sim);
  const host = createForgeHost({
    manifestPath: join(ROOT, 'manifest.yml'),
    handlers: app,
    databasePath: ':memory:',
    clock,
    appAccountId: DEFAULT_APP_ACCOUNT_ID,
    jira: { kind: 'fetch', fetch: async (request) => options.jiraFront?.(request, clock()) ?? sim.app.fetch(request) },
    queue: { eventsPerMinute: null, pollMs: 20, ...(options.workers ? { workers: options.workers } : {}) },
    ...(options.fidelity ? { fidelity: options.fidelity } : {}),
  });
  host.kvs.set({ kind: 'secret' }, SecretKeys.relaySigningKeys, [KEY]);
  const unsubscribe = sim.onIssueEvent((event) => void host.deliverProductEvent({ ...event, isAppActor: event.actorIsApp }));
  await host.start({ port: 0 });
  return {
    host,
    sim,
    async advance(ms) {
      offset += ms;
      await host.queue.drain();
    },
    async post(events) {
      const body = JSON.stringify({ version: 1, events });
      // The app checks signatures against the real clock (it runs with Date.now, as Forge functions do).
      const response = await fetch(host.webTriggerUrl('ingest')!, { method: 'POST', headers: { 'content-type': 'application/json', ...signRequest(KEY, body, Math.floor(Date.now() / 1000)) }, body });
      await host.queue.drain();
      return response;
    },
    async resolver<T>(functionKey: string, payload: Record<string, unknown>, accountId?: string): Promise<T> {
      const response = await host.request(
        new Request('http://host.local/api/invoke/bridge-settings', {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(accountId ? { 'x-forge-account-id': accountId } : {}) },
          body: JSON.stringify({ functionKey, payload, extension: { project: { key: 'OPS', id: '10000' } } }),
        }),
      );
      const json = (await response.json()) as { ok: boolean; result?: T; error?: { message: string } };
      if (!json.ok) throw new Error(`resolver ${functionKey} failed: ${json.error?.message}`);
      return json.result as T;
    },
    async close() {
      unsubscribe();
      await host.close();
    },
  };
}

/** The host the rule editor's pickers and pre-flight are tested on: OPS/Incident requires a Team select field. */
export async function startAlertHostWithTeamField(): Promise<AlertHost> {
  const t = await startAlertHost();
  t.sim.seed.addSelectField('customfield_10050', 'Team', ['SRE', 'Payments']);
  t.sim.seed.requireField('OPS', 'Incident', 'customfield_10050');
  return t;
}
