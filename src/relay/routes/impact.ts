import type { Handler } from 'hono';
import { incidentGroupKey } from '../../shared/impact';
import { createImpactVerifier, IMPACT_SIGNATURE_HEADER, IMPACT_TIMESTAMP_HEADER } from '../auth/impact-signature';
import { parseJsonBody, readRawBody, requireIdentityEncoding, requireJsonContentType } from '../http/read-body';
import { anyImpactWebhookSchema } from '../schemas/impact-webhook';
import type { RelayAppDeps, RelayEnv } from '../app-types';
import { parseBody } from './validate';
import { storeEvent } from './store';

/**
 * POST /v1/impact: signature over the raw bytes first, then the contract's schema; one event per Impact
 * event_id. The stored body is the text as received, so fields a newer contract adds reach the app intact.
 */
export function impactRoute(deps: RelayAppDeps): Handler<RelayEnv> {
  const verify = createImpactVerifier(deps.config.impactSecrets, deps.config.impactToleranceSeconds);
  const retentionMs = deps.config.impactDedupRetentionSeconds * 1000;
  return async (c) => {
    c.set('source', 'impact');
    const receivedMs = deps.clock();
    requireJsonContentType(c.req.header('content-type'));
    requireIdentityEncoding(c.req.header('content-encoding'));
    const raw = await readRawBody(c.req.raw, deps.config.maxBodyBytes);
    verify({
      signature: c.req.header(IMPACT_SIGNATURE_HEADER),
      timestamp: c.req.header(IMPACT_TIMESTAMP_HEADER),
      rawBody: raw,
      nowSeconds: Math.floor(receivedMs / 1000),
    });
    const json = parseJsonBody(raw, deps.config.jsonLimits);
    // Every event the contract defines (incident, note and follow-up events), whatever the app consumes.
    const body = parseBody(anyImpactWebhookSchema, json.value, 'Impact webhook (contract v1)');
    const answer = await storeEvent(deps, {
      source: 'impact',
      receivedMs,
      groupKey: incidentGroupKey(body.incident.id),
      bodyJson: json.text,
      dedup: { key: body.event_id, windowMs: retentionMs },
    });
    return c.json(answer, 202);
  };
}
