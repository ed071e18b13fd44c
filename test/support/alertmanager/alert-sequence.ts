import type { PostableAlert } from './start';

/** The three alerts of the fixture scenario: labels and annotations exactly as in the captured bodies. */
export const FIXTURE_ALERTS = {
  checkoutA: {
    labels: { alertname: 'HighErrorRate', cluster: 'prod-eu', instance: 'checkout-7d9f:8080', service: 'checkout', severity: 'critical', team: 'payments' },
    annotations: { description: 'Error ratio 0.087 over 5m', runbook_url: 'https://runbooks.example.com/checkout/5xx', summary: '5xx rate above 5% on checkout' },
    generatorURL: 'http://prometheus.example.com/graph?g0.expr=rate',
  },
  checkoutB: {
    labels: { alertname: 'HighErrorRate', cluster: 'prod-eu', instance: 'checkout-8c1a:8080', service: 'checkout', severity: 'critical', team: 'payments' },
    annotations: { description: 'Error ratio 0.061 over 5m', summary: '5xx rate above 5% on checkout' },
    generatorURL: 'http://prometheus.example.com/graph?g0.expr=rate',
  },
  disk: {
    labels: { alertname: 'DiskFilling', cluster: 'prod-us', instance: 'db-3:9100', mountpoint: '/var/lib/postgresql', severity: 'warning', team: 'storage' },
    annotations: { summary: 'Disk on db-3 will fill in 4h' },
    generatorURL: 'http://prometheus.example.com/graph?g0.expr=predict_linear',
  },
} as const;

export type FixtureAlertName = keyof typeof FIXTURE_ALERTS;

/** What one Alertmanager group notification says: group, status, and which instances fire / are resolved. */
export interface NotificationState {
  readonly alertname: string;
  readonly status: 'firing' | 'resolved';
  readonly firing: readonly string[];
  readonly resolved: readonly string[];
}

export type StepName = 'checkout-first-firing' | 'checkout-grows-and-disk-firing' | 'checkout-one-resolved' | 'all-resolved';

export interface ScenarioStep {
  readonly name: StepName;
  readonly alerts: readonly PostableAlert[];
  /** Notifications Alertmanager must send after this post (states as in the fixtures). */
  readonly expect: readonly NotificationState[];
}

export interface AlertSequence {
  /** The next step's alert posts, stamped with the clock at the time it is asked for. */
  step(name: StepName): ScenarioStep;
}

export const STEP_ORDER: readonly StepName[] = ['checkout-first-firing', 'checkout-grows-and-disk-firing', 'checkout-one-resolved', 'all-resolved'];

/**
 * The fixture scenario's posts. Like Prometheus: firing alerts carry startsAt (kept for the alert's life)
 * and no endsAt; a resolved alert is the same alert with endsAt in the past.
 */
export function fixtureAlertSequence(clock: () => number = Date.now): AlertSequence {
  const startedAt = new Map<FixtureAlertName, string>();
  const firing = (name: FixtureAlertName): PostableAlert => {
    // Now, as in the capture: an alert that started more than group_wait ago is flushed at once, skipping group_wait.
    const startsAt = startedAt.get(name) ?? new Date(clock()).toISOString();
    startedAt.set(name, startsAt);
    return { ...FIXTURE_ALERTS[name], startsAt };
  };
  const resolved = (name: FixtureAlertName): PostableAlert => {
    const alert = firing(name);
    const startsMs = Date.parse(alert.startsAt ?? '');
    // Whole seconds, like the fixtures, but never before startsAt.
    const endsMs = Math.max(Math.floor(clock() / 1000) * 1000 - 1000, startsMs + 1);
    return { ...alert, endsAt: new Date(endsMs).toISOString() };
  };
  const A = FIXTURE_ALERTS.checkoutA.labels.instance;
  const B = FIXTURE_ALERTS.checkoutB.labels.instance;
  const D = FIXTURE_ALERTS.disk.labels.instance;
  return {
    step(name) {
      switch (name) {
        case 'checkout-first-firing':
          return { name, alerts: [firing('checkoutA')], expect: [checkout('firing', [A], [])] };
        case 'checkout-grows-and-disk-firing':
          return { name, alerts: [firing('checkoutA'), firing('checkoutB'), firing('disk')], expect: [checkout('firing', [A, B], []), disk('firing', [D], [])] };
        case 'checkout-one-resolved':
          return { name, alerts: [resolved('checkoutB')], expect: [checkout('firing', [A], [B])] };
        case 'all-resolved':
          // checkoutB's resolution was already notified, so Alertmanager dropped it from the group: not re-sent.
          return { name, alerts: [resolved('checkoutA'), resolved('disk')], expect: [checkout('resolved', [], [A]), disk('resolved', [], [D])] };
        default:
          return assertNever(name);
      }
    },
  };
}

function checkout(status: NotificationState['status'], firing: string[], resolved: string[]): NotificationState {
  return { alertname: 'HighErrorRate', status, firing, resolved };
}

function disk(status: NotificationState['status'], firing: string[], resolved: string[]): NotificationState {
  return { alertname: 'DiskFilling', status, firing, resolved };
}

function assertNever(x: never): never {
  throw new Error(`unknown step ${String(x)}`);
}
