/** Comments ⇄ notes decisions (domain/incidents/notes.ts): every change against every state of its pair. */
import fc from 'fast-check';
import { COMMENT_CLOCK_SKEW_MS, NOTE_COMMENT_PROPERTY, commentCouldBeOurs, commentOfNote, decideCommentChange, decideNoteChange, jiraCommentTime, upsertPair, type NotePair } from '../../../../src/forge/domain/incidents';

const fromJira: NotePair = { commentId: 'c1', noteId: 'n1', origin: 'jira', commentUpdated: 1000, noteVersion: 1 };
const fromImpact: NotePair = { commentId: 'c2', noteId: 'n2', origin: 'impact', noteVersion: 1 };

describe('decideCommentChange', () => {
  test.each([
    ['new comment', undefined, { kind: 'written', commentId: 'c1', updated: 1000 }, 'create-note'],
    ['edit of a copied comment', fromJira, { kind: 'written', commentId: 'c1', updated: 2000 }, 'edit-note'],
    ['the same text again (redelivered)', fromJira, { kind: 'written', commentId: 'c1', updated: 1000 }, 'skip'],
    ['an older edit arriving late', fromJira, { kind: 'written', commentId: 'c1', updated: 500 }, 'skip'],
    ['a person edits the app’s copy of a note', fromImpact, { kind: 'written', commentId: 'c2', updated: 2000 }, 'skip'],
    ['an edit after the deletion', { ...fromJira, deleted: true }, { kind: 'written', commentId: 'c1', updated: 9000 }, 'skip'],
    ['deletion of a copied comment', fromJira, { kind: 'deleted', commentId: 'c1' }, 'delete-note'],
    ['deletion of the app’s copy', fromImpact, { kind: 'deleted', commentId: 'c2' }, 'skip'],
    ['deletion before the create was applied', undefined, { kind: 'deleted', commentId: 'c9' }, 'skip'],
  ] as const)('%s → %s', (_name, pair, change, kind) => {
    expect(decideCommentChange(pair, change).kind).toBe(kind);
  });

  test('an edit of a copied comment is conditional on the note version the app wrote', () => {
    expect(decideCommentChange(fromJira, { kind: 'written', commentId: 'c1', updated: 2000 })).toEqual({ kind: 'edit-note', noteId: 'n1', ifVersion: 1 });
  });

  test('a deletion before the create leaves a tombstone, so the late create copies nothing', () => {
    const first = decideCommentChange(undefined, { kind: 'deleted', commentId: 'c9' });
    expect(first.kind === 'skip' && first.pair).toEqual({ commentId: 'c9', noteId: null, origin: 'jira', deleted: true });
    const pair = first.kind === 'skip' && first.pair ? first.pair : undefined;
    expect(decideCommentChange(pair, { kind: 'written', commentId: 'c9', updated: 1 }).kind).toBe('skip');
  });

  test('the app’s copy deleted in Jira: the note stays and is no longer copied', () => {
    const decision = decideCommentChange(fromImpact, { kind: 'deleted', commentId: 'c2' });
    expect(decision.kind === 'skip' && decision.pair).toEqual({ ...fromImpact, deleted: true });
    expect(decideNoteChange({ ...fromImpact, deleted: true }, { kind: 'updated', noteId: 'n2', version: 2 }).kind).toBe('skip');
  });
});

describe('decideNoteChange', () => {
  test.each([
    ['new note', undefined, { kind: 'created', noteId: 'n2', version: 1 }, 'add-comment'],
    ['an edit arriving before its create', undefined, { kind: 'updated', noteId: 'n2', version: 2 }, 'add-comment'],
    ['the create arriving after that edit', { ...fromImpact, noteVersion: 2 }, { kind: 'created', noteId: 'n2', version: 1 }, 'skip'],
    ['edit of a copied note', fromImpact, { kind: 'updated', noteId: 'n2', version: 2 }, 'edit-comment'],
    ['a redelivered edit', { ...fromImpact, noteVersion: 2 }, { kind: 'updated', noteId: 'n2', version: 2 }, 'skip'],
    ['a change of the app’s copy of a comment', fromJira, { kind: 'updated', noteId: 'n1', version: 3 }, 'skip'],
    ['deletion of a copied note', fromImpact, { kind: 'deleted', noteId: 'n2', version: 3 }, 'delete-comment'],
    ['deletion of the app’s copy', fromJira, { kind: 'deleted', noteId: 'n1', version: 3 }, 'skip'],
    ['an edit after the deletion', { ...fromImpact, deleted: true }, { kind: 'updated', noteId: 'n2', version: 9 }, 'skip'],
  ] as const)('%s → %s', (_name, pair, change, kind) => {
    expect(decideNoteChange(pair, change).kind).toBe(kind);
  });
});

