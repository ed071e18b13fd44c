import { stringify } from 'yaml';

/** Route timings, as Alertmanager duration strings. Defaults are the ones the fixtures were captured with. */
export interface RouteTimings {
  readonly groupWait: string;
  readonly groupInterval: string;
  readonly repeatInterval: string;
}

export const FIXTURE_TIMINGS: RouteTimings = { groupWait: '1s', groupInterval: '3s', repeatInterval: '12s' };

/** A child route of the root (Alertmanager `routes:`); its group keys carry the route path. */
export interface SubRoute {
  readonly matchers: readonly string[];
  readonly groupBy: readonly string[];
}

export interface AlertmanagerConfigInput {
  readonly webhookUrl: string;
  readonly bearerToken: string;
  readonly timings: RouteTimings;
  /** Child routes to the same `bridge` receiver; none by default. */
  readonly subRoutes?: readonly SubRoute[];
}

/** The fixture's alertmanager.yml with the webhook URL and Bearer credentials filled in. */
export function renderAlertmanagerConfig(input: AlertmanagerConfigInput): string {
  return stringify({
    global: { resolve_timeout: '5m' },
    route: {
      receiver: 'bridge',
      group_by: ['alertname', 'cluster'],
      group_wait: input.timings.groupWait,
      group_interval: input.timings.groupInterval,
      repeat_interval: input.timings.repeatInterval,
      ...(input.subRoutes && input.subRoutes.length > 0
        ? { routes: input.subRoutes.map((r) => ({ receiver: 'bridge', matchers: [...r.matchers], group_by: [...r.groupBy] })) }
        : {}),
    },
    receivers: [
      {
        name: 'bridge',
        webhook_configs: [
          {
            url: input.webhookUrl,
            send_resolved: true,
            max_alerts: 0,
            http_config: { authorization: { type: 'Bearer', credentials: input.bearerToken } },
          },
        ],
      },
    ],
  });
}
