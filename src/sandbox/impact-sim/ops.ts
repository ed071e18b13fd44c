/**
 * The three ways an incident changes (created, fields updated, key events updated), shared by the API and
 * the admin surface: apply to the store, record the update, and queue the signed webhook that reports it.
 */
import {
  IMPACT_CONTRACT_VERSION,
  type ImpactIncident,
  type ImpactOrigin,
  type ImpactWebhook,
  type KeyEvent,
} from '../../shared/impact';
import type { ImpactStore, IncidentPatch, NewIncident } from './store';
import type { WebhookDelivery, WebhookDispatcher } from './webhooks';
import { notFound } from './errors';

export interface ChangeResult {
  readonly incident: ImpactIncident;
  /** The webhook's event_id; null when the change was a no-op (no webhook fired). */
  readonly eventId: string | null;
  readonly delivery: WebhookDelivery | null;
}

export class IncidentOps {
  constructor(
    private readonly store: ImpactStore,
    private readonly webhooks: WebhookDispatcher,
    private readonly now: () => number,
  ) {}

  private iso(): string {
    return new Date(this.now()).toISOString();
  }

  create(input: Omit<NewIncident, 'id'> & { id?: string | undefined }, origin: ImpactOrigin): ChangeResult {
    const at = this.iso();
    const incident = this.store.create({ ...input, id: input.id ?? this.store.allocateId() }, at);
    return this.fire(incident, origin, at, null, { event: 'incident.created', updated_fields: {} });
  }

  update(id: string, patch: IncidentPatch, origin: ImpactOrigin, comment: string | null): ChangeResult {
    if (!this.store.has(id)) throw notFound(id);
    const at = this.iso();
    const change = this.store.apply(id, patch, at);
    if (!change) return { incident: this.require(id), eventId: null, delivery: null };
    return this.fire(change.after, origin, at, comment, { event: 'incident.updated', updated_fields: change.updatedFields });
  }

  /** Key events are one per kind (detected, started, recovered, …): setting a kind again moves it. */
  setKeyEvent(id: string, keyEvent: KeyEvent, origin: ImpactOrigin): ChangeResult {
    const current = this.store.get(id);
    if (!current) throw notFound(id);
    const exists = current.key_events.some((k) => k.kind === keyEvent.kind);
    const key_events = exists ? current.key_events.map((k) => (k.kind === keyEvent.kind ? keyEvent : k)) : [...current.key_events, keyEvent];
    const at = this.iso();
    const change = this.store.apply(id, { key_events }, at);
    if (!change?.updatedFields.key_events) return { incident: current, eventId: null, delivery: null };
    return this.fire(change.after, origin, at, null, {
      event: 'incident.key_events_updated',
      updated_fields: { key_events: change.updatedFields.key_events },
    });
  }

  private require(id: string): ImpactIncident {
    const incident = this.store.get(id);
    if (!incident) throw notFound(id);
    return incident;
  }

  private fire(
    incident: ImpactIncident,
    origin: ImpactOrigin,
    at: string,
    comment: string | null,
    what: Pick<ImpactWebhook, 'event' | 'updated_fields'>,
  ): ChangeResult {
    const eventId = this.webhooks.newEventId();
    const body = { contract_version: IMPACT_CONTRACT_VERSION, event_id: eventId, occurred_at: at, origin, incident, ...what } as ImpactWebhook;
    this.store.recordUpdate({
      incidentId: incident.id,
      at,
      origin,
      fields: Object.keys(what.updated_fields) as (keyof typeof what.updated_fields)[],
      comment,
      eventId,
    });
    const delivery = this.webhooks.dispatch(body);
    return { incident, eventId, delivery };
  }
}
