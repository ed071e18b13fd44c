import { z } from 'zod';
import { closureMessage, mayCloseIncidentIssue, type StatusCategoryKey } from '../domain/incidents';
import type { JiraIncidentPort } from '../ports/jira-incidents';
import type { KeyValueStore } from '../ports/key-value-store';
import type { Logger } from '../ports/logger';
import { StorageKeys } from '../constants';
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
 *
 * Forge passes a function validator only `{issue: {key}, transition: {from: {id}, to: {id}}}` [D manifest-reference
 * jira-workflow-validator, "Validating with lambda functions"]; an `issue.id`, if Jira ever sends one, is used as is.
 * The key is turned into the issue id without a Jira read for every issue the app created (alert and incident issues:
 * the `issue-id:<KEY>` pair written at create, true for good since Jira never gives a key to another issue), so an
 * alert issue closing in a workflow that carries this validator costs no Jira call. Only an issue the app did not
 * create, or one moved to a new key since, is read by key (as exact as before: the incident index is by id). A deleted
 * issue's pair goes with it (entry/trigger/issue-deleted.ts), so a key Jira hands out again after a project is deleted
 * for good is read from Jira too.
 */
export async function validateClosure(input: unknown, deps: { readonly store: KeyValueStore; readonly jira: JiraIncidentPort; readonly logger: Logger }): Promise<ValidatorResult> {
  const parsed = validatorInputSchema.safeParse(input);
  if (!parsed.success) return { result: true };
  const key = parsed.data.issue.key;
  let issueId = parsed.data.issue.id === undefined ? undefined : String(parsed.data.issue.id);
  if (issueId === undefined && key) issueId = (await deps.store.get<string>(StorageKeys.issueIdByKey(key))) ?? (await issueIdFromJira(key, deps.jira));
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

async function issueIdFromJira(key: string, jira: JiraIncidentPort): Promise<string | undefined> {
  const issue = await jira.getIssueStatus(key);
  return issue.ok ? issue.value.id : undefined;
}
