/**
 * Forge delivers a group's notifications in any order, more than once, late (retries, retryFailedDelivery).
 * Property: whatever the interleaving, what a person sees open in Jira, and what the app remembers of each
 * alert, ends as with in-order delivery; and a problem never has two open issues at once.
 */
import fc from 'fast-check';
import type { AlertmanagerWebhook } from '../../../../src/shared/alertmanager-webhook';
import type { Rule } from '../../../../src/forge/domain/alerts/rules';
import { fixture, ruleVariants } from './helpers';
import { deliver, emptyWorld, type World } from './jira-model';

const rules: Record<string, Rule> = ruleVariants;

const ZERO = '0001-01-01T00:00:00Z';
const at = (minute: number): string => new Date(Date.UTC(2026, 10, 23, 6, 0, 0) + minute * 60_000).toISOString();

interface AlertNow {
  readonly status: 'firing' | 'resolved';
  readonly startsAt: string;
  readonly endsAt: string;
  /** A resolved alert stays in the group's notifications until one has reported it (Alertmanager flushes it). */
  readonly reported: boolean;
}

/**
 * A group's life as Alertmanager reports it: each step fires or resolves one alert, then the group is
 * notified with every firing alert and the alerts resolved since the last notification.
 */
function timeline(toggles: readonly number[], alertCount: number): AlertmanagerWebhook[] {
  const template = fixture('01').body;
  const base = template.alerts[0];
  if (!base) throw new Error('fixture');
  const state = new Map<number, AlertNow>();
  const out: AlertmanagerWebhook[] = [];
  toggles.forEach((raw, step) => {
    const i = raw % alertCount;
    const before = state.get(i);
    const now = at(step + 1);
    state.set(i, before?.status === 'firing' ? { ...before, status: 'resolved', endsAt: now, reported: false } : { status: 'firing', startsAt: now, endsAt: ZERO, reported: false });
    const shown = [...state.entries()].filter(([, a]) => a.status === 'firing' || !a.reported);
    if (shown.length === 0) return;
    const alerts = shown.map(([n, a]) => ({
      ...base,
      status: a.status,
      startsAt: a.startsAt,
      endsAt: a.endsAt,
      fingerprint: `f${n.toString(16).padStart(15, '0')}`,
      labels: { ...base.labels, instance: `checkout-${n}:8080` },
    }));
    for (const [n, a] of shown) if (a.status === 'resolved') state.set(n, { ...a, reported: true });
    out.push({ ...template, status: alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved', alerts });
  });
  return out;
}

/** Per problem: how many of its issues are open (not done). */
function openIssues(w: World): Record<string, number> {
  const out: Record<string, number> = {};
  for (const issue of Object.values(w.issues)) {
    const key = String((issue.properties['incident-bridge-problem'] as { problemKey?: unknown } | undefined)?.problemKey);
    out[key] = (out[key] ?? 0) + (issue.statusCategory === 'done' ? 0 : 1);
  }
  return out;
}

function alertsRemembered(w: World): Record<string, Record<string, string>> {
  return Object.fromEntries(Object.entries(w.store).map(([k, s]) => [k, Object.fromEntries(Object.entries(s.alerts).map(([fp, a]) => [fp, `${a.status}@${a.startsAt}`]))]));
}

function run(bodies: readonly AlertmanagerWebhook[], rule: Rule): { world: World; maxOpen: number } {
  let world = emptyWorld;
  let maxOpen = 0;
  bodies.forEach((body, i) => {
    world = deliver(world, body, [rule], at(100 + i)).world;
    maxOpen = Math.max(maxOpen, ...Object.values(openIssues(world)), 0);
  });
  return { world, maxOpen };
}

describe('property: any interleaving of a group’s notifications ends as in-order delivery', () => {
  it('1,000 interleavings with duplicates (HA copies, redelivery, retries) and late arrivals', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.keys(rules)),
        fc.integer({ min: 1, max: 3 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 4 }),
        fc.array(fc.nat(), { minLength: 12, maxLength: 12 }),
        (ruleName, alertCount, toggles, copies, order) => {
          const rule = rules[ruleName] as Rule;
          const inOrder = timeline(toggles, alertCount);
          // Duplicates of some notifications, then everything in a random order.
          const deliveries = [...inOrder, ...copies.map((c) => inOrder[c % inOrder.length] as AlertmanagerWebhook)];
                    const shuffled = deliveries.map((d, i) => ({ d, k: order[i] ?? 0, i })).sort((a, b) => a.k - b.k || a.i - b.i).map((x) => x.d);
          const expected = run(inOrder, rule);
          const actual = run(shuffled, rule);
          expect(openIssues(actual.world)).toEqual(openIssues(expected.world));
          expect(alertsRemembered(actual.world)).toEqual(alertsRemembered(expected.world));
          expect(actual.maxOpen).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
