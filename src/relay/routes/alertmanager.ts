import type { Handler } from 'hono';
import { alertmanagerWebhookSchema } from '../../shared/alertmanager-webhook';
import { createBearerCheck } from '../auth/bearer';
import { hash } from 'node:crypto';
import { parseJsonBody, readRawBody, requireIdentityEncoding, requireJsonContentType } from '../http/read-body';
import type { RelayAppDeps, RelayEnv } from '../app-types';
import { parseBody } from './validate';
import { storeEvent } from './store';

/**
 * POST /v1/alertmanager. Alertmanager HA replicas and Alertmanager's own retries resend the same body
 * within seconds; a legitimate repeat notification only comes after repeat_interval, so equal bodies are
 * duplicates only inside the short dedup window.
 */
export function alertmanagerRoute(deps: RelayAppDeps): Handler<RelayEnv> {
  const checkBearer = createBearerCheck(deps.config.alertmanagerTokens);
  const windowMs = deps.config.dedupWindowSeconds * 1000;
  return async (c) => {
    c.set('source', 'alertmanager');
    const receivedMs = deps.clock();
    checkBearer(c.req.header('authorization'));
    requireJsonContentType(c.req.header('content-type'));
    requireIdentityEncoding(c.req.header('content-encoding'));
    const raw = await readRawBody(c.req.raw, deps.config.maxBodyBytes);
    const json = parseJsonBody(raw, deps.config.jsonLimits);
    const body = parseBody(alertmanagerWebhookSchema, json.value, 'Alertmanager webhook (version 4)');
    const answer = await storeEvent(deps, {
      source: 'alertmanager',
      receivedMs,
      groupKey: body.groupKey,
      bodyJson: json.text,
      // Replicas and retries resend the same bytes (Alertmanager's JSON encoding is deterministic).
      dedup: { key: hash('sha256', raw, 'base64url'), windowMs },
    });
    return c.json(answer, 202);
  };
}
