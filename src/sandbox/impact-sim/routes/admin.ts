/**
 * Simulator-only control surface (not in the contract): create and edit incidents and key events as a person
 * would, list incidents and webhook deliveries. `?wait=true` on a write answers only after its webhook
 * delivery settled, with the delivery's final state.
 */
import type { Context, Hono } from 'hono';
import type { AdminFromJson } from '../admin';
import type { FollowUpBoard } from '../follow-ups';
import type { NoteBook } from '../notes';
import { readJson, ImpactAdminRoutes, type ImpactSimEnv } from '../http';
import type { ChangeResult } from '../ops';
import type { ImpactStore } from '../store';
import type { WebhookDelivery, WebhookDispatcher } from '../webhooks';
import { notFound } from '../errors';

export interface AdminRouteDeps {
  readonly admin: AdminFromJson;
  readonly store: ImpactStore;
  readonly webhooks: WebhookDispatcher;
  readonly notes: NoteBook;
  readonly followUps: FollowUpBoard;
}

/** A delivery without its body (the list view); the body is in `sim.webhooks.deliveries()`. */
function summary(d: WebhookDelivery) {
  return { seq: d.seq, event_id: d.eventId, event: d.event, incident_id: d.incidentId, origin: d.body.origin, state: d.state, attempts: d.attempts };
}

export function registerAdminRoutes(app: Hono<ImpactSimEnv>, deps: AdminRouteDeps): void {
  const { admin, store, webhooks, notes, followUps } = deps;
  const respond = async (c: Context<ImpactSimEnv>, result: ChangeResult, status: 200 | 201) => {
    let delivery = result.delivery;
    if (delivery && c.req.query('wait') === 'true') delivery = await webhooks.waitFor(delivery.seq);
    return c.json({ incident: result.incident, event_id: result.eventId, delivery: delivery ? summary(delivery) : null }, status);
  };

  app.post(ImpactAdminRoutes.incidents, async (c) => respond(c, admin.createIncident(await readJson(c)), 201));
  app.get(ImpactAdminRoutes.incidents, (c) => c.json({ incidents: store.list() }, 200));
  app.get(ImpactAdminRoutes.incident, (c) => {
    const id = c.req.param('id');
    const incident = store.get(id);
    if (!incident) throw notFound(id);
    return c.json({ incident, notes: notes.list(id, { includeDeleted: true }), follow_ups: followUps.list(id, { includeDeleted: true }), updates: store.updatesOf(id) }, 200);
  });
  app.patch(ImpactAdminRoutes.incident, async (c) => respond(c, admin.updateIncident(c.req.param('id'), await readJson(c)), 200));
  app.post(ImpactAdminRoutes.keyEvents, async (c) => respond(c, admin.addKeyEvent(c.req.param('id'), await readJson(c)), 200));
  app.post(ImpactAdminRoutes.users, async (c) => c.json({ user: admin.addUser(await readJson(c)) }, 201));
  app.get(ImpactAdminRoutes.users, (c) => c.json({ users: store.listUsers() }, 200));
  app.get(ImpactAdminRoutes.webhooks, (c) => c.json({ target: webhooks.target() ?? null, events: webhooks.subscription(), deliveries: webhooks.deliveries().map(summary) }, 200));
  app.post(ImpactAdminRoutes.redeliver, (c) => {
    const eventId = c.req.param('eventId');
    if (!webhooks.deliveries((d) => d.eventId === eventId).length) throw notFound(eventId);
    return c.json({ delivery: summary(webhooks.redeliver(eventId)) }, 202);
  });
}
