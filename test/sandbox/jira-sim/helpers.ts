/** Test helpers: a seeded simulator on a hand-driven clock, and request shorthands. */
import { createJiraSimulator, seedSandboxSite, type JiraSimulator, type JiraSimulatorOptions } from '../../../src/sandbox/jira-sim';

export const T0 = Date.UTC(2026, 10, 23, 6, 14, 48, 106);

export interface TestClock {
  now: () => number;
  advance: (ms: number) => void;
  set: (ms: number) => void;
}

export function testClock(start = T0): TestClock {
  let t = start;
  return { now: () => t, advance: (ms) => { t += ms; }, set: (ms) => { t = ms; } };
}

export function seededSim(clock: TestClock, options: Omit<JiraSimulatorOptions, 'now'> = {}): JiraSimulator {
  const sim = createJiraSimulator({ now: clock.now, rateLimits: false, ...options });
  seedSandboxSite(sim);
  return sim;
}

export const basic = (email: string): string => `Basic ${Buffer.from(`${email}:api-token`).toString('base64')}`;

export type As = { app: true } | { user: string } | { email: string } | { none: true };

export const APP: As = { app: true };

export function headersFor(as: As): Record<string, string> {
  if ('app' in as) return { 'x-forge-sim-actor': 'app' };
  if ('user' in as) return { 'x-forge-sim-actor': `user:${as.user}` };
  if ('email' in as) return { authorization: basic(as.email) };
  return {};
}

export function call(sim: JiraSimulator, method: string, path: string, body?: unknown, as: As = APP): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json', ...headersFor(as) };
  if (body !== undefined) headers['content-type'] = 'application/json';
  return Promise.resolve(sim.app.request(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }));
}

export const adf = (text: string): unknown => ({ type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text }] }] });

/** Creates an OPS incident as the app and returns its key. */
export async function createIncident(sim: JiraSimulator, fields: Record<string, unknown> = {}, as: As = APP): Promise<{ id: string; key: string }> {
  const res = await call(sim, 'POST', '/rest/api/3/issue', {
    fields: { project: { key: 'OPS' }, issuetype: { name: 'Incident' }, summary: 'Checkout is down', ...fields },
  }, as);
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as { id: string; key: string };
}
