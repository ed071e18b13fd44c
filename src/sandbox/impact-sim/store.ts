/**
 * The simulator's state: incidents, the user directory (Impact names commanders by email) and the audit
 * trail of changes (notes and follow-ups live in notes.ts and follow-ups.ts). Every mutation returns what changed, with previous values, so the caller can fire
 * the webhook; a change to the current value reports nothing (no webhook, as the contract says).
 */
import { IMPACT_UPDATABLE_FIELDS, type ImpactIncident, type ImpactOrigin, type ImpactStatus, type ImpactUser, type KeyEvent, type UpdatedFields } from '../../shared/impact';

/** Fields a human (admin) or an API client may change; key events have their own operation. */
export interface IncidentPatch {
  readonly title?: string;
  readonly description?: string;
  readonly status?: ImpactStatus;
  readonly priority?: ImpactIncident['priority'];
  readonly commander?: ImpactUser | null;
  readonly environments?: readonly string[];
  readonly platform?: string | null;
  readonly business_impact?: string | null;
  readonly custom_ids?: Readonly<Record<string, string>>;
  readonly key_events?: readonly KeyEvent[];
}

export type NewIncident = Omit<ImpactIncident, 'status_history' | 'created_at' | 'updated_at' | 'url' | 'version'>;

/** One accepted change, as Impact's activity feed would show it. */
export interface IncidentUpdateRecord {
  readonly incidentId: string;
  readonly at: string;
  readonly origin: ImpactOrigin;
  readonly fields: readonly (keyof UpdatedFields)[];
  readonly comment: string | null;
  readonly eventId: string;
}

export interface AppliedChange {
  readonly before: ImpactIncident;
  readonly after: ImpactIncident;
  readonly updatedFields: UpdatedFields;
}

/** The contract's updatable fields; the type check keeps them patchable and reportable here. */
const PATCHABLE = IMPACT_UPDATABLE_FIELDS satisfies readonly (keyof IncidentPatch & keyof UpdatedFields)[];

/** JSON with sorted object keys: `{a,b}` and `{b,a}` are the same value. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

const clone = <T>(value: T): T => structuredClone(value);

/** Everything the store holds, as plain JSON (persistence). */
export interface ImpactStoreSnapshot {
  readonly incidents: ImpactIncident[];
  readonly users: ImpactUser[];
  readonly updates: IncidentUpdateRecord[];
  readonly nextIncident: number;
}

export class ImpactStore {
  private readonly incidents = new Map<string, ImpactIncident>();
  private readonly users = new Map<string, ImpactUser>();
  private readonly updates: IncidentUpdateRecord[] = [];
  private nextIncident: number;

  constructor(
    private readonly baseUrl: string,
    firstIncidentNumber: number,
    private readonly idPrefix: string,
  ) {
    this.nextIncident = firstIncidentNumber;
  }

  snapshot(): ImpactStoreSnapshot {
    return clone({
      incidents: [...this.incidents.values()],
      users: [...this.users.values()],
      updates: this.updates,
      nextIncident: this.nextIncident,
    });
  }

  restore(snapshot: ImpactStoreSnapshot): void {
    const copy = clone(snapshot);
    this.incidents.clear();
    for (const incident of copy.incidents) this.incidents.set(incident.id, incident);
    this.users.clear();
    for (const user of copy.users) this.users.set(user.email.toLowerCase(), user);
    this.updates.splice(0, this.updates.length, ...copy.updates);
    this.nextIncident = copy.nextIncident;
  }

  /** The next free generated id (`INC-<n>`). */
  allocateId(): string {
    for (;;) {
      const id = `${this.idPrefix}${this.nextIncident++}`;
      if (!this.incidents.has(id)) return id;
    }
  }

  has(id: string): boolean {
    return this.incidents.has(id);
  }

  get(id: string): ImpactIncident | undefined {
    const incident = this.incidents.get(id);
    return incident ? clone(incident) : undefined;
  }

  list(): ImpactIncident[] {
    return [...this.incidents.values()].map(clone);
  }

  create(input: NewIncident, at: string): ImpactIncident {
    if (this.incidents.has(input.id)) throw new Error(`incident ${input.id} exists`);
    const incident: ImpactIncident = {
      ...clone(input),
      // Revision 3: always sent, null when the incident has none.
      category: input.category ?? null,
      status_history: [{ status: input.status, at }],
      created_at: at,
      updated_at: at,
      url: `${this.baseUrl}/incidents/${encodeURIComponent(input.id)}`,
      version: 1,
    };
    if (incident.commander) this.upsertUser(incident.commander);
    this.incidents.set(incident.id, incident);
    return clone(incident);
  }

  /**
   * Applies the fields that differ; `null` when nothing differs. A status change extends the history; any
   * change moves the version on by one (a no-op leaves it).
   */
  apply(id: string, patch: IncidentPatch, at: string): AppliedChange | null {
    const before = this.incidents.get(id);
    if (!before) return null;
    const after: ImpactIncident = clone(before);
    const updated: Record<string, { previous: unknown }> = {};
    for (const field of PATCHABLE) {
      const next = patch[field];
      if (next === undefined || canonical(next) === canonical(before[field])) continue;
      updated[field] = { previous: clone(before[field]) };
      (after as Record<string, unknown>)[field] = clone(next);
    }
    if (Object.keys(updated).length === 0) return null;
    if (after.status !== before.status) after.status_history = [...before.status_history, { status: after.status, at }];
    after.updated_at = at;
    after.version = before.version + 1;
    if (after.commander) this.upsertUser(after.commander);
    this.incidents.set(id, after);
    return { before: clone(before), after: clone(after), updatedFields: updated as UpdatedFields };
  }

  upsertUser(user: ImpactUser): void {
    this.users.set(user.email.toLowerCase(), { email: user.email, name: user.name });
  }

  userByEmail(email: string): ImpactUser | undefined {
    const user = this.users.get(email.toLowerCase());
    return user ? { ...user } : undefined;
  }

  listUsers(): ImpactUser[] {
    return [...this.users.values()].map((u) => ({ ...u }));
  }

  recordUpdate(record: IncidentUpdateRecord): void {
    this.updates.push(record);
  }

  /** Accepted changes of one incident (or all), oldest first, with the API comment when one was sent. */
  updatesOf(incidentId?: string): IncidentUpdateRecord[] {
    return this.updates.filter((u) => incidentId === undefined || u.incidentId === incidentId).map(clone);
  }
}
