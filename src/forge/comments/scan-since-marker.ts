import { commentCouldBeOurs, jiraCommentTime } from '../domain/incidents/notes';
import type { JiraResult } from '../ports/jira';
import type { EntityProperty, JiraIncidentPort } from '../ports/jira-incidents';

/** The two comment reads the scan needs (both the alerts' and the incidents' Jira ports have them). */
export type CommentReader = Pick<JiraIncidentPort, 'listComments' | 'getCommentProperties'>;

export interface CommentWithProperties {
  readonly id: string;
  readonly properties: readonly EntityProperty[];
}

const COMMENT_PAGE = 100;

/**
 * Looks for comments the app may have posted since a marker written just before its POST (a lost answer or a death
 * between Jira's answer and the save): pages of 100 comments newest first, and the properties of those created since
 * the marker (less the clock skew, `commentCouldBeOurs`) through POST /comment/list?expand=properties. `visit` sees
 * each page's candidates and stops the scan by returning a value. A next page is read only while a whole page is newer
 * than the marker (a busy issue can take 100 comments before the retry), so it typically costs 1 page + 1 properties read.
 */
export async function scanCommentsSinceMarker<T>(
  jira: CommentReader,
  issueIdOrKey: string,
  since: number,
  visit: (comments: readonly CommentWithProperties[]) => T | undefined,
): Promise<JiraResult<T | undefined>> {
  for (let startAt = 0; ; startAt += COMMENT_PAGE) {
    const page = await jira.listComments(issueIdOrKey, { startAt, maxResults: COMMENT_PAGE });
    if (!page.ok) return page;
    const recent = page.value.comments.filter((c) => commentCouldBeOurs(jiraCommentTime(c.created), since)).map((c) => c.id);
    if (recent.length > 0) {
      const withProperties = await jira.getCommentProperties(recent);
      if (!withProperties.ok) return withProperties;
      const found = visit(withProperties.value);
      if (found !== undefined) return { ok: true, value: found };
    }
    const exhausted = page.value.comments.length < COMMENT_PAGE || startAt + COMMENT_PAGE >= page.value.total;
    if (exhausted || recent.length < page.value.comments.length) return { ok: true, value: undefined };
  }
}
