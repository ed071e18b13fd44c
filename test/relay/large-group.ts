import { createHash, randomBytes } from 'node:crypto';

/**
 * An Alertmanager 0.25 webhook body for one group of `alerts` alerts, in the shape (and Go's compact
 * encoding) of the captured fixtures in shared/fixtures/alertmanager: per alert, the group's labels plus
 * instance and pod, three annotations, nanosecond startsAt, generatorURL with a PromQL expression and a
 * 16-hex-digit fingerprint. Issue 14 measured a real 400-alert group at ~275 KB; this one is ~240 KB.
 */
export function alertmanagerGroup(alerts: number, options: { status?: 'firing' | 'resolved'; seed?: string } = {}): string {
  const status = options.status ?? 'firing';
  const seed = options.seed ?? randomBytes(3).toString('hex');
  const list = Array.from({ length: alerts }, (_, i) => {
    // Real fingerprints are hashes of the label set: as incompressible as these.
    const hash = createHash('sha256').update(`${seed}/${i}`).digest('hex');
    const fingerprint = hash.slice(0, 16);
    return {
      status,
      labels: { alertname: 'HighErrorRate', cluster: 'prod-eu', instance: `checkout-${fingerprint.slice(0, 4)}-${i}:8080`, pod: `checkout-${hash.slice(16, 26)}-${hash.slice(26, 31)}`, service: 'checkout', severity: 'critical', team: 'payments' },
      annotations: { description: `Error ratio 0.${String(parseInt(hash.slice(31, 35), 16) % 1000).padStart(3, '0')} over 5m`, runbook_url: 'https://runbooks.example.com/checkout/5xx', summary: '5xx rate above 5% on checkout' },
      startsAt: `2026-11-23T06:${String(10 + Math.floor(i / 60) % 50).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}.${String(parseInt(hash.slice(35, 43), 16) % 1e9).padStart(9, '0')}Z`,
      endsAt: status === 'firing' ? '0001-01-01T00:00:00Z' : '2026-11-23T07:30:00.000000001Z',
      generatorURL: 'http://prometheus.example.com/graph?g0.expr=rate%28http_requests_total%7Bcode%3D~%225..%22%7D%5B5m%5D%29&g0.tab=1',
      fingerprint,
    };
  });
  return JSON.stringify({
    receiver: 'bridge',
    status,
    alerts: list,
    groupLabels: { alertname: 'HighErrorRate', cluster: 'prod-eu' },
    commonLabels: { alertname: 'HighErrorRate', cluster: 'prod-eu', service: 'checkout', severity: 'critical', team: 'payments' },
    commonAnnotations: { summary: '5xx rate above 5% on checkout' },
    externalURL: 'http://alertmanager.example.com:9093',
    version: '4',
    groupKey: `{}/{severity=~"critical|warning"}:{alertname="HighErrorRate", cluster="prod-eu", seed="${seed}"}`,
    truncatedAlerts: 0,
  });
}

/** A schema-valid group whose annotations are random printable text: it barely compresses. */
export function incompressibleGroup(bytes: number): string {
  const perAlert = 60_000;
  const alerts = Math.ceil(bytes / perAlert);
  const body = JSON.parse(alertmanagerGroup(alerts)) as { alerts: { annotations: Record<string, string> }[] };
  for (const alert of body.alerts) alert.annotations['noise'] = randomBytes(perAlert * 0.75).toString('base64');
  return JSON.stringify(body);
}
