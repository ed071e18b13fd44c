/**
 * Keeps a Jira simulator's site in SQLite (see ../shared/sim-database for why and how durable): one row per
 * issue, written when it changed, and one "site" document (users, projects and workflows, fields and the ones a
 * seed made required, links, boards, sprints, permissions, id sequences, the clock offset). Every REST or `/_sim/` write is committed before its
 * response is returned; in-process changes (seed helpers, bulk seeding) are committed by `flush()` or `close()`.
 * Not kept: the call log, active faults, search page tokens and rate-limit windows (a restarted Jira forgets
 * those too).
 */
import type { JiraSimulator } from './app';
import type {
  BoardRecord,
  CustomFieldDef,
  CustomFieldValue,
  IssueLinkRecord,
  IssueLinkTypeRecord,
  IssueRecord,
  PriorityRecord,
  ProjectRecord,
  SprintRecord,
  UserRecord,
} from './model';
import { openSimDatabase, SimDocuments } from '../shared/sim-database';

const SITE = 'site';
const ISSUE = 'issue';

interface SiteDocument {
  readonly version: 1;
  readonly users: UserRecord[];
  readonly projects: ProjectRecord[];
  readonly priorities: PriorityRecord[];
  readonly customFields: CustomFieldDef[];
  readonly linkTypes: IssueLinkTypeRecord[];
  readonly links: IssueLinkRecord[];
  readonly siteAdmins: string[];
  readonly projectAdmins: [string, string[]][];
  readonly boards: BoardRecord[];
  readonly sprints: SprintRecord[];
  /** Fields a seed made required per project + issue type (absent in documents written before them). */
  readonly requiredFields?: [string, string[]][];
  readonly counters: Record<string, number>;
  readonly clockOffsetMs: number;
}

type StoredIssue = Omit<IssueRecord, 'custom' | 'properties'> & {
  readonly custom: [string, CustomFieldValue][];
  readonly properties: [string, unknown][];
};

function siteDocument(sim: JiraSimulator): SiteDocument {
  const { state } = sim;
  return {
    version: 1,
    users: [...state.users.values()],
    projects: [...state.projects.values()],
    priorities: [...state.priorities],
    customFields: [...state.customFields.values()],
    linkTypes: [...state.linkTypes],
    links: [...state.links],
    siteAdmins: [...state.siteAdmins],
    projectAdmins: [...state.projectAdmins].map(([key, ids]) => [key, [...ids]]),
    boards: [...state.boards.values()],
    sprints: [...state.sprints.values()],
    requiredFields: state.requiredFields.snapshot(),
    counters: state.counterSnapshot(),
    clockOffsetMs: sim.clock.offsetMs,
  };
}

const storedIssue = (issue: IssueRecord): StoredIssue => ({ ...issue, custom: [...issue.custom], properties: [...issue.properties] });

const issueRecord = (stored: StoredIssue): IssueRecord => ({ ...stored, custom: new Map(stored.custom), properties: new Map(stored.properties) });

function restore(sim: JiraSimulator, site: SiteDocument, issues: readonly StoredIssue[]): void {
  const { state } = sim;
  const refill = <K, V>(map: Map<K, V>, entries: Iterable<[K, V]>) => {
    map.clear();
    for (const [k, v] of entries) map.set(k, v);
  };
  refill(state.users, site.users.map((u) => [u.accountId, u]));
  refill(state.projects, site.projects.map((p) => [p.key, p]));
  state.priorities.splice(0, state.priorities.length, ...site.priorities);
  refill(state.customFields, site.customFields.map((f) => [f.id, f]));
  state.linkTypes.splice(0, state.linkTypes.length, ...site.linkTypes);
  state.links.splice(0, state.links.length, ...site.links);
  state.siteAdmins.clear();
  for (const id of site.siteAdmins) state.siteAdmins.add(id);
  refill(state.projectAdmins, site.projectAdmins.map(([key, ids]) => [key, new Set(ids)]));
  refill(state.boards, site.boards.map((b) => [b.id, b]));
  refill(state.sprints, site.sprints.map((s) => [s.id, s]));
  state.requiredFields.restore(site.requiredFields ?? []);
  state.restoreCounters(site.counters);
  sim.clock.setOffset(site.clockOffsetMs);
  state.issues.clear();
  state.issueKeys.clear();
  for (const stored of issues) {
    const issue = issueRecord(stored);
    state.issues.set(issue.id, issue);
    state.issueKeys.set(issue.key, issue.id);
  }
  state.takeDirty();
}

export interface PersistentJiraSimulator {
  /** True when the database held a site, which is now the simulator's state (seed nothing then). */
  readonly restored: boolean;
  /** Commits what changed in process since the last write. */
  flush(): void;
  /** Writes every issue and the site (after seeding a fresh site). */
  saveAll(): void;
  /** Flushes, stops following the simulator, closes the database. */
  close(): void;
}

/** Opens (or creates) `path`, loads the site it holds into `sim`, and commits every later change. */
export function persistJiraSimulator(sim: JiraSimulator, path: string): PersistentJiraSimulator {
  const docs = new SimDocuments(openSimDatabase(path));
  const site = docs.document<SiteDocument>(SITE);
  if (site !== undefined) {
    if (site.version !== 1) throw new Error(`${path}: unknown jira-sim state version ${String(site.version)}`);
    restore(sim, site, docs.rows<StoredIssue>(ISSUE));
  }
  const { state } = sim;

  const writeIssues = (ids: Iterable<string>) => {
    for (const id of ids) {
      const issue = state.issues.get(id);
      if (issue) docs.setRow(ISSUE, id, storedIssue(issue));
      else docs.removeRow(ISSUE, id);
    }
  };
  const flush = (): void => {
    docs.transaction(() => {
      writeIssues(state.takeDirty());
      docs.setDocument(SITE, siteDocument(sim));
    });
  };
  const unsubscribe = sim.onMutation(({ issueRefs }) => {
    // Issues changed in place by the request (edit, transition, property): the route named them.
    for (const ref of issueRefs) {
      const issue = state.findIssue(ref);
      if (issue) state.touch(issue.id);
    }
    flush();
  });

  let open = true;
  return {
    restored: site !== undefined,
    flush,
    saveAll() {
      state.takeDirty();
      docs.transaction(() => {
        writeIssues(state.issues.keys());
        docs.setDocument(SITE, siteDocument(sim));
      });
    },
    close() {
      if (!open) return;
      open = false;
      unsubscribe();
      flush();
      docs.close();
    },
  };
}
