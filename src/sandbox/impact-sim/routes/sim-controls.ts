/**
 * `/_sim/` routes of the Impact simulator beyond faults, calls and clock (../../shared/sim-controls): hold and
 * release webhooks (in any order, to test out-of-order arrival), wait until none is in flight, list them, and
 * seed the people Impact knows. Guarded like every `/_sim/` route (loopback only, or SIM_CONTROL_TOKEN).
 */
import type { Hono } from 'hono';
import { z } from 'zod';
import { controlBody, registerSimIndex, SIM_PREFIX, SimControlError } from '../../shared/sim-controls';
import type { AdminFromJson } from '../admin';
import type { ImpactSimEnv } from '../http';
import type { ImpactStore } from '../store';
import type { WebhookDelivery, WebhookDispatcher } from '../webhooks';

export interface SimControlRouteDeps {
  readonly store: ImpactStore;
  readonly admin: AdminFromJson;
  readonly webhooks: WebhookDispatcher;
}

const resumeSchema = z.strictObject({
  /** `fifo` (default): as queued; `reverse`: newest first; or the held deliveries' seqs to send first, in order. */
  order: z.union([z.enum(['fifo', 'reverse']), z.array(z.number().int().positive()).min(1)]).optional(),
});

function summary(d: WebhookDelivery) {
  return { seq: d.seq, event_id: d.eventId, event: d.event, incident_id: d.incidentId, origin: d.body.origin, state: d.state, attempts: d.attempts };
}

export function registerSimControlRoutes(app: Hono<ImpactSimEnv>, deps: SimControlRouteDeps): void {
  const { store, admin, webhooks } = deps;
  const status = () => ({ paused: webhooks.isPaused(), target: webhooks.target() ?? null, held: webhooks.held().map(summary), deliveries: webhooks.deliveries().map(summary) });

  app.get(`${SIM_PREFIX}/webhooks`, (c) => c.json(status()));
  app.post(`${SIM_PREFIX}/webhooks/pause`, (c) => {
    webhooks.pause();
    return c.json(status());
  });
  app.post(`${SIM_PREFIX}/webhooks/resume`, async (c) => {
    const text = await c.req.text();
    const input = text.trim().length === 0 ? {} : await controlBody({ req: { json: async () => JSON.parse(text) as unknown } }, resumeSchema);
    const order = input.order;
    try {
      if (Array.isArray(order)) webhooks.resume({ order });
      else webhooks.resume({ reverse: order === 'reverse' });
    } catch (error) {
      throw new SimControlError(400, error instanceof Error ? error.message : String(error));
    }
    return c.json(status());
  });
  /** Answers once no delivery is in flight (held ones stay held while paused). */
  app.post(`${SIM_PREFIX}/webhooks/settle`, async (c) => {
    await webhooks.settle();
    return c.json(status());
  });

  app.get(`${SIM_PREFIX}/users`, (c) => c.json({ users: store.listUsers() }));
  app.post(`${SIM_PREFIX}/users`, async (c) => {
    const raw = await controlBody(c, z.unknown());
    return c.json({ user: admin.addUser(raw) }, 201);
  });

  registerSimIndex(app, 'impact-sim', [
    'GET /_sim/webhooks', 'POST /_sim/webhooks/pause', 'POST /_sim/webhooks/resume', 'POST /_sim/webhooks/settle',
    'GET /_sim/users', 'POST /_sim/users',
  ]);
}
