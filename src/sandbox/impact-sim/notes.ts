/**
 * Incident notes (docs/impact-contract.md §2.2): written, edited and deleted by people (admin surface) and
 * API clients, each change firing `incident.note_*` to subscriptions that carry note events. Rights are
 * Impact's: a person edits only the notes they wrote, an API client only the notes it wrote (403 else);
 * nobody edits a deleted note (404). `external_id` makes an API create idempotent: a repeat answers the
 * note as it is now and fires nothing.
 */
import { IMPACT_CONTRACT_VERSION, type IfMatch, type ImpactNote, type ImpactNoteWebhook } from '../../shared/impact';
import { ImpactApiFailure } from './errors';
import { notFound } from './errors';
import type { ImpactStore } from './store';
import { requireVersion } from './versioning';
import type { WebhookDelivery, WebhookDispatcher } from './webhooks';
import { originOfWriter, samePerson, type Writer } from './writers';

export interface NoteChange {
  readonly note: ImpactNote;
  /** false for an idempotent repeat or a no-op edit: nothing changed, no webhook. */
  readonly changed: boolean;
  readonly eventId: string | null;
  readonly delivery: WebhookDelivery | null;
}

interface StoredNote {
  note: ImpactNote;
  /** The API client that wrote it; null for a person's note. */
  readonly client: string | null;
}

/** The note book as plain JSON (persistence). */
export interface NoteBookSnapshot {
  readonly notes: StoredNote[];
  readonly next: number;
}

export class NoteBook {
  private readonly notes: StoredNote[] = [];
  private next = 1;

  snapshot(): NoteBookSnapshot {
    return structuredClone({ notes: this.notes, next: this.next });
  }

  restore(snapshot: NoteBookSnapshot): void {
    this.notes.splice(0, this.notes.length, ...structuredClone(snapshot.notes));
    this.next = snapshot.next;
  }

  constructor(
    private readonly store: ImpactStore,
    private readonly webhooks: WebhookDispatcher,
    private readonly now: () => number,
  ) {}

  /** The incident's notes, oldest first; deleted ones only with `includeDeleted`. 404 for an unknown incident. */
  list(incidentId: string, options: { includeDeleted?: boolean } = {}): ImpactNote[] {
    if (!this.store.has(incidentId)) throw notFound(incidentId);
    return this.notes.filter((n) => n.note.incident_id === incidentId && (options.includeDeleted || n.note.deleted_at === null)).map((n) => structuredClone(n.note));
  }

  /** One live note; 404 for an unknown incident or note and for a deleted note. */
  get(incidentId: string, noteId: string): ImpactNote {
    return structuredClone(this.live(incidentId, noteId).note);
  }

  create(incidentId: string, input: { readonly message: string; readonly external_id?: string | undefined }, writer: Writer): NoteChange {
    if (!this.store.has(incidentId)) throw notFound(incidentId);
    if (input.external_id !== undefined) {
      const existing = this.notes.find((n) => n.note.incident_id === incidentId && n.note.external_id === input.external_id);
      if (existing) return { note: structuredClone(existing.note), changed: false, eventId: null, delivery: null };
    }
    const at = this.iso();
    const note: ImpactNote = {
      id: `note_${this.next++}`,
      incident_id: incidentId,
      message: input.message,
      origin: writer.kind === 'api' ? writer.marker : null,
      author: writer.kind === 'person' ? { ...writer.user } : null,
      external_id: input.external_id ?? null,
      version: 1,
      created_at: at,
      updated_at: at,
      deleted_at: null,
    };
    if (writer.kind === 'person') this.store.upsertUser(writer.user);
    this.notes.push({ note, client: writer.kind === 'api' ? writer.client : null });
    return this.fire(note, writer, at, { event: 'incident.note_created', updated_fields: {} });
  }

  edit(incidentId: string, noteId: string, message: string, writer: Writer, ifMatch: IfMatch = { kind: 'absent' }): NoteChange {
    const stored = this.writable(incidentId, noteId, writer, ifMatch);
    if (stored.note.message === message) return { note: structuredClone(stored.note), changed: false, eventId: null, delivery: null };
    const at = this.iso();
    const previous = stored.note.message;
    stored.note = { ...stored.note, message, version: stored.note.version + 1, updated_at: at };
    return this.fire(stored.note, writer, at, { event: 'incident.note_updated', updated_fields: { message: { previous } } });
  }

  remove(incidentId: string, noteId: string, writer: Writer, ifMatch: IfMatch = { kind: 'absent' }): NoteChange {
    const stored = this.writable(incidentId, noteId, writer, ifMatch);
    const at = this.iso();
    stored.note = { ...stored.note, version: stored.note.version + 1, updated_at: at, deleted_at: at };
    return this.fire(stored.note, writer, at, { event: 'incident.note_deleted', updated_fields: {} });
  }

  private live(incidentId: string, noteId: string): StoredNote {
    if (!this.store.has(incidentId)) throw notFound(incidentId);
    const stored = this.notes.find((n) => n.note.incident_id === incidentId && n.note.id === noteId && n.note.deleted_at === null);
    if (!stored) throw new ImpactApiFailure('not_found', `incident ${incidentId} has no note ${noteId}`);
    return stored;
  }

  /** The note, if this writer may change it and the precondition holds (403, 404, 409 otherwise). */
  private writable(incidentId: string, noteId: string, writer: Writer, ifMatch: IfMatch): StoredNote {
    const stored = this.live(incidentId, noteId);
    const own = writer.kind === 'api' ? stored.client === writer.client : writer.kind === 'person' ? samePerson(stored.note.author, writer.user) : false;
    if (!own) throw new ImpactApiFailure('forbidden', `note ${noteId} was written by ${stored.note.author?.name ?? `API client ${stored.client ?? 'unknown'}`}; only its writer may change it`);
    requireVersion(ifMatch, `note ${noteId}`, stored.note.version);
    return stored;
  }

  private iso(): string {
    return new Date(this.now()).toISOString();
  }

  private fire(note: ImpactNote, writer: Writer, at: string, what: Pick<ImpactNoteWebhook, 'event' | 'updated_fields'>): NoteChange {
    const incident = this.store.get(note.incident_id);
    if (!incident) throw notFound(note.incident_id);
    const eventId = this.webhooks.newEventId();
    const body = { contract_version: IMPACT_CONTRACT_VERSION, event_id: eventId, occurred_at: at, origin: originOfWriter(writer), incident, note: structuredClone(note), ...what } as ImpactNoteWebhook;
    return { note: structuredClone(note), changed: true, eventId, delivery: this.webhooks.dispatch(body) };
  }
}
