/**
 * MTTA / MTTR of Impact incidents through the sandbox: a history back-dated with the Impact simulator's clock
 * control (`PUT /_sim/clock`) and status changes through its admin API, recounted by the queue job the
 * people trigger queues, read by the settings page's resolver — and equal to figures worked out by hand from
 * the timeline below (not by the app's domain code).
 */
import type { IncidentResponseView, ResolverResult } from '../../src/forge/entry/resolvers/contract';
import { impactSandboxForSuite } from '../support/impact-sandbox';

jest.setTimeout(60_000);

const suite = impactSandboxForSuite();
const HOUR = 3_600_000;

async function control(base: string, method: string, path: string, body?: unknown): Promise<{ incident?: { id: string } }> {
  const res = await fetch(`${base}${path}`, { method, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) });
  if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status}: ${await res.text()}`);
  return res.status === 204 ? {} : ((await res.json()) as { incident?: { id: string } });
}

it('matches MTTA and MTTR worked out by hand from a back-dated history, per priority', async () => {
  const impact = suite.sandbox.urls.impact!;
  // Webhooks wait while the clock is in the past (the relay refuses signatures older than 300 s).
  await control(impact, 'POST', '/_sim/webhooks/pause');
  const start = Date.now() - 10 * 24 * HOUR;
  const at = (h: number) => control(impact, 'PUT', '/_sim/clock', { now: new Date(start + h * HOUR).toISOString() });
  const create = async (h: number, title: string, priority: number) => {
    await at(h);
    return (await control(impact, 'POST', '/admin/incidents', { title, priority })).incident!.id;
  };
  const move = async (h: number, id: string, status: string) => {
    await at(h);
    await control(impact, 'PATCH', `/admin/incidents/${id}`, { status });
  };

  // P1 A: created 0 h, investigating +0.5 h, mitigated +2 h, closed +5 h → ack 0.5, resolve 2.
  const a = await create(0, 'P1 A', 1);
  await move(0.5, a, 'INVESTIGATING');
  await move(2, a, 'MITIGATED');
  await move(5, a, 'CLOSED');
  // P1 B: created 24 h, investigating +1.5, mitigated +4, reopened +6, mitigated again +9 → ack 1.5, resolve 9.
  const b = await create(24, 'P1 B', 1);
  await move(25.5, b, 'INVESTIGATING');
  await move(28, b, 'MITIGATED');
  await move(30, b, 'OPEN');
  await move(33, b, 'MITIGATED');
  // P1 C: created 48 h, mitigating +3 (still open) → ack 3, no resolution.
  const c = await create(48, 'P1 C', 1);
  await move(51, c, 'MITIGATING');
  // P3 D: created 72 h, never acknowledged.
  await create(72, 'P3 D', 3);
  // P3 E: created 200 days ago: outside the 90-day window.
  await control(impact, 'PUT', '/_sim/clock', { now: new Date(Date.now() - 200 * 24 * HOUR).toISOString() });
  await control(impact, 'POST', '/admin/incidents', { title: 'P3 old', priority: 3 });
  await control(impact, 'PUT', '/_sim/clock', { offsetMs: 0 });

  await suite.sandbox.forge.runScheduledTrigger('people-directory');
  await suite.settleAll();
  const view = await suite.settingsResolver<ResolverResult<IncidentResponseView>>('getIncidentResponseTimes');
  if (!view.ok) throw new Error(view.error.message);
  const stored = view.value;
  expect(stored?.lastRun.outcome).toBe('ok');
  const p1 = stored?.times?.byPriority.find((p) => p.priority === 1);
  const p3 = stored?.times?.byPriority.find((p) => p.priority === 3);
  // By hand: MTTA P1 = (0.5 + 1.5 + 3) / 3 = 1.67 h; p50 (nearest rank 2 of 3) = 1.5; p85 (rank 3) = 3.
  expect(p1).toMatchObject({ incidents: 3, open: 1, acknowledge: { issues: 3, meanHours: 1.67, p50Hours: 1.5, p85Hours: 3 }, resolve: { issues: 2, meanHours: 5.5, p50Hours: 2, p85Hours: 9 } });
  // P3 is D alone (E is older than the 90-day window): counted, open, neither acknowledged nor resolved.
  expect(p3).toMatchObject({ incidents: 1, open: 1, acknowledge: { issues: 0 }, resolve: { issues: 0 } });
  expect(stored?.times?.byPriority.map((p) => p.priority)).toEqual([1, 3]);
  expect(stored?.times?.incidents).toBe(4);

  await control(impact, 'POST', '/_sim/webhooks/resume');
  await suite.settleAll();
});
