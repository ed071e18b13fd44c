/** Follow-up decisions (domain/incidents/follow-ups.ts). */
import fc from 'fast-check';
import {
  DEFAULT_INCIDENT_SYNC_CONFIG,
  decideFollowUpChange,
  followUpIssueJql,
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
