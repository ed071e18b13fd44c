/**
 * Notes over HTTP: the contract's API (§2.2: list, create, read, edit, delete, with If-Match and ETag) and
 * the simulator-only admin routes where a person writes, edits and deletes notes.
 */
import type { Context, Hono } from 'hono';
import { z } from 'zod';
import {
  IMPACT_CONTRACT_VERSION,
  ImpactApiRoutes,
  listNotesResponseSchema,
  noteMessageSchema,
  noteResponseSchema,
  originMarkerSchema,
  postNoteRequestSchema,
  updateNoteRequestSchema,
} from '../../../shared/impact';
import { adminActorSchema } from '../admin-schemas';
import { invalidRequest, parseOrFail } from '../errors';
import { ImpactAdminRoutes, readJson, type ImpactSimEnv } from '../http';
import type { NoteBook, NoteChange } from '../notes';
import { readIfMatch, setEtag } from '../versioning';
import type { WebhookDispatcher } from '../webhooks';
import { writerOfActor, type Writer } from '../writers';
import { incidentId } from './api';

const adminNoteSchema = z.object({ message: noteMessageSchema, actor: adminActorSchema.optional() }).strict();
const adminDeleteSchema = z.object({ actor: adminActorSchema.optional() }).strict();

function apiWriter(c: Context<ImpactSimEnv>, marker: string): Writer {
  return { kind: 'api', client: c.get('client').client, marker };
}

/** DELETE carries its origin marker in the query (`?origin=`), as a DELETE has no body. */
function originFromQuery(c: Context<ImpactSimEnv>): string {
  const raw = c.req.query('origin');
  const parsed = originMarkerSchema.safeParse(raw);
  if (!parsed.success) throw invalidRequest('origin query parameter is required', [{ path: 'query.origin', message: raw === undefined ? 'missing' : (parsed.error.issues[0]?.message ?? 'invalid') }]);
  return parsed.data;
}

export function registerNoteRoutes(app: Hono<ImpactSimEnv>, deps: { readonly notes: NoteBook; readonly webhooks: WebhookDispatcher }): void {
  const { notes, webhooks } = deps;
  const one = (c: Context<ImpactSimEnv>, change: NoteChange, status: 200 | 201) => {
    setEtag(c, change.note.version);
    return c.json(noteResponseSchema.parse({ contract_version: IMPACT_CONTRACT_VERSION, note: change.note }), status);
  };

  app.get(ImpactApiRoutes.notes, (c) => {
    const id = incidentId(c.req.param('id'));
    return c.json(listNotesResponseSchema.parse({ contract_version: IMPACT_CONTRACT_VERSION, notes: notes.list(id) }), 200);
  });
  app.post(ImpactApiRoutes.notes, async (c) => {
    const id = incidentId(c.req.param('id'));
    const body = parseOrFail(postNoteRequestSchema, await readJson(c), 'note');
    const change = notes.create(id, { message: body.message, external_id: body.external_id }, apiWriter(c, body.origin));
    return one(c, change, change.changed ? 201 : 200);
  });
  app.get(ImpactApiRoutes.note, (c) => {
    const note = notes.get(incidentId(c.req.param('id')), c.req.param('noteId'));
    setEtag(c, note.version);
    return c.json(noteResponseSchema.parse({ contract_version: IMPACT_CONTRACT_VERSION, note }), 200);
  });
  app.patch(ImpactApiRoutes.note, async (c) => {
    const id = incidentId(c.req.param('id'));
    const ifMatch = readIfMatch(c);
    const body = parseOrFail(updateNoteRequestSchema, await readJson(c), 'note change');
    return one(c, notes.edit(id, c.req.param('noteId'), body.message, apiWriter(c, body.origin), ifMatch), 200);
  });
  app.delete(ImpactApiRoutes.note, (c) => {
    const id = incidentId(c.req.param('id'));
    const ifMatch = readIfMatch(c);
    notes.remove(id, c.req.param('noteId'), apiWriter(c, originFromQuery(c)), ifMatch);
    return c.body(null, 204);
  });

  // Admin (a person in Impact's UI); `?wait=true` answers after the webhook delivery settled.
  const respond = async (c: Context<ImpactSimEnv>, change: NoteChange, status: 200 | 201) => {
    const delivery = change.delivery && c.req.query('wait') === 'true' ? await webhooks.waitFor(change.delivery.seq) : change.delivery;
    return c.json({ note: change.note, event_id: change.eventId, delivery: delivery ? { seq: delivery.seq, state: delivery.state } : null }, status);
  };
  app.post(ImpactAdminRoutes.notes, async (c) => {
    const { message, actor } = parseOrFail(adminNoteSchema, await readJson(c), 'note');
    return respond(c, notes.create(c.req.param('id'), { message }, writerOfActor(actor)), 201);
  });
  app.patch(ImpactAdminRoutes.note, async (c) => {
    const { message, actor } = parseOrFail(adminNoteSchema, await readJson(c), 'note');
    return respond(c, notes.edit(c.req.param('id'), c.req.param('noteId'), message, writerOfActor(actor)), 200);
  });
  app.delete(ImpactAdminRoutes.note, async (c) => {
    // The body (naming the actor) is optional on DELETE; without a content type there is none.
    const hasBody = c.req.header('content-type') !== undefined;
    const { actor } = hasBody ? parseOrFail(adminDeleteSchema, await readJson(c), 'note deletion') : { actor: undefined };
    return respond(c, notes.remove(c.req.param('id'), c.req.param('noteId'), writerOfActor(actor)), 200);
  });
}
