/**
 * The directory's paged storage: reads that cross page boundaries, manual changes that move people between the
 * lists (splitting a page that grows past twice its size), and a run that replaces every page.
 */
import type { MatchedPerson, UnmatchedPerson } from '../../../src/forge/domain/people';
import { DirectoryKeys, PAGE_SIZE, findPerson, readHead, readListPage, replaceEntry, writeDirectory } from '../../../src/forge/people/directory-store';
import { InMemoryStore } from '../../support/in-memory-store';

const email = (i: number) => `p${String(i).padStart(4, '0')}@example.com`;
const matched = (i: number): MatchedPerson => ({ email: email(i), name: `P ${i}`, account: { accountId: `a${i}`, displayName: `P ${i}` }, by: 'email' });
const unmatched = (i: number): UnmatchedPerson => ({ email: email(i), name: `P ${i}`, reason: 'no-account', candidates: [] });

async function seeded(matchedCount: number, unmatchedFrom: number, unmatchedCount: number) {
  const store = new InMemoryStore();
  const result = {
    matched: Array.from({ length: matchedCount }, (_, i) => matched(i)),
    unmatched: Array.from({ length: unmatchedCount }, (_, i) => unmatched(unmatchedFrom + i)),
  };
  await writeDirectory(store, result, { jiraUsers: matchedCount, impactPeople: matchedCount + unmatchedCount }, 1);
  return store;
}

async function pageKeys(store: InMemoryStore): Promise<string[]> {
  const keys: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listByPrefix('ud:page:', { limit: 20, cursor });
    keys.push(...page.results.map((r) => r.key));
    cursor = page.nextCursor;
  } while (cursor);
  return keys.sort();
}

describe('directory store', () => {
  it('reads any window of a list, across page boundaries, in email order', async () => {
    const store = await seeded(250, 1000, 3);
    const head = (await readHead(store))!;
    expect(head.lists.matched.map((r) => r.count)).toEqual([PAGE_SIZE, PAGE_SIZE, 50]);
    const window = await readListPage(store, head, 'matched', 90, 25);
    expect(window.total).toBe(250);
    expect(window.entries.map((e) => e.email)).toEqual(Array.from({ length: 25 }, (_, i) => email(90 + i)));
    expect((await readListPage(store, head, 'matched', 240, 25)).entries).toHaveLength(10);
    expect((await readListPage(store, head, 'unmatched', 0, 25)).entries.map((e) => e.email)).toEqual([email(1000), email(1001), email(1002)]);
  });

  it('moves people between the lists, splitting a page that grows past twice its size, and finds them after', async () => {
    // 100 matched (one page), 250 unmatched that all get matched by hand one by one.
    const store = await seeded(100, 100, 250);
    let head = (await readHead(store))!;
    for (let i = 100; i < 350; i += 1) {
      const found = await findPerson(store, head, email(i));
      expect(found?.list).toBe('unmatched');
      head = await replaceEntry(store, head, 'unmatched', { ...matched(i), by: 'manual' }, 'matched', 2);
    }
    expect(head.lists.unmatched).toEqual([]);
    expect(head.lists.matched.reduce((n, r) => n + r.count, 0)).toBe(350);
    expect(Math.max(...head.lists.matched.map((r) => r.count))).toBeLessThanOrEqual(2 * PAGE_SIZE);
    const all = await readListPage(store, head, 'matched', 0, 350);
    expect(all.entries.map((e) => e.email)).toEqual(Array.from({ length: 350 }, (_, i) => email(i)));
    expect(await findPerson(store, head, email(349))).toMatchObject({ list: 'matched', entry: { by: 'manual' } });
    // Emptied unmatched pages were deleted; every page the head names exists.
    expect(await pageKeys(store)).toEqual(head.lists.matched.map((r) => DirectoryKeys.page(r.id)).sort());
  });

  it('a run replaces the previous pages', async () => {
    const store = await seeded(150, 1000, 0);
    await writeDirectory(store, { matched: [matched(1)], unmatched: [] }, { jiraUsers: 1, impactPeople: 1 }, 2);
    const head = (await readHead(store))!;
    expect(await pageKeys(store)).toEqual([DirectoryKeys.page(head.lists.matched[0]!.id)]);
  });
});
