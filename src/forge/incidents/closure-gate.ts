import { closureMessage, mayCloseIncidentIssue, type IncidentLink, type IncidentSyncConfig } from '../domain/incidents';
import type { JiraIncidentPort } from '../ports/jira-incidents';

/**
 * Impact → Jira CLOSED and the "Post-mortem done before closing" workflow validator (the rule, README
 * "Impact ⇄ Jira incident sync"): the app does not ask Jira to close an incident issue that the validator
 * would refuse. While the post-mortem is open (or missing, when the settings require one), the close is held:
 * the delivery log says why, nothing is written, and the issue closes once the post-mortem issue is done
 * (the issue-updated trigger then queues a resync of the incident, entry/trigger/post-mortem-done.ts).
 * The decision is the validator's own (mayCloseIncidentIssue), so the two never disagree. One Jira read
 * (the post-mortem's status) per CLOSED event with a post-mortem; a failed read does not hold: the close is
 * then attempted and the validator decides.
 */
export async function closureHold(jira: JiraIncidentPort, config: IncidentSyncConfig, link: IncidentLink): Promise<string | null> {
  let postMortem: { issueKey: string; statusCategory: 'new' | 'indeterminate' | 'done' } | null = null;
  if (link.postMortem) {
    const status = await jira.getIssueStatus(link.postMortem.issueId);
    if (!status.ok) return null;
    const category = status.value.status.category;
    postMortem = { issueKey: link.postMortem.issueKey, statusCategory: category === 'unknown' ? 'indeterminate' : category };
  }
  return closureMessage(mayCloseIncidentIssue({ postMortem, requirePostMortem: config.postMortem.requirePostMortemToClose }));
}
