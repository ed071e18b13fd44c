/** Follow-up decisions (domain/incidents/follow-ups.ts). */
import fc from 'fast-check';
import {
  DEFAULT_INCIDENT_SYNC_CONFIG,
  decideFollowUpChange,
  decideFollowUpFromJira,
  decideFollowUpToJira,
  followUpDescription,
  followUpIssueJql,
  followUpTextOfIssue,
  syncedTextOf,
  textHash,
  type FollowUpFromJira,
  followUpSettingsOf,
  followUpStatusFor,
  upsertFollowUpPair,
  type FollowUpChange,
  type FollowUpPair,
} from '../../../../src/forge/domain/incidents';
import { FOLLOW_UP_STATUSES } from '../../../../src/shared/impact';

const fu = (version: number, title = 'Add a canary', description = 'Alert on 5xx') => ({ id: 'fu_1', title, description, version });
const pair: FollowUpPair = { followUpId: 'fu_1', issueId: '10042', issueKey: 'OPS-42', version: 2 };

describe('decideFollowUpChange', () => {
  test.each<[string, FollowUpPair | undefined, FollowUpChange, string]>([
    ['created', undefined, { kind: 'created', followUp: fu(1), changed: [] }, 'create-issue'],
    ['an update before its create', undefined, { kind: 'updated', followUp: fu(2), changed: ['title'] }, 'create-issue'],
    ['the create after that update', pair, { kind: 'created', followUp: fu(1), changed: [] }, 'skip'],
    ['a title change', pair, { kind: 'updated', followUp: fu(3, 'New'), changed: ['title'] }, 'edit-issue'],
    ['a redelivered title change', pair, { kind: 'updated', followUp: fu(2, 'New'), changed: ['title'] }, 'skip'],
    ['a change the issue does not show (assignee)', pair, { kind: 'updated', followUp: fu(3), changed: ['assignee'] }, 'skip'],
    ['deleted', pair, { kind: 'deleted', followUp: fu(3), changed: [] }, 'skip'],
    ['an update after the deletion', { ...pair, deleted: true }, { kind: 'updated', followUp: fu(9, 'x'), changed: ['title'] }, 'skip'],
    ['deleted before its issue existed', undefined, { kind: 'deleted', followUp: fu(2), changed: [] }, 'skip'],
  ])('%s → %s', (_name, current, change, kind) => {
    expect(decideFollowUpChange(current, change).kind).toBe(kind);
  });

  test('an edit names only the fields that changed', () => {
    expect(decideFollowUpChange(pair, { kind: 'updated', followUp: fu(3, 'New title', 'New text'), changed: ['description'] })).toEqual({ kind: 'edit-issue', issueId: '10042', fields: { description: 'New text' } });
  });

  test('a deletion before the issue leaves a tombstone the late create respects', () => {
    const first = decideFollowUpChange(undefined, { kind: 'deleted', followUp: fu(2), changed: [] });
    const tomb = first.kind === 'skip' ? first.pair : null;
    expect(tomb).toMatchObject({ followUpId: 'fu_1', issueId: null, deleted: true });
    expect(decideFollowUpChange(tomb ?? undefined, { kind: 'created', followUp: fu(1), changed: [] }).kind).toBe('skip');
  });
});

describe('followUpStatusFor', () => {
  test.each([
    ['done', 'OPEN', 'DONE'],
    ['done', 'IN_PROGRESS', 'DONE'],
    ['done', 'DONE', null],
    ['done', 'CANCELLED', null],
    ['indeterminate', 'OPEN', 'IN_PROGRESS'],
    ['indeterminate', 'DONE', 'IN_PROGRESS'],
    ['new', 'DONE', 'OPEN'],
    ['new', 'OPEN', null],
    ['unknown', 'OPEN', null],
  ] as const)('Jira %s, Impact %s → %s', (category, current, target) => {
    expect(followUpStatusFor(category, current)).toBe(target);
  });

  test('asks for a write only when the sides disagree, and what it asks for they then agree on', () => {
    fc.assert(
      fc.property(fc.constantFrom('new', 'indeterminate', 'done', 'unknown' as const), fc.constantFrom(...FOLLOW_UP_STATUSES), (category, current) => {
        const target = followUpStatusFor(category, current);
        if (target !== null) {
          expect(target).not.toBe(current);
          expect(followUpStatusFor(category, target)).toBeNull();
        }
      }),
    );
  });
});

