/**
 * Cut changelogs: Jira's search embeds only the newest histories of an issue (`total` counts all), so the
 * mapping flags those issues and takes their first In Progress moment from a complete status history.
 */
import fc from 'fast-check';
import {
  bulkChangelogBatches,
  decideFailure,
  firstInProgressSettled,
  isChangelogTruncated,
  mapIssue,
  type StatusCategoryKey,
  type StatusChange,
} from '../../../../src/forge/domain/projects';

const SITE = { storyPoints: undefined, sprint: undefined };
/** 1 new, 2 and 4 In Progress, 3 done; 5 is a status the project list does not know. */
const CATEGORIES = new Map<string, StatusCategoryKey>([
  ['1', 'new'],
  ['2', 'indeterminate'],
  ['3', 'done'],
  ['4', 'indeterminate'],
]);
const T0 = Date.UTC(2026, 0, 1);
const HOUR = 3_600_000;
const jiraTime = (ms: number) => new Date(ms).toISOString().replace('Z', '+0000');

interface Entry {
  readonly atMs: number;
  /** A status move to this id, or another field's change. */
  readonly to: string | null;
}

const history = (e: Entry) => ({ created: jiraTime(e.atMs), items: e.to === null ? [{ field: 'summary', to: null }] : [{ field: 'status', fieldId: 'status', to: e.to }] });

function rawIssue(entries: readonly Entry[], changelog: { keepNewest?: number; total?: number; startAt?: number } = {}, current = { id: '3', category: 'done' }) {
  const kept = changelog.keepNewest === undefined ? entries : entries.slice(Math.max(0, entries.length - changelog.keepNewest));
  return {
    id: '10001',
    key: 'A-1',
    fields: {
      summary: 's',
      status: { id: current.id, name: 'Current', statusCategory: { key: current.category } },
      created: jiraTime(T0),
      updated: jiraTime(T0 + 1000 * HOUR),
      resolutiondate: jiraTime(T0 + 1000 * HOUR),
    },
    changelog: { startAt: changelog.startAt ?? 0, maxResults: kept.length, total: changelog.total ?? entries.length, histories: kept.map(history) },
  };
}

const moves = (entries: readonly Entry[]): StatusChange[] => entries.flatMap((e) => (e.to === null ? [] : [{ atMs: e.atMs, toStatusId: e.to }]));

describe('isChangelogTruncated', () => {
  const h = (n: number) => Array.from({ length: n }, () => ({}));
  it.each([
    ['no changelog (not expanded)', undefined, false],
    ['everything embedded', { histories: h(2), startAt: 0, total: 2 }, false],
    ['empty history', { histories: [], total: 0 }, false],
    ['newest 40 of 41', { histories: h(40), startAt: 0, total: 41 }, true],
    ['newest 40 of 500', { histories: h(40), total: 500 }, true],
    ['a page that starts later', { histories: h(5), startAt: 5, total: 10 }, true],
    ['no total: cannot tell, taken as whole', { histories: h(40) }, false],
    ['total below the count (odd, but nothing is missing)', { histories: h(3), total: 2 }, false],
  ])('%s', (_name, changelog, expected) => {
    expect(isChangelogTruncated(changelog)).toBe(expected);
  });
});

describe('mapIssue with a cut changelog', () => {
  // In Progress at +1 h, back to new, In Progress again at +10 h, then 50 edits, then done.
  const entries: Entry[] = [
    { atMs: T0 + HOUR, to: '2' },
    { atMs: T0 + 2 * HOUR, to: '1' },
    { atMs: T0 + 10 * HOUR, to: '4' },
    ...Array.from({ length: 50 }, (_, i) => ({ atMs: T0 + (20 + i) * HOUR, to: null })),
    { atMs: T0 + 1000 * HOUR, to: '3' },
  ];

  it.each([
    ['whole changelog: from the embedded histories', {}, undefined, false, T0 + HOUR],
    ['cut changelog, no full history yet: flagged, start unknown', { keepNewest: 40 }, undefined, true, null],
    ['cut changelog, with the full status history', { keepNewest: 40 }, moves(entries), false, T0 + HOUR],
    ['cut changelog, full history without the first move: the later one', { keepNewest: 40 }, moves(entries).slice(2), false, T0 + 10 * HOUR],
    ['cut changelog, the embedded part still counts', { keepNewest: 53 }, [], false, T0 + 10 * HOUR],
  ] as const)('%s', (_name, cut, full, needsFullHistory, inProgressMs) => {
    const m = mapIssue(rawIssue(entries, cut), SITE, CATEGORIES, full);
    if (!m.ok) throw new Error(m.error);
    expect(m.needsFullHistory).toBe(needsFullHistory);
    expect(m.issue.inProgressMs).toBe(inProgressMs);
    expect(m.issue.cycleTimeHours).toBe(inProgressMs === null ? null : (T0 + 1000 * HOUR - inProgressMs) / HOUR);
  });

  it('reads the current status category from the issue for a status the project list lacks', () => {
    const m = mapIssue(rawIssue([{ atMs: T0 + 5 * HOUR, to: '5' }], {}, { id: '5', category: 'indeterminate' }), SITE, CATEGORIES, [{ atMs: T0 + 3 * HOUR, toStatusId: '5' }]);
    expect(m.ok && m.issue.inProgressMs).toBe(T0 + 3 * HOUR);
  });
});

