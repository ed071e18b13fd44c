/**
 * Bulk changelog fetch (`POST /rest/api/3/changelog/bulkfetch`): the changelogs of up to 1000 issues, filtered
 * to up to 10 field ids, sorted oldest first (then by issue id), paged by `nextPageToken`. Each page groups
 * its histories per issue, as in the published example. Unknown issue ids or keys are left out.
 */
import type { Hono } from 'hono';
import { z } from 'zod';
import { parseBody, type RouteDeps, type SimEnv } from '../http';
import type { ChangelogRecord, IssueRecord } from '../model';
import { renderChangelog } from '../render';

/** BulkChangelogRequestBean (additionalProperties: false in the spec, so unknown properties are refused). */
const bulkSchema = z.strictObject({
  issueIdsOrKeys: z.array(z.string()).min(1, 'At least one issue ID or key is required.').max(1000, 'No more than 1000 issue IDs or keys can be requested.'),
  fieldIds: z
    .array(z.string())
    .max(10, 'No more than 10 field IDs can be requested.')
    .refine((ids) => new Set(ids).size === ids.length, 'Field IDs must be unique.')
    .optional(),
  maxResults: z.number().int().min(1).max(10_000).optional(),
  nextPageToken: z.string().optional(),
});

const DEFAULT_MAX_RESULTS = 1000;
const numeric = (id: string) => Number(id) || 0;

/** Histories of the issues, keeping only items of the wanted fields (and only histories left with any). */
function filtered(issues: readonly IssueRecord[], fieldIds: readonly string[] | undefined): { issue: IssueRecord; entry: ChangelogRecord }[] {
  const wanted = fieldIds && fieldIds.length > 0 ? new Set(fieldIds) : undefined;
  const out: { issue: IssueRecord; entry: ChangelogRecord }[] = [];
  for (const issue of issues) {
    for (const entry of issue.changelog) {
      const items = wanted ? entry.items.filter((i) => wanted.has(i.fieldId)) : entry.items;
      if (items.length > 0) out.push({ issue, entry: wanted ? { ...entry, items } : entry });
    }
  }
  return out.sort((a, b) => a.entry.created - b.entry.created || numeric(a.issue.id) - numeric(b.issue.id) || numeric(a.entry.id) - numeric(b.entry.id));
}

export function registerChangelogRoutes(app: Hono<SimEnv>, deps: RouteDeps): void {
  const { state, searchPages } = deps;

  app.post('/rest/api/3/changelog/bulkfetch', async (c) => {
    const request = await parseBody(c, bulkSchema);
    const issues = [...new Map(request.issueIdsOrKeys.flatMap((ref) => {
      const issue = state.findIssue(ref);
      return issue ? [[issue.id, issue] as const] : [];
    })).values()];
    const all = filtered(issues, request.fieldIds);
    const keyOf = (x: { issue: IssueRecord; entry: ChangelogRecord }) => `${x.issue.id}/${x.entry.id}`;
    // The first page fixes the list (as "issueId/changelogId"), so pages neither skip nor repeat entries.
    const page = searchPages.page(request.nextPageToken, request.maxResults ?? DEFAULT_MAX_RESULTS, () => all.map(keyOf));
    const pageKeys = page.ids;
    const byKey = new Map(all.map((x) => [keyOf(x), x]));
    const groups = new Map<string, Record<string, unknown>[]>();
    for (const key of pageKeys) {
      const found = byKey.get(key);
      if (!found) continue;
      const list = groups.get(found.issue.id) ?? [];
      list.push(renderChangelog(state, found.entry));
      groups.set(found.issue.id, list);
    }
    const body: Record<string, unknown> = { issueChangeLogs: [...groups].map(([issueId, changeHistories]) => ({ issueId, changeHistories })) };
    if (page.nextPageToken !== undefined) body['nextPageToken'] = page.nextPageToken;
    return c.json(body);
  });
}