describe('upsertPair', () => {
  test('keeps one pair per comment and note; newest orders win and a deletion sticks, whatever the order', () => {
    const updates = fc.array(
      fc.record({ commentUpdated: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }), noteVersion: fc.option(fc.integer({ min: 1, max: 9 }), { nil: undefined }), deleted: fc.boolean() }),
      { minLength: 1, maxLength: 8 },
    );
    fc.assert(
      fc.property(updates, (list) => {
        const pairs = list.reduce<NotePair[]>(
          (acc, u) =>
            upsertPair(acc, {
              commentId: 'c1',
              noteId: 'n1',
              origin: 'jira',
              ...(u.commentUpdated === undefined ? {} : { commentUpdated: u.commentUpdated }),
              ...(u.noteVersion === undefined ? {} : { noteVersion: u.noteVersion }),
              ...(u.deleted ? { deleted: true as const } : {}),
            }),
          [fromImpact],
        );
        expect(pairs).toHaveLength(2);
        const mine = pairs.find((p) => p.commentId === 'c1')!;
        const max = (xs: (number | undefined)[]) => (xs.some((x) => x !== undefined) ? Math.max(...xs.filter((x): x is number => x !== undefined)) : undefined);
        expect(mine.commentUpdated).toBe(max(list.map((u) => u.commentUpdated)));
        expect(mine.noteVersion).toBe(max(list.map((u) => u.noteVersion)));
        expect(mine.deleted === true).toBe(list.some((u) => u.deleted));
      }),
    );
  });

  test('a pair learned from one side joins the one known from the other', () => {
    const pairs = upsertPair([{ commentId: null, noteId: 'n5', origin: 'impact', noteVersion: 2, deleted: true }], { commentId: 'c5', noteId: 'n5', origin: 'impact', noteVersion: 1 });
    expect(pairs).toEqual([{ commentId: 'c5', noteId: 'n5', origin: 'impact', noteVersion: 2, deleted: true }]);
  });
});

test('jiraCommentTime reads Jira’s offset without a colon', () => {
  expect(jiraCommentTime('2026-12-06T17:00:00.000+0000')).toBe(Date.parse('2026-12-06T17:00:00.000Z'));
  expect(jiraCommentTime('2026-12-06T18:00:00.000+0100')).toBe(Date.parse('2026-12-06T17:00:00.000Z'));
  expect(jiraCommentTime('yesterday')).toBeNull();
  expect(jiraCommentTime(undefined)).toBeNull();
});

describe('a lost answer of the note → comment create (creation marker)', () => {
  const marker: NotePair = { commentId: null, noteId: 'n5', origin: 'impact', creating: { at: 10_000 } };

  test.each([
    ['the retry of the create finds the marker: look up', { kind: 'created', noteId: 'n5', version: 1 }, { kind: 'find-comment', since: 10_000, then: 'write' }],
    ['an edit queued behind it: look up, then write its text', { kind: 'updated', noteId: 'n5', version: 2 }, { kind: 'find-comment', since: 10_000, then: 'write' }],
    ['a deletion: look up, then delete what was found', { kind: 'deleted', noteId: 'n5', version: 3 }, { kind: 'find-comment', since: 10_000, then: 'delete' }],
  ] as const)('%s', (_name, change, decision) => {
    expect(decideNoteChange(marker, change)).toEqual(decision);
  });

  test('no marker, no lookup: a first create posts, a copied note is edited', () => {
    expect(decideNoteChange(undefined, { kind: 'created', noteId: 'n5', version: 1 }).kind).toBe('add-comment');
    expect(decideNoteChange({ ...marker, commentId: 'c5', creating: undefined, noteVersion: 1 }, { kind: 'updated', noteId: 'n5', version: 2 }).kind).toBe('edit-comment');
  });

  test('the marker lasts (its earliest time) until the comment id is stored, then is gone', () => {
    const again = upsertPair([marker], { ...marker, creating: { at: 20_000 } });
    expect(again).toEqual([marker]);
    const stored = upsertPair(again, { commentId: 'c5', noteId: 'n5', origin: 'impact', noteVersion: 1 });
    expect(stored).toEqual([{ commentId: 'c5', noteId: 'n5', origin: 'impact', noteVersion: 1 }]);
    expect(decideNoteChange(stored[0], { kind: 'created', noteId: 'n5', version: 1 }).kind).toBe('skip');
  });

  test('commentOfNote picks the comment whose property names this incident and note', () => {
    const prop = (incidentId: string, noteId: string, noteVersion?: number) => [{ key: NOTE_COMMENT_PROPERTY, value: { incidentId, noteId, ...(noteVersion === undefined ? {} : { noteVersion }) } }];
    const comments = [
      { id: '1', properties: [] },
      { id: '2', properties: prop('INC-2', 'n5', 1) },
      { id: '3', properties: [{ key: 'other', value: { incidentId: 'INC-1', noteId: 'n5' } }] },
      { id: '4', properties: prop('INC-1', 'n5', 2) },
    ];
    expect(commentOfNote(comments, 'INC-1', 'n5')).toEqual({ commentId: '4', noteVersion: 2 });
    expect(commentOfNote(comments, 'INC-1', 'n6')).toBeNull();
    expect(commentOfNote([{ id: '9', properties: prop('INC-1', 'n5') }], 'INC-1', 'n5')).toEqual({ commentId: '9', noteVersion: undefined });
  });

  test('commentCouldBeOurs: created since the marker, less the clock skew; unreadable times are kept', () => {
    expect(commentCouldBeOurs(10_000 - COMMENT_CLOCK_SKEW_MS, 10_000)).toBe(true);
    expect(commentCouldBeOurs(10_000 - COMMENT_CLOCK_SKEW_MS - 1, 10_000)).toBe(false);
    expect(commentCouldBeOurs(null, 10_000)).toBe(true);
  });

  test('property: whatever pairs the record holds, a marker without a comment id never decides to post blindly', () => {
    fc.assert(
      fc.property(fc.constantFrom('created', 'updated', 'deleted') as fc.Arbitrary<'created' | 'updated' | 'deleted'>, fc.integer({ min: 1, max: 9 }), fc.integer({ min: 0, max: 1e12 }), (kind, version, at) => {
        const decision = decideNoteChange({ commentId: null, noteId: 'n', origin: 'impact', creating: { at } }, { kind, noteId: 'n', version });
        expect(decision).toEqual({ kind: 'find-comment', since: at, then: kind === 'deleted' ? 'delete' : 'write' });
      }),
    );
  });
});
