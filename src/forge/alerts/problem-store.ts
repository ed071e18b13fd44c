import { z } from 'zod';
import { problemStateSchema, type JiraCommand, type Problem, type ProblemState, type StatusCategory } from '../domain/alerts';
import { StorageKeys } from '../constants';
import type { KeyValueStore } from '../ports/key-value-store';
import type { TrackedIssueStatus } from './status-mirror';

/**
 * KVS records of the Alertmanager feature: one ProblemRecord per problem key, and the shared status mirror
 * (`issue-status:<issueId>`) the issue-updated trigger keeps current.
 */
const pendingSchema = z.object({
  /** Jira commands still to run for a decision that failed half-way (issue refs already resolved to keys). */
  commands: z.array(z.custom<JiraCommand>((v) => typeof v === 'object' && v !== null && typeof (v as { kind?: unknown }).kind === 'string')),
  /** The state to store once they ran. */
  next: problemStateSchema.nullable(),
  eventId: z.string(),
});

const labelsSchema = z.record(z.string(), z.string());

/** What the issue panel needs to link to Alertmanager: the group's labels, and each alert's labels and source. */
const linksSchema = z.object({
  externalURL: z.string().max(2048),
  receiver: z.string().max(500),
  groupLabels: labelsSchema,
  alerts: z.record(z.string(), z.object({ labels: labelsSchema, generatorURL: z.string().max(2048) })),
});
export type ProblemLinks = z.infer<typeof linksSchema>;

export const problemRecordSchema = z.object({
  version: z.literal(1),
  state: problemStateSchema,
  /** Jira's numeric id of `state.issue`, the key of its status mirror. */
  issueId: z.string().nullable(),
  pending: pendingSchema.optional(),
  /** Absent on records written before the panel showed links. */
  links: linksSchema.optional(),
});
export type ProblemRecord = z.infer<typeof problemRecordSchema>;
export type PendingWork = z.infer<typeof pendingSchema>;

export interface LoadedProblem {
  readonly record: ProblemRecord | undefined;
  readonly mirror: TrackedIssueStatus | undefined;
}

/** Reads the records of these problems and the mirrors of their issues: two batch reads. */
export async function loadProblems(store: KeyValueStore, problemKeys: readonly string[]): Promise<Map<string, LoadedProblem>> {
  const raw = await store.getMany<unknown>(problemKeys.map(StorageKeys.problem));
  const records = new Map<string, ProblemRecord>();
  for (const key of problemKeys) {
    const parsed = problemRecordSchema.safeParse(raw.get(StorageKeys.problem(key)));
    if (parsed.success) records.set(key, parsed.data);
  }
  const issueIds = [...records.values()].flatMap((r) => (r.issueId && r.state.issue ? [r.issueId] : []));
  const mirrors = issueIds.length > 0 ? await store.getMany<TrackedIssueStatus>(issueIds.map(StorageKeys.issueStatus)) : new Map<string, TrackedIssueStatus>();
  const out = new Map<string, LoadedProblem>();
  for (const key of problemKeys) {
    const record = records.get(key);
    const mirror = record?.issueId ? mirrors.get(StorageKeys.issueStatus(record.issueId)) : undefined;
    // A mirror of a different issue (the key was reused after a move) is no mirror.
    out.set(key, { record, mirror: mirror && mirror.issueKey === record?.state.issue?.key ? mirror : undefined });
  }
  return out;
}

export function mirrorCategory(mirror: TrackedIssueStatus): StatusCategory {
  const c = mirror.statusCategory;
  return c === 'new' || c === 'indeterminate' || c === 'done' ? c : 'unknown';
}

/** The stored state with its issue's status category taken from the mirror, which is newer when present. */
export function withMirror(state: ProblemState, mirror: TrackedIssueStatus | undefined): ProblemState {
  if (!state.issue || !mirror) return state;
  return { ...state, issue: { ...state.issue, statusCategory: mirrorCategory(mirror) } };
}

/**
 * The problem's links as of this notification: this notification's group and alerts, plus earlier alerts
 * the state still tracks (a group notification may not repeat every alert). Only tracked alerts are kept.
 */
export function problemLinks(problem: Problem, previous: ProblemLinks | undefined, tracked: ProblemState | undefined): ProblemLinks {
  const alerts: ProblemLinks['alerts'] = {};
  for (const fingerprint of Object.keys(tracked?.alerts ?? {})) {
    const before = previous?.alerts[fingerprint];
    if (before) alerts[fingerprint] = before;
  }
  for (const a of problem.alerts) alerts[a.fingerprint] = { labels: { ...a.labels }, generatorURL: a.generatorURL };
  return { externalURL: problem.externalURL, receiver: problem.receiver, groupLabels: { ...problem.groupLabels }, alerts };
}

export async function saveProblem(store: KeyValueStore, record: ProblemRecord): Promise<void> {
  await store.set(StorageKeys.problem(record.state.problemKey), record);
}

export async function writeMirror(store: KeyValueStore, issueId: string, status: TrackedIssueStatus): Promise<void> {
  await store.set(StorageKeys.issueStatus(issueId), status);
}