describe('bulk changelog helpers', () => {
  it('splits ids into batches of at most 1000, without repeats', () => {
    const ids = Array.from({ length: 2500 }, (_, i) => String(i));
    expect(bulkChangelogBatches([...ids, '7']).map((b) => b.length)).toEqual([1000, 1000, 500]);
    expect(bulkChangelogBatches([])).toEqual([]);
  });

  it.each([
    ['every issue has a move into In Progress', new Map([['a', [{ atMs: 1, toStatusId: '2' }]], ['b', [{ atMs: 2, toStatusId: '4' }]]]), true],
    ['one issue has none yet', new Map([['a', [{ atMs: 1, toStatusId: '2' }]], ['b', [{ atMs: 2, toStatusId: '1' }]]]), false],
    ['one issue not seen at all', new Map([['a', [{ atMs: 1, toStatusId: '2' }]]]), false],
    ['a status of unknown category settles nothing', new Map([['a', [{ atMs: 1, toStatusId: '5' }]], ['b', [{ atMs: 1, toStatusId: '2' }]]]), false],
  ])('settled when %s: %s', (_name, changes, expected) => {
    expect(firstInProgressSettled(['a', 'b'], changes, CATEGORIES)).toBe(expected);
  });

  it('a failed changelog request never untracks the project nor restarts the search', () => {
    expect(decideFailure({ kind: 'not-found', message: 'x' }, 0, true, 'changelog').kind).toBe('stop');
    expect(decideFailure({ kind: 'rejected', status: 400, jiraMessages: ['The provided next page token is invalid or expired.'] }, 0, true, 'changelog')).toEqual({
      kind: 'stop',
      message: 'Jira refused the changelog request (HTTP 400): The provided next page token is invalid or expired.',
    });
    expect(decideFailure({ kind: 'rate-limited', retryAfterSeconds: 12 }, 0, true, 'changelog')).toEqual({ kind: 'retry', afterSeconds: 12, rateLimited: true });
    expect(decideFailure({ kind: 'unavailable', status: 503, message: 'down' }, 2, false, 'changelog')).toEqual({ kind: 'retry', afterSeconds: 20, rateLimited: false });
  });
});

describe('property: a cut changelog plus the bulk history gives the true first In Progress moment', () => {
  const entryArb = fc.record({ gapMs: fc.integer({ min: 0, max: 5 * HOUR }), to: fc.constantFrom<string | null>(null, null, '1', '2', '3', '4', '5') });

  it('holds for any history, any cut, any bulk page size', () => {
    fc.assert(
      fc.property(fc.array(entryArb, { maxLength: 120 }), fc.nat(), fc.integer({ min: 1, max: 7 }), (gaps, cutSeed, pageSize) => {
        let t = T0;
        const entries: Entry[] = gaps.map((g) => ({ atMs: (t += g.gapMs), to: g.to }));
        const keep = entries.length === 0 ? 0 : cutSeed % (entries.length + 1);
        const lastMove = [...entries].reverse().find((e) => e.to !== null)?.to ?? '1';
        const current = { id: lastMove, category: CATEGORIES.get(lastMove) ?? 'indeterminate' };
        const categoryOf = (id: string) => (id === current.id ? current.category : (CATEGORIES.get(id) ?? 'unknown'));
        // Reference: a plain scan of the whole history.
        const truth = entries.filter((e) => e.to !== null && categoryOf(e.to) === 'indeterminate').map((e) => e.atMs)[0] ?? null;

        const cut = rawIssue(entries, { keepNewest: keep }, current);
        const first = mapIssue(cut, SITE, CATEGORIES);
        if (!first.ok) throw new Error(first.error);
        expect(first.needsFullHistory).toBe(keep < entries.length);
        if (!first.needsFullHistory) expect(first.issue.inProgressMs).toBe(truth);

        // Bulk pages come oldest first; paging stops once the first In Progress move is settled.
        const all = moves(entries);
        const fetched: StatusChange[] = [];
        for (let offset = 0; offset < all.length; offset += pageSize) {
          fetched.push(...all.slice(offset, offset + pageSize));
          if (firstInProgressSettled(['10001'], new Map([['10001', fetched]]), CATEGORIES)) break;
        }
        const full = mapIssue(cut, SITE, CATEGORIES, fetched);
        if (!full.ok) throw new Error(full.error);
        expect(full.needsFullHistory).toBe(false);
        expect(full.issue.inProgressMs).toBe(truth);
      }),
      { numRuns: 300 },
    );
  });
});
