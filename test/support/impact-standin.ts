import { createHmac } from 'node:crypto';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { AddressInfo } from 'node:net';
import {
  IMPACT_CONTRACT_VERSION,
  IMPACT_SIGNATURE_HEADER,
  IMPACT_TIMESTAMP_HEADER,
  ImpactApiRoutes,
  impactSignedPayload,
  postNoteRequestSchema,
  updateIncidentRequestSchema,
  type ImpactIncident,
  type ImpactOrigin,
  type ImpactStatus,
  type ImpactUser,
  type ImpactWebhook,
  type KeyEvent,
} from '../../src/shared/impact';

/**
 * A minimal Impact for end-to-end tests until src/sandbox/impact-sim lands: the contract's API (GET/PATCH
 * incident, POST notes, Bearer auth) over real HTTP, and signed webhooks to the relay for every change.
 * `calls` logs every API request; `webhooks` every webhook sent.
 */
export interface ImpactStandIn {
  readonly url: string;
  readonly token: string;
  readonly calls: { method: string; path: string; body: unknown }[];
  readonly webhooks: ImpactWebhook[];
  readonly incidents: Map<string, ImpactIncident>;
  create(partial: Partial<ImpactIncident> & { id: string; title: string }): Promise<ImpactIncident>;
  /** A person changes the incident in Impact's UI. */
  update(id: string, changes: Partial<Pick<ImpactIncident, 'status' | 'priority' | 'commander' | 'title'>>): Promise<ImpactIncident>;
  addKeyEvent(id: string, event: KeyEvent): Promise<ImpactIncident>;
  /** Sends a webhook as it was (for replays). */
  resend(webhook: ImpactWebhook): Promise<void>;
  close(): Promise<void>;
}

const HUMAN: ImpactOrigin = { type: 'user', user: { email: 'ic@example.com', name: 'Incident Person' }, marker: null };

export async function startImpactStandIn(options: { relayUrl: string; secret: string; now?: () => number }): Promise<ImpactStandIn> {
  const token = 'impact-test-token';
  const now = options.now ?? Date.now;
  const iso = () => new Date(now()).toISOString();
  const incidents = new Map<string, ImpactIncident>();
  const calls: ImpactStandIn['calls'] = [];
  const webhooks: ImpactWebhook[] = [];
  let seq = 0;

  async function send(webhook: ImpactWebhook): Promise<void> {
    const raw = JSON.stringify(webhook);
    const ts = Math.floor(now() / 1000);
    const signature = createHmac('sha256', options.secret).update(impactSignedPayload(ts, raw)).digest('hex');
    const response = await fetch(`${options.relayUrl}/v1/impact`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [IMPACT_TIMESTAMP_HEADER]: String(ts), [IMPACT_SIGNATURE_HEADER]: `sha256=${signature}` },
      body: raw,
    });
    if (response.status >= 300) throw new Error(`relay refused the webhook: ${response.status} ${await response.text()}`);
  }

  async function change(
    id: string,
    apply: (i: ImpactIncident) => ImpactIncident,
    origin: ImpactOrigin,
    event: ImpactWebhook['event'] = 'incident.updated',
  ): Promise<ImpactIncident> {
    const before = incidents.get(id);
    if (!before) throw new Error(`no incident ${id}`);
    const after0 = apply(before);
    const updated: Record<string, { previous: unknown }> = {};
    for (const field of ['title', 'status', 'priority', 'commander', 'key_events'] as const) {
      if (JSON.stringify(before[field]) !== JSON.stringify(after0[field])) updated[field] = { previous: before[field] };
    }
    if (Object.keys(updated).length === 0) return before;
    const at = iso();
    const after: ImpactIncident = {
      ...after0,
      updated_at: at,
      status_history: after0.status !== before.status ? [...before.status_history, { status: after0.status, at }] : before.status_history,
    };
    incidents.set(id, after);
    const webhook = { contract_version: IMPACT_CONTRACT_VERSION, event_id: `evt-${id}-${++seq}`, event, occurred_at: at, origin, updated_fields: updated, incident: after } as ImpactWebhook;
    webhooks.push(webhook);
    await send(webhook);
    return after;
  }

  const app = new Hono();
  app.use('*', async (c, next) => {
    if (c.req.header('authorization') !== `Bearer ${token}`) return c.json({ error: { code: 'unauthorized', message: 'bad token' } }, 401);
    return next();
  });
  app.get(ImpactApiRoutes.incident, (c) => {
    calls.push({ method: 'GET', path: c.req.path, body: null });
    const incident = incidents.get(c.req.param('id'));
    return incident ? c.json({ contract_version: 1, incident }) : c.json({ error: { code: 'not_found', message: 'no such incident' } }, 404);
  });
  app.patch(ImpactApiRoutes.incident, async (c) => {
    const body: unknown = await c.req.json();
    calls.push({ method: 'PATCH', path: c.req.path, body });
    const parsed = updateIncidentRequestSchema.safeParse(body);
    if (!parsed.success) return c.json({ error: { code: 'invalid_request', message: parsed.error.message } }, 422);
    const id = c.req.param('id');
    if (!incidents.has(id)) return c.json({ error: { code: 'not_found', message: 'no such incident' } }, 404);
    const { changes, origin } = parsed.data;
    const commander = (email: string): ImpactUser => ({ email, name: email.split('@')[0] ?? email });
    const incident = await change(
      id,
      (i) => ({
        ...i,
        ...(changes.status ? { status: changes.status } : {}),
        ...(changes.priority ? { priority: changes.priority } : {}),
        ...(changes.title ? { title: changes.title } : {}),
        ...(changes.commander !== undefined ? { commander: changes.commander ? commander(changes.commander.email) : null } : {}),
      }),
      { type: 'api', client: 'incident-bridge', marker: origin },
    );
    return c.json({ contract_version: 1, incident });
  });
  app.post(ImpactApiRoutes.notes, async (c) => {
    const body: unknown = await c.req.json();
    calls.push({ method: 'POST', path: c.req.path, body });
    const parsed = postNoteRequestSchema.safeParse(body);
    if (!parsed.success) return c.json({ error: { code: 'invalid_request', message: parsed.error.message } }, 422);
    return c.json({ note: { id: `note-${++seq}`, incident_id: c.req.param('id'), message: parsed.data.message, origin: parsed.data.origin, created_at: iso() } }, 201);
  });

  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    token,
    calls,
    webhooks,
    incidents,
    async create(partial) {
      const at = iso();
      const status: ImpactStatus = partial.status ?? 'OPEN';
      const incident: ImpactIncident = {
        description: '',
        priority: 3,
        commander: null,
        environments: [],
        platform: null,
        business_impact: null,
        custom_ids: {},
        key_events: [],
        url: `https://impact.example.com/incidents/${partial.id}`,
        ...partial,
        status,
        status_history: [{ status, at }],
        created_at: at,
        updated_at: at,
      };
      incidents.set(incident.id, incident);
      const webhook: ImpactWebhook = { contract_version: 1, event_id: `evt-${incident.id}-${++seq}`, event: 'incident.created', occurred_at: at, origin: HUMAN, updated_fields: {}, incident };
      webhooks.push(webhook);
      await send(webhook);
      return incident;
    },
    update: (id, changes) => change(id, (i) => ({ ...i, ...changes }), HUMAN),
    addKeyEvent: (id, event) => change(id, (i) => ({ ...i, key_events: [...i.key_events, event] }), { type: 'system', marker: null }, 'incident.key_events_updated'),
    resend: send,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