describe('settings and pairs', () => {
  test('defaults: the incident project, Task, Relates; a configured project wins', () => {
    expect(followUpSettingsOf(DEFAULT_INCIDENT_SYNC_CONFIG)).toEqual({ projectKey: DEFAULT_INCIDENT_SYNC_CONFIG.fields.projectKey, issueType: 'Task', linkType: 'Relates' });
    expect(followUpSettingsOf({ ...DEFAULT_INCIDENT_SYNC_CONFIG, followUps: { projectKey: 'ACT', issueType: 'Story', linkType: 'Blocks' } })).toEqual({ projectKey: 'ACT', issueType: 'Story', linkType: 'Blocks' });
  });

  test('the lookup JQL names the incident and the follow-up, quoted', () => {
    expect(followUpIssueJql('INC-1', 'fu_"2')).toBe('issue.property[impact-follow-up].key = "INC-1/fu_\\"2" ORDER BY created ASC');
  });

  test('upsert keeps one pair per follow-up, the newest version, the issue once known, and a deletion', () => {
    const tomb: FollowUpPair = { followUpId: 'fu_1', issueId: null, issueKey: null, version: 5, deleted: true };
    expect(upsertFollowUpPair([tomb], pair)).toEqual([{ ...pair, version: 5, deleted: true }]);
    expect(upsertFollowUpPair([pair], { ...pair, version: 1 })).toEqual([pair]);
  });
});

describe('decideFollowUpFromJira: a person’s Jira edit against the last synced text', () => {
  const base = syncedTextOf({ title: 'Add a canary', description: 'Alert on 5xx.' });
  interface Given {
    readonly fields?: FollowUpFromJira['fields'];
    readonly issue?: Partial<FollowUpFromJira['issue']>;
    readonly followUp?: Partial<FollowUpFromJira['followUp']>;
    readonly synced?: FollowUpFromJira['synced'];
    readonly changedAt?: number;
  }
  const input = (over: Given): FollowUpFromJira => ({
    fields: over.fields ?? ['summary'],
    issue: { category: 'new', summary: 'Add a canary', description: 'Alert on 5xx.', ...over.issue },
    followUp: { status: 'OPEN', title: 'Add a canary', description: 'Alert on 5xx.', updatedAt: 1_000, ...over.followUp },
    synced: 'synced' in over ? over.synced : base,
    changedAt: over.changedAt ?? 2_000,
  });

  test.each([
    ['Jira changed, Impact as synced → Jira’s title', input({ issue: { summary: 'Add a canary for payments' } }), { title: 'Add a canary for payments' }],
    ['Jira as synced, Impact changed (its event is on its way) → nothing', input({ followUp: { title: 'Impact title' } }), {}],
    ['both changed, Jira later → Jira’s', input({ issue: { summary: 'J' }, followUp: { title: 'I', updatedAt: 1_500 }, changedAt: 2_000 }), { title: 'J' }],
    ['both changed, Impact later → nothing', input({ issue: { summary: 'J' }, followUp: { title: 'I', updatedAt: 2_500 }, changedAt: 2_000 }), {}],
    ['no base (older pair), Jira later → Jira’s', input({ issue: { summary: 'J' }, synced: undefined }), { title: 'J' }],
    ['no base, Impact later → nothing', input({ issue: { summary: 'J' }, synced: undefined, followUp: { updatedAt: 3_000 } }), {}],
    ['both equal → nothing', input({ issue: { summary: 'Same' }, followUp: { title: 'Same' } }), {}],
    ['a field the change did not name is never copied', input({ fields: ['status'], issue: { summary: 'J', description: 'D' } }), {}],
    ['description: paragraphs compared as written', input({ fields: ['description'], issue: { description: 'Alert on 5xx.\n\nPage on-call.' } }), { description: 'Alert on 5xx.\n\nPage on-call.' }],
    ['description: blank-line differences are no change', input({ fields: ['description'], followUp: { description: '  Alert on 5xx.\n\n\n' } }), {}],
    ['status and summary together', input({ fields: ['status', 'summary'], issue: { category: 'done', summary: 'J' } }), { status: 'DONE', title: 'J' }],
  ] as const)('%s', (_name, given, changes) => {
    expect(decideFollowUpFromJira(given).changes).toEqual(changes);
  });

  test('says why a Jira edit was not copied', () => {
    expect(decideFollowUpFromJira(input({ issue: { summary: 'J' }, followUp: { title: 'I', updatedAt: 2_500 } })).kept).toEqual(["title: Impact's edit is newer than Jira's"]);
  });

  test('property: the decision never writes Impact’s own value, and copies only named fields', () => {
    const text = fc.constantFrom('a', 'b', 'c');
    fc.assert(
      fc.property(text, text, text, fc.boolean(), fc.integer({ min: 0, max: 10 }), fc.integer({ min: 0, max: 10 }), (jira, impact, synced, hasBase, changedAt, updatedAt) => {
        const decision = decideFollowUpFromJira(input({ issue: { summary: jira }, followUp: { title: impact, updatedAt }, synced: hasBase ? syncedTextOf({ title: synced }) : undefined, changedAt }));
        expect(Object.keys(decision.changes).every((k) => k === 'title')).toBe(true);
        if (decision.changes.title !== undefined) {
          expect(decision.changes.title).toBe(jira);
          expect(jira).not.toBe(impact);
        }
      }),
    );
  });
});

