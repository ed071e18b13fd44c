import { alertmanagerWebhookSchema, type AlertmanagerWebhook } from '../../../src/shared/alertmanager-webhook';
import type { NotificationState } from './alert-sequence';

/** The group/status/instances a webhook body reports (the body must be a valid version-4 webhook). */
export function notificationState(body: unknown): NotificationState {
  const webhook: AlertmanagerWebhook = alertmanagerWebhookSchema.parse(body);
  const instances = (status: 'firing' | 'resolved'): string[] =>
    webhook.alerts
      .filter((a) => a.status === status)
      .map((a) => a.labels.instance ?? a.fingerprint)
      .sort();
  return { alertname: webhook.groupLabels.alertname ?? webhook.groupKey, status: webhook.status, firing: instances('firing'), resolved: instances('resolved') };
}

/** A stable string for comparing and counting states, e.g. `HighErrorRate firing [a,b] resolved [c]`. */
export function stateKey(state: NotificationState): string {
  return `${state.alertname} ${state.status} firing [${state.firing.join(',')}] resolved [${state.resolved.join(',')}]`;
}

/** One group's states in order, with consecutive repeats (repeat_interval, HA replicas) folded. */
export function progression(bodies: readonly unknown[], alertname: string): string[] {
  const keys = bodies.map(notificationState).filter((s) => s.alertname === alertname).map(stateKey);
  return keys.filter((key, i) => i === 0 || keys[i - 1] !== key);
}

/** A body with the times that differ between runs masked, for comparing against the captured fixtures. */
export function withoutTimes(body: unknown): unknown {
  const webhook = alertmanagerWebhookSchema.parse(body);
  return {
    ...webhook,
    alerts: webhook.alerts.map((a) => ({ ...a, startsAt: '<time>', endsAt: a.endsAt.startsWith('0001-') ? a.endsAt : '<time>' })),
  };
}
