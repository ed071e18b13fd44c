import { createHash } from 'node:crypto';
import { RequiredFields } from './create-meta';
import type {
  BoardRecord,
  CustomFieldDef,
  IssueLinkRecord,
  IssueLinkTypeRecord,
  IssueRecord,
  PriorityRecord,
  ProjectRecord,
  SprintRecord,
  StatusRecord,
  UserRecord,
} from './model';

/** The issue map remembers which ids were added, replaced or removed since the last `takeDirty()`. */
class TrackedIssueMap extends Map<string, IssueRecord> {
  readonly dirty = new Set<string>();

  override set(key: string, value: IssueRecord): this {
    // Map's constructor calls set before the field exists.
    (this.dirty as Set<string> | undefined)?.add(key);
    return super.set(key, value);
  }

  override delete(key: string): boolean {
    this.dirty.add(key);
    return super.delete(key);
  }
}

/** Everything the simulated site holds. Plain maps so tests can inspect and seed directly. */
export class SimState {
  readonly users = new Map<string, UserRecord>();
  readonly projects = new Map<string, ProjectRecord>();
  readonly priorities: PriorityRecord[] = [];
  readonly customFields = new Map<string, CustomFieldDef>();
  readonly issues: Map<string, IssueRecord> = new TrackedIssueMap();
  readonly issueKeys = new Map<string, string>();
  readonly linkTypes: IssueLinkTypeRecord[] = [];
  readonly links: IssueLinkRecord[] = [];
  /** accountIds with ADMINISTER_PROJECTS on every project, plus per-project grants. */
  readonly siteAdmins = new Set<string>();
  readonly projectAdmins = new Map<string, Set<string>>();
  /** Fields a seed made required per project + issue type (create metadata, POST /issue). */
  readonly requiredFields = new RequiredFields();
  readonly boards = new Map<number, BoardRecord>();
  readonly sprints = new Map<number, SprintRecord>();
  private readonly counters = new Map<string, number>();

  constructor(
    readonly baseUrl: string,
    readonly appAccountId: string,
  ) {}

  /** Monotonic ids per sequence, starting where Jira's own ids usually start. */
  nextId(sequence: string, start = 10000): string {
    const next = (this.counters.get(sequence) ?? start - 1) + 1;
    this.counters.set(sequence, next);
    return String(next);
  }

  /** Id sequences, for a snapshot of the site (persistence); `restoreCounters` puts them back. */
  counterSnapshot(): Record<string, number> {
    return Object.fromEntries(this.counters);
  }

  restoreCounters(counters: Readonly<Record<string, number>>): void {
    this.counters.clear();
    for (const [name, value] of Object.entries(counters)) this.counters.set(name, value);
  }

  /** Marks an issue changed in place (persistence writes it); additions and removals are tracked by the map. */
  touch(issueId: string): void {
    (this.issues as TrackedIssueMap).dirty.add(issueId);
  }

  /** The issue ids changed since the last call (present ones to write, absent ones to delete). */
  takeDirty(): string[] {
    const dirty = (this.issues as TrackedIssueMap).dirty;
    const ids = [...dirty];
    dirty.clear();
    return ids;
  }

  /** The first Sprint field (Jira Software's `gh-sprint`) on the site. */
  sprintFieldId(): string | undefined {
    for (const def of this.customFields.values()) if (def.kind === 'sprint') return def.id;
    return undefined;
  }

  nextIssueNumber(projectKey: string): number {
    return Number(this.nextId(`issue-number:${projectKey}`, 1));
  }

  findIssue(idOrKey: string): IssueRecord | undefined {
    const id = /^\d+$/.test(idOrKey) ? idOrKey : this.issueKeys.get(idOrKey.toUpperCase());
    return id === undefined ? undefined : this.issues.get(id);
  }

  findProject(idOrKey: string): ProjectRecord | undefined {
    const byKey = this.projects.get(idOrKey.toUpperCase());
    if (byKey) return byKey;
    for (const project of this.projects.values()) if (project.id === idOrKey) return project;
    return undefined;
  }

  findUserByEmail(email: string): UserRecord | undefined {
    const wanted = email.toLowerCase();
    for (const user of this.users.values()) if (user.emailAddress.toLowerCase() === wanted) return user;
    return undefined;
  }

  /** Basic auth from an unknown email acts as a new user; the accountId is stable for that email. */
  userForEmail(email: string): UserRecord {
    const existing = this.findUserByEmail(email);
    if (existing) return existing;
    const digest = createHash('sha256').update(email.toLowerCase()).digest('hex');
    const user: UserRecord = {
      accountId: `712020:${digest.slice(0, 8)}-${digest.slice(8, 12)}-${digest.slice(12, 16)}-${digest.slice(16, 20)}-${digest.slice(20, 32)}`,
      displayName: email.split('@')[0] ?? email,
      emailAddress: email,
      hideEmail: false,
      accountType: 'atlassian',
      active: true,
      timeZone: 'Etc/UTC',
    };
    this.users.set(user.accountId, user);
    return user;
  }

  statusOf(project: ProjectRecord, statusId: string): StatusRecord {
    const status = project.workflow.statuses.find((s) => s.id === statusId);
    if (!status) throw new Error(`status ${statusId} is not in workflow ${project.workflow.name}`);
    return status;
  }

  allStatuses(): StatusRecord[] {
    const seen = new Map<string, StatusRecord>();
    for (const project of this.projects.values()) for (const s of project.workflow.statuses) seen.set(s.id, s);
    return [...seen.values()];
  }

  isProjectAdmin(accountId: string, projectKey: string): boolean {
    return this.siteAdmins.has(accountId) || (this.projectAdmins.get(projectKey)?.has(accountId) ?? false);
  }
}
