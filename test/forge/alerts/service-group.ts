import { storedRuleSchema, type Rule } from '../../../src/forge/domain/alerts';
/**
 * One Alertmanager notification of a per-service group with one critical alert (`svc-<group> is down`), as the
 * storm-guard tests send them: many distinct groups of one alert name, each its own problem.
 */
export interface ServiceGroupOptions {
  readonly alertname: string;
  readonly group: number;
  /** The first fingerprint's number; group g's alert has fingerprintBase + g (16 hex digits). */
  readonly fingerprintBase: number;
  readonly startsAt: string;
  readonly status?: 'firing' | 'resolved';
  readonly generatorURL?: string;
}

export function serviceGroupNotification(o: ServiceGroupOptions): Record<string, unknown> {
  const status = o.status ?? 'firing';
  const groupLabels = { alertname: o.alertname, service: `svc-${o.group}` };
  return {
    version: '4',
    groupKey: `{}:{alertname="${o.alertname}", service="svc-${o.group}"}`,
    truncatedAlerts: 0,
    status,
    receiver: 'jira',
    groupLabels,
    commonLabels: groupLabels,
    commonAnnotations: {},
    externalURL: 'http://alertmanager:9093',
    alerts: [
      {
        status,
        labels: { ...groupLabels, severity: 'critical' },
        annotations: { summary: `svc-${o.group} is down` },
        startsAt: o.startsAt,
        // A resolved alert ends 10 minutes after it started.
        endsAt: status === 'firing' ? '0001-01-01T00:00:00Z' : new Date(Date.parse(o.startsAt) + 600_000).toISOString(),
        generatorURL: o.generatorURL ?? '',
        fingerprint: (o.fingerprintBase + o.group).toString(16).padStart(16, '0'),
      },
    ],
  };
}

/** The "Host storm" rule of the host-level storm tests: at most one new issue per hour, resolve = comment + done. */
export function hostStormRule(): Rule {
  return storedRuleSchema.parse({
    id: 'host-storm',
    name: 'Host storm',
    order: 10,
    target: { projectKey: 'OPS', issueType: 'Incident' },
    matchers: ['alertname="HostStorm"'],
    resolve: { policy: 'comment-and-transition', transition: { by: 'statusCategory', category: 'done' } },
    stormGuard: { maxNewIssues: 1, windowMinutes: 60 },
  });
}
