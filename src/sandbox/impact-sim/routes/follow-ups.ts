/**
 * Follow-ups over HTTP: the contract's API (§2.3: list, read, change with If-Match and ETag) and the
 * simulator-only admin routes where a person creates, edits and deletes them.
 */
import type { Context, Hono } from 'hono';
import { z } from 'zod';
import {
  followUpResponseSchema,
  followUpSchema,
  followUpStatusSchema,
  IMPACT_CONTRACT_VERSION,
  ImpactApiRoutes,
  impactUserSchema,
  listFollowUpsResponseSchema,
  updateFollowUpRequestSchema,
} from '../../../shared/impact';
import { adminActorSchema } from '../admin-schemas';
import { parseOrFail } from '../errors';
import type { FollowUpBoard, FollowUpChange, FollowUpPatch } from '../follow-ups';
import { ImpactAdminRoutes, readJson, type ImpactSimEnv } from '../http';
import type { ImpactStore } from '../store';
import { readIfMatch, setEtag } from '../versioning';
import type { WebhookDispatcher } from '../webhooks';
import { writerOfActor } from '../writers';
import { commanderByEmail, incidentId } from './api';

const shape = followUpSchema.shape;
const adminCreateFollowUpSchema = z
  .object({
    title: shape.title,
    description: shape.description.default(''),
    status: followUpStatusSchema.default('OPEN'),
    assignee: impactUserSchema.nullable().default(null),
    actor: adminActorSchema.optional(),
  })
  .strict();
const adminUpdateFollowUpSchema = z
  .object({ title: shape.title, description: shape.description, status: followUpStatusSchema, assignee: impactUserSchema.nullable(), actor: adminActorSchema })
  .partial()
  .strict()
  .refine((body) => Object.keys(body).some((k) => k !== 'actor'), 'name at least one field to change');
const adminDeleteSchema = z.object({ actor: adminActorSchema.optional() }).strict();

export interface FollowUpRouteDeps {
  readonly followUps: FollowUpBoard;
  readonly store: ImpactStore;
  readonly webhooks: WebhookDispatcher;
}

export function registerFollowUpRoutes(app: Hono<ImpactSimEnv>, deps: FollowUpRouteDeps): void {
  const { followUps, store, webhooks } = deps;

  app.get(ImpactApiRoutes.followUps, (c) => {
    const id = incidentId(c.req.param('id'));
    return c.json(listFollowUpsResponseSchema.parse({ contract_version: IMPACT_CONTRACT_VERSION, follow_ups: followUps.list(id) }), 200);
  });
  app.get(ImpactApiRoutes.followUp, (c) => {
    const followUp = followUps.get(incidentId(c.req.param('id')), c.req.param('followUpId'));
    setEtag(c, followUp.version);
    return c.json(followUpResponseSchema.parse({ contract_version: IMPACT_CONTRACT_VERSION, follow_up: followUp }), 200);
  });
  app.patch(ImpactApiRoutes.followUp, async (c) => {
    const id = incidentId(c.req.param('id'));
    const ifMatch = readIfMatch(c);
    const { origin, changes } = parseOrFail(updateFollowUpRequestSchema, await readJson(c), 'follow-up change');
    const patch: FollowUpPatch = {
      ...(changes.title !== undefined ? { title: changes.title } : {}),
      ...(changes.description !== undefined ? { description: changes.description } : {}),
      ...(changes.status !== undefined ? { status: changes.status } : {}),
      ...(changes.external_issue !== undefined ? { external_issue: changes.external_issue } : {}),
      ...(changes.assignee !== undefined
        ? { assignee: changes.assignee === null ? null : commanderByEmail(store, changes.assignee.email, 'changes.assignee.email', 'assignee') }
        : {}),
    };
    const change = followUps.update(id, c.req.param('followUpId'), patch, { kind: 'api', client: c.get('client').client, marker: origin }, ifMatch);
    setEtag(c, change.followUp.version);
    return c.json(followUpResponseSchema.parse({ contract_version: IMPACT_CONTRACT_VERSION, follow_up: change.followUp }), 200);
  });

  // Admin (a person in Impact's UI); `?wait=true` answers after the webhook delivery settled.
  const respond = async (c: Context<ImpactSimEnv>, change: FollowUpChange, status: 200 | 201) => {
    const delivery = change.delivery && c.req.query('wait') === 'true' ? await webhooks.waitFor(change.delivery.seq) : change.delivery;
    return c.json({ follow_up: change.followUp, event_id: change.eventId, delivery: delivery ? { seq: delivery.seq, state: delivery.state } : null }, status);
  };
  const register = (user: { email: string; name: string } | null | undefined) => {
    if (user) store.upsertUser(user);
  };
  app.post(ImpactAdminRoutes.followUps, async (c) => {
    const { actor, ...input } = parseOrFail(adminCreateFollowUpSchema, await readJson(c), 'follow-up');
    register(input.assignee);
    return respond(c, followUps.create(c.req.param('id'), input, writerOfActor(actor)), 201);
  });
  app.patch(ImpactAdminRoutes.followUp, async (c) => {
    const { actor, ...patch } = parseOrFail(adminUpdateFollowUpSchema, await readJson(c), 'follow-up change');
    register(patch.assignee);
    return respond(c, followUps.update(c.req.param('id'), c.req.param('followUpId'), patch, writerOfActor(actor)), 200);
  });
  app.delete(ImpactAdminRoutes.followUp, async (c) => {
    // The body (naming the actor) is optional on DELETE; without a content type there is none.
    const hasBody = c.req.header('content-type') !== undefined;
    const { actor } = hasBody ? parseOrFail(adminDeleteSchema, await readJson(c), 'follow-up deletion') : { actor: undefined };
    return respond(c, followUps.remove(c.req.param('id'), c.req.param('followUpId'), writerOfActor(actor)), 200);
  });
}
