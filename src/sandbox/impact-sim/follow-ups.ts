/**
 * Follow-ups (action items) of an incident (docs/impact-contract.md §2.3). People create, edit and delete
 * them (admin surface); API clients read them and change status, title, description, assignee and the
 * tracker issue they were exported to, with `If-Match` on the follow-up's own version. Each change fires
 * `incident.follow_up_*` to subscriptions that carry follow-up events; a change to the current value fires
 * nothing and keeps the version.
 */
import {
  FOLLOW_UP_UPDATABLE_FIELDS,
  IMPACT_CONTRACT_VERSION,
  type ExternalIssue,
  type FollowUpStatus,
  type FollowUpUpdatedFields,
  type IfMatch,
  type ImpactFollowUp,
  type ImpactFollowUpWebhook,
  type ImpactUser,
} from '../../shared/impact';
import { ImpactApiFailure, notFound } from './errors';
import type { ImpactStore } from './store';
import { requireVersion } from './versioning';
import type { WebhookDelivery, WebhookDispatcher } from './webhooks';
import { originOfWriter, type Writer } from './writers';

export interface FollowUpPatch {
  readonly title?: string;
  readonly description?: string;
  readonly status?: FollowUpStatus;
  readonly assignee?: ImpactUser | null;
  readonly external_issue?: ExternalIssue | null;
}

export interface NewFollowUp {
  readonly title: string;
  readonly description: string;
  readonly status: FollowUpStatus;
  readonly assignee: ImpactUser | null;
}

export interface FollowUpChange {
  readonly followUp: ImpactFollowUp;
  /** false for a no-op: nothing changed, no webhook. */
  readonly changed: boolean;
  readonly eventId: string | null;
  readonly delivery: WebhookDelivery | null;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** The follow-up board as plain JSON (persistence). */
export interface FollowUpBoardSnapshot {
  readonly items: ImpactFollowUp[];
  readonly next: number;
}

export class FollowUpBoard {
  private readonly items: ImpactFollowUp[] = [];
  private next = 1;

  snapshot(): FollowUpBoardSnapshot {
    return structuredClone({ items: this.items, next: this.next });
  }

  restore(snapshot: FollowUpBoardSnapshot): void {
    this.items.splice(0, this.items.length, ...structuredClone(snapshot.items));
    this.next = snapshot.next;
  }

  constructor(
    private readonly store: ImpactStore,
    private readonly webhooks: WebhookDispatcher,
    private readonly now: () => number,
  ) {}

  /** The incident's follow-ups, oldest first; deleted ones only with `includeDeleted`. 404 for an unknown incident. */
  list(incidentId: string, options: { includeDeleted?: boolean } = {}): ImpactFollowUp[] {
    if (!this.store.has(incidentId)) throw notFound(incidentId);
    return this.items.filter((f) => f.incident_id === incidentId && (options.includeDeleted || f.deleted_at === null)).map((f) => structuredClone(f));
  }

  get(incidentId: string, followUpId: string): ImpactFollowUp {
    return structuredClone(this.live(incidentId, followUpId));
  }

  create(incidentId: string, input: NewFollowUp, writer: Writer): FollowUpChange {
    if (!this.store.has(incidentId)) throw notFound(incidentId);
    const at = this.iso();
    const followUp: ImpactFollowUp = {
      id: `fu_${this.next++}`,
      incident_id: incidentId,
      title: input.title,
      description: input.description,
      status: input.status,
      assignee: input.assignee ? { ...input.assignee } : null,
      external_issue: null,
      version: 1,
      created_at: at,
      updated_at: at,
      deleted_at: null,
    };
    this.items.push(followUp);
    return this.fire(followUp, writer, at, { event: 'incident.follow_up_created', updated_fields: {} });
  }

  update(incidentId: string, followUpId: string, patch: FollowUpPatch, writer: Writer, ifMatch: IfMatch = { kind: 'absent' }): FollowUpChange {
    const current = this.live(incidentId, followUpId);
    requireVersion(ifMatch, `follow-up ${followUpId}`, current.version);
    const updated: Record<string, { previous: unknown }> = {};
    const after: Record<string, unknown> = { ...current };
    for (const field of FOLLOW_UP_UPDATABLE_FIELDS) {
      const value = patch[field];
      if (value === undefined || same(value, current[field])) continue;
      updated[field] = { previous: structuredClone(current[field]) };
      after[field] = structuredClone(value);
    }
    if (Object.keys(updated).length === 0) return { followUp: structuredClone(current), changed: false, eventId: null, delivery: null };
    const at = this.iso();
    const next = { ...(after as ImpactFollowUp), version: current.version + 1, updated_at: at };
    this.replace(next);
    return this.fire(next, writer, at, { event: 'incident.follow_up_updated', updated_fields: updated as FollowUpUpdatedFields });
  }

  remove(incidentId: string, followUpId: string, writer: Writer): FollowUpChange {
    const current = this.live(incidentId, followUpId);
    const at = this.iso();
    const next = { ...current, version: current.version + 1, updated_at: at, deleted_at: at };
    this.replace(next);
    return this.fire(next, writer, at, { event: 'incident.follow_up_deleted', updated_fields: {} });
  }

  private live(incidentId: string, followUpId: string): ImpactFollowUp {
    if (!this.store.has(incidentId)) throw notFound(incidentId);
    const found = this.items.find((f) => f.incident_id === incidentId && f.id === followUpId && f.deleted_at === null);
    if (!found) throw new ImpactApiFailure('not_found', `incident ${incidentId} has no follow-up ${followUpId}`);
    return found;
  }

  private replace(followUp: ImpactFollowUp): void {
    const index = this.items.findIndex((f) => f.id === followUp.id);
    this.items[index] = followUp;
  }

  private iso(): string {
    return new Date(this.now()).toISOString();
  }

  private fire(followUp: ImpactFollowUp, writer: Writer, at: string, what: Pick<ImpactFollowUpWebhook, 'event' | 'updated_fields'>): FollowUpChange {
    const incident = this.store.get(followUp.incident_id);
    if (!incident) throw notFound(followUp.incident_id);
    const eventId = this.webhooks.newEventId();
    const body = {
      contract_version: IMPACT_CONTRACT_VERSION,
      event_id: eventId,
      occurred_at: at,
      origin: originOfWriter(writer),
      incident,
      follow_up: structuredClone(followUp),
      ...what,
    } as ImpactFollowUpWebhook;
    return { followUp: structuredClone(followUp), changed: true, eventId, delivery: this.webhooks.dispatch(body) };
  }
}
