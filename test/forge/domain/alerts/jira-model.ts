import type { AdfDoc } from '../../../../src/forge/domain/alerts/adf';
import type { Command } from '../../../../src/forge/domain/alerts/commands';
import { decideNotification, type Decision } from '../../../../src/forge/domain/alerts/decide';
import type { NotificationInput } from '../../../../src/forge/domain/alerts/problems';
import type { Rule } from '../../../../src/forge/domain/alerts/rules';
import { settleState, type ProblemState, type StatusCategory } from '../../../../src/forge/domain/alerts/state';

/** A tiny pure model of Jira plus the app's KVS, driven by the commands `decide` returns. */
export interface ModelIssue {
  readonly key: string;
  readonly fields: Record<string, unknown>;
  readonly statusCategory: StatusCategory;
  readonly comments: readonly AdfDoc[];
  readonly transitions: readonly string[];
  readonly links: readonly { type: string; outward: string; inward: string }[];
  readonly properties: Readonly<Record<string, unknown>>;
}

export interface World {
  readonly issues: Readonly<Record<string, ModelIssue>>;
  readonly store: Readonly<Record<string, ProblemState>>;
  readonly nextId: number;
  /** Jira calls per delivery, in order. */
  readonly calls: readonly number[];
}

export const emptyWorld: World = { issues: {}, store: {}, nextId: 1, calls: [] };

/** Delivers one notification: decide for each problem, run the commands against the model, store state. */
export function deliver(world: World, body: NotificationInput, rules: readonly Rule[], receivedAt: string, sequence?: number): { world: World; decisions: Decision[] } {
  const decisions = decideNotification(
    body,
    rules,
    (key) => {
      const state = world.store[key] ?? null;
      if (!state?.issue) return { state };
      const issue = world.issues[state.issue.key];
      // The status mirror: what Jira says now.
      if (!issue) return { state, issueNotFound: true };
      return { state: { ...state, issue: { ...state.issue, statusCategory: issue.statusCategory } } };
    },
    receivedAt,
    sequence,
  );
  let w = world;
  let calls = 0;
  for (const d of decisions) {
    const r = run(w, d.commands);
    w = r.world;
    calls += r.calls;
    const store = { ...w.store };
    if (d.next === null) delete store[d.problemKey];
    else if (d.stateChanged) {
      const settled = settleState(d.next, r.createdKey);
      if (!settled) throw new Error('created key missing');
      store[d.problemKey] = settled;
    }
    w = { ...w, store };
  }
  return { world: { ...w, calls: [...w.calls, calls] }, decisions };
}

function run(world: World, commands: readonly Command[]): { world: World; calls: number; createdKey: string | undefined } {
  const issues: Record<string, ModelIssue> = { ...world.issues };
  let nextId = world.nextId;
  let createdKey: string | undefined;
  let calls = 0;
  const keyOf = (ref: { kind: 'existing'; key: string } | { kind: 'created' }): string => {
    const k = ref.kind === 'existing' ? ref.key : createdKey;
    if (!k || !issues[k]) throw new Error(`404 ${k}`);
    return k;
  };
  const store = { ...world.store };
  for (const c of commands) {
    switch (c.kind) {
      case 'create': {
        calls++;
        const fields = c.body.fields as unknown as Record<string, unknown>;
        const key = `${(c.body.fields.project as { key: string }).key}-${nextId++}`;
        createdKey = key;
        issues[key] = { key, fields, statusCategory: 'new', comments: [], transitions: [], links: [], properties: Object.fromEntries(c.body.properties.map((p) => [p.key, p.value])) };
        break;
      }
      case 'comment': {
        calls++;
        const k = keyOf(c.issue);
        const i = issues[k] as ModelIssue;
        issues[k] = { ...i, comments: [...i.comments, c.body] };
        break;
      }
      case 'transition': {
        calls++;
        const k = keyOf(c.issue);
        const i = issues[k] as ModelIssue;
        const to: StatusCategory = c.target.by === 'statusCategory' ? c.target.category : c.purpose === 'resolve' ? 'done' : 'indeterminate';
        issues[k] = { ...i, statusCategory: to, transitions: [...i.transitions, c.purpose] };
        break;
      }
      case 'link': {
        calls++;
        const out = keyOf(c.outwardIssue);
        const inw = keyOf(c.inwardIssue);
        const i = issues[out] as ModelIssue;
        issues[out] = { ...i, links: [...i.links, { type: c.linkType.name, outward: out, inward: inw }] };
        break;
      }
      case 'forget':
        delete store[c.problemKey];
        break;
      case 'nothing':
        break;
      default: {
        const never: never = c;
        throw new Error(String(never));
      }
    }
  }
  return { world: { ...world, issues, nextId, store }, calls, createdKey };
}

/** What a person sees in Jira: issues, their status, comment count, links. */
export function jiraView(w: World): Record<string, { status: StatusCategory; comments: number; links: number; summary: unknown }> {
  return Object.fromEntries(Object.values(w.issues).map((i) => [i.key, { status: i.statusCategory, comments: i.comments.length, links: i.links.length, summary: i.fields['summary'] }]));
}
