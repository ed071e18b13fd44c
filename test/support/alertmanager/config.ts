import { stringify } from 'yaml';

/** Route timings, as Alertmanager duration strings. Defaults are the ones the fixtures were captured with. */
export interface RouteTimings {
  readonly groupWait: string;
  readonly groupInterval: string;
  readonly repeatInterval: string;
}

export const FIXTURE_TIMINGS: RouteTimings = { groupWait: '1s', groupInterval: '3s', repeatInterval: '12s' };

export interface AlertmanagerConfigInput {
  readonly webhookUrl: string;
  readonly bearerToken: string;
  readonly timings: RouteTimings;
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