describe('followUpTextOfIssue', () => {
  test('the issue description as Impact text, without the app’s source line', () => {
    expect(followUpTextOfIssue(followUpDescription('Alert on 5xx.\n\nPage on-call.', 'INC-1', 'OPS-1'))).toBe('Alert on 5xx.\n\nPage on-call.');
    expect(followUpTextOfIssue(followUpDescription('', 'INC-1', 'OPS-1'))).toBe('');
    expect(followUpTextOfIssue(null)).toBe('');
    expect(followUpTextOfIssue({ type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Follow-up of Impact incident, says a person' }] }] })).toBe('Follow-up of Impact incident, says a person');
  });

  test('textHash: stable, and different for different texts', () => {
    expect(textHash('Add a canary')).toBe(textHash('Add a canary'));
    expect(textHash('Add a canary')).not.toBe(textHash('Add a canary!'));
    expect(textHash('')).toMatch(/^[0-9a-f]{8}$/);
  });
});

describe('decideFollowUpToJira: an Impact edit against a later person edit in Jira', () => {
  const synced = syncedTextOf({ title: 'Base', description: 'Base text' });
  const issue = (summary: string, updatedAt: number | null, description = 'Base text') => ({ summary, description, updatedAt });

  test.each([
    ['Jira as synced → Impact’s title written', { fields: { summary: 'I' }, issue: issue('Base', 5_000), changedAt: 1_000, synced }, { summary: 'I' }],
    ['Jira changed after the Impact edit → kept', { fields: { summary: 'I' }, issue: issue('J', 5_000), changedAt: 1_000, synced }, {}],
    ['Jira changed before the Impact edit → Impact’s written', { fields: { summary: 'I' }, issue: issue('J', 500), changedAt: 1_000, synced }, { summary: 'I' }],
    ['Jira shows it already → nothing to write', { fields: { summary: 'I' }, issue: issue('I', 5_000), changedAt: 1_000, synced }, {}],
    ['no base → written (as before text flowed back)', { fields: { summary: 'I' }, issue: issue('J', 5_000), changedAt: 1_000, synced: undefined }, { summary: 'I' }],
    ['unreadable Jira time → written', { fields: { summary: 'I' }, issue: issue('J', null), changedAt: 1_000, synced }, { summary: 'I' }],
    ['description kept, title written', { fields: { summary: 'I', description: 'New' }, issue: issue('Base', 5_000, 'Person text'), changedAt: 1_000, synced }, { summary: 'I' }],
  ] as const)('%s', (_name, given, expected) => {
    const { kept: _kept, synced: _synced, ...write } = decideFollowUpToJira(given);
    expect(write).toEqual(expected);
  });

  test('the next base: what both sides hold after the write, never a kept field', () => {
    const decision = decideFollowUpToJira({ fields: { summary: 'I', description: 'New' }, issue: issue('Base', 5_000, 'Person text'), changedAt: 1_000, synced });
    expect(decision.synced).toEqual(syncedTextOf({ title: 'I' }));
    expect(decision.kept).toEqual(["description: the Jira edit is newer than Impact's"]);
    expect(decideFollowUpToJira({ fields: { summary: 'I' }, issue: issue('I', 5_000), changedAt: 1_000, synced }).synced).toEqual(syncedTextOf({ title: 'I' }));
  });
});
