import { z } from 'zod';
import { closureMessage, mayCloseIncidentIssue, type StatusCategoryKey } from '../domain/incidents';
import type { JiraIncidentPort } from '../ports/jira-incidents';
import type { KeyValueStore } from '../ports/key-value-store';
import type { Logger } from '../ports/logger';
import { incidentIdForIssue, loadRecord } from './incident-store';
import { configForIssueKey } from './incident-settings';

/** What Jira sends a function-based `jira:workflowValidator` (only the parts read here). */
const validatorInputSchema = z
  .object({
    issue: z.object({ id: z.union([z.string(), z.number()]).optional(), key: z.string().optional() }).loose(),
  })
  .loose();

export interface ValidatorResult {
  readonly result: boolean;
  readonly errorMessage?: string;
}

/**
 * Added by an admin to the closing transitions of the incident workflow: an incident issue may close
 * only once its post-mortem issue is done. Issues that are not incident issues always pass; when Jira
 * cannot be asked, the transition is allowed (a validator outage must not freeze the workflow).
 */
export async function validateClosure(input: unknown, deps: { readonly store: KeyValueStore; readonly jira: JiraIncidentPort; readonly logger: Logger }): Promise<ValidatorResult> {
  const parsed = validatorInputSchema.safeParse(input);
  if (!parsed.success) return { result: true };
  let issueId = parsed.data.issue.id === undefined ? undefined : String(parsed.data.issue.id);
  if (issueId === undefined && parsed.data.issue.key) {
    const issue = await deps.jira.getIssueStatus(parsed.data.issue.key);
    if (issue.ok) issueId = issue.value.id;
  }
  if (issueId === undefined) return { result: true };
  const incidentId = await incidentIdForIssue(deps.store, issueId);
  if (!incidentId) return { result: true };
  const record = await loadRecord(deps.store, incidentId);
  // "Post-mortem required" is a setting of the project the incident issue is in.
  const config = await configForIssueKey(deps.store, record.link?.issueKey ?? parsed.data.issue.key ?? '');
  let postMortem: { issueKey: string; statusCategory: StatusCategoryKey } | null = null;
  if (record.link?.postMortem) {
    const status = await deps.jira.getIssueStatus(record.link.postMortem.issueId);
    if (!status.ok) {
      deps.logger.warn('closure validator could not read the post-mortem; allowing', { incidentId });
      return { result: true };
    }
    const category = status.value.status.category;
    postMortem = { issueKey: record.link.postMortem.issueKey, statusCategory: category === 'unknown' ? 'indeterminate' : category };
  }
  const decision = mayCloseIncidentIssue({ postMortem, requirePostMortem: config.postMortem.requirePostMortemToClose });
  const message = closureMessage(decision);
  return message === null ? { result: true } : { result: false, errorMessage: message };
}
