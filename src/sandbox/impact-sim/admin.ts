/**
 * What a person does in Impact's UI, as functions (tests, the sandbox) and behind `/admin/*` (HTTP).
 * Inputs are checked with the admin schemas; failures are `ImpactApiFailure`s (422, 404, 409).
 */
import type { ImpactUser } from '../../shared/impact';
import {
  adminCreateIncidentSchema,
  adminKeyEventSchema,
  adminUpdateIncidentSchema,
  adminUserSchema,
  DEFAULT_ADMIN_USER,
  originOf,
  type AdminCreateIncidentInput,
  type AdminKeyEventInput,
  type AdminUpdateIncidentInput,
} from './admin-schemas';
import { ImpactApiFailure, notFound, parseOrFail } from './errors';
import type { ChangeResult, IncidentOps } from './ops';
import type { ImpactStore } from './store';

export interface ImpactAdmin {
  /** Creates an incident and fires `incident.created`. */
  createIncident(input: AdminCreateIncidentInput): ChangeResult;
  /** Changes fields and fires `incident.updated` with previous values; no-op (eventId null) when nothing differs. */
  updateIncident(id: string, input: AdminUpdateIncidentInput): ChangeResult;
  /** Sets one key event and fires `incident.key_events_updated`; no-op when identical. */
  addKeyEvent(id: string, input: AdminKeyEventInput): ChangeResult;
  /** Registers (or renames) a person, so the API can name them as commander by email. */
  addUser(user: ImpactUser): ImpactUser;
}

/** The same operations taking unchecked JSON (the HTTP routes); every input is parsed before use. */
export interface AdminFromJson {
  createIncident(input: unknown): ChangeResult;
  updateIncident(id: string, input: unknown): ChangeResult;
  addKeyEvent(id: string, input: unknown): ChangeResult;
  addUser(user: unknown): ImpactUser;
}

/** One implementation serves both views: a function of `unknown` is a valid function of a typed input. */
export function createAdmin(store: ImpactStore, ops: IncidentOps, now: () => number): ImpactAdmin & AdminFromJson {
  return {
    createIncident(input) {
      const { actor, ...fields } = parseOrFail(adminCreateIncidentSchema, input, 'incident');
      if (fields.id !== undefined && store.has(fields.id)) throw new ImpactApiFailure('conflict', `incident ${fields.id} already exists`);
      if (actor && actor !== 'system') store.upsertUser(actor);
      return ops.create(fields, originOf(actor, DEFAULT_ADMIN_USER));
    },
    updateIncident(id, input) {
      const { actor, ...patch } = parseOrFail(adminUpdateIncidentSchema, input, 'incident change');
      if (!store.has(id)) throw notFound(id);
      if (actor && actor !== 'system') store.upsertUser(actor);
      return ops.update(id, patch, originOf(actor, DEFAULT_ADMIN_USER), null);
    },
    addKeyEvent(id, input) {
      const { actor, kind, time, message } = parseOrFail(adminKeyEventSchema, input, 'key event');
      if (!store.has(id)) throw notFound(id);
      if (actor && actor !== 'system') store.upsertUser(actor);
      return ops.setKeyEvent(id, { kind, time: time ?? new Date(now()).toISOString(), message }, originOf(actor, 'system'));
    },
    addUser(user) {
      const parsed = parseOrFail(adminUserSchema, user, 'user');
      store.upsertUser(parsed);
      return parsed;
    },
  };
}
