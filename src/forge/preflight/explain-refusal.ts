import { alertmanagerWebhookSchema } from '../../shared/alertmanager-webhook';
import type { RelayEvent } from '../../shared/relay-envelope';
import { planNotification, type CompiledRules } from '../domain/alerts';
import { plannedCreateForRule, preflightCreate } from '../domain/preflight';
import type { CreateMetaPort } from '../ports/create-meta';
import type { JiraFailure } from '../ports/jira';
import type { KeyValueStore } from '../ports/key-value-store';
import { cachedCreateMetadata } from './create-metadata';

export interface RefusalExplainerDeps {
  readonly store: KeyValueStore;
  /** Create metadata as the app; without it refusals are logged with Jira's own words only. */
  readonly createMeta?: CreateMetaPort;
}

/**
 * Why Jira refused (400) an alert's issue, in the pre-flight's words: the rules the notification selects are
 * checked against Jira's create metadata (KVS-cached an hour, so a storm of refusals costs Jira 1–2 calls per
 * rule and hour). Null when there is nothing to add (not a 400, a refusal of the project itself, metadata
 * unreadable, no pre-flight error).
 */
export async function explainAlertRefusal(event: RelayEvent, rules: CompiledRules, failure: { readonly kind: string } | JiraFailure, deps: RefusalExplainerDeps): Promise<string | null> {
  if (failure.kind !== 'rejected' || !('status' in failure) || failure.status !== 400 || !deps.createMeta) return null;
  // A refusal that names only the project (missing, or not visible to the app) has nothing for metadata to add.
  if (failure.jiraMessages.length > 0 && failure.jiraMessages.every((m) => m.startsWith('project:'))) return null;
  const body = alertmanagerWebhookSchema.safeParse(event.body);
  if (!body.success) return null;
  const winners = [...new Map(planNotification(body.data, rules).problems.map(({ rule }) => [rule.id, rule])).values()];
  const lines: string[] = [];
  for (const rule of winners) {
    const planned = plannedCreateForRule(rule);
    const meta = await cachedCreateMetadata(deps.store, deps.createMeta, planned.projectKey, planned.issueType.value);
    if (!meta.ok) continue;
    const errors = preflightCreate(meta.value, planned).findings.filter((f) => f.severity === 'error');
    if (errors.length > 0) lines.push(`rule "${rule.name}": ${errors.map((f) => f.message).join(' ')}`);
  }
  return lines.length === 0 ? null : `Pre-flight: ${lines.join('; ')}`;
}
