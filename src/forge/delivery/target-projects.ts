/**
 * The Jira projects a failed delivery targets, for the retry's permission check: an Alertmanager event goes
 * where the rules send its alerts; an Impact event, a Jira change of an incident issue and a resync go to the
 * incident project. Worked out from the record when it was written before failed deliveries kept them.
 */
import { alertmanagerWebhookSchema } from '../../shared/alertmanager-webhook';
import type { RelayEvent } from '../../shared/relay-envelope';
import { compileRules, planNotification, type CompiledRules } from '../domain/alerts';
import { loadRules } from '../alerts/rule-store';
import { incidentIdForIssue, loadRecord } from '../incidents/incident-store';
import { loadSiteSettings } from '../incidents/incident-settings';
import { projectOfIssueKey, routeIncident } from '../domain/incidents';
import type { KeyValueStore } from '../ports/key-value-store';
import type { FailedDelivery } from './delivery-record';

/** Target projects of an Alertmanager event under these rules (none when no rule matches or the body is unreadable). */
export function alertTargetProjects(event: RelayEvent, rules: CompiledRules): string[] {
  const body = alertmanagerWebhookSchema.safeParse(event.body);
  if (!body.success) return [];
  return [...new Set(planNotification(body.data, rules).problems.map((p) => p.rule.target.projectKey))].sort();
}

export async function targetProjectsOf(failed: FailedDelivery, store: KeyValueStore): Promise<string[]> {
  if (failed.projectKeys && failed.projectKeys.length > 0) return [...failed.projectKeys];
  if (failed.event?.source === 'alertmanager') return alertTargetProjects(failed.event, compileRules((await loadRules(store)).rules));
  return [await incidentTargetProject(failed, store)];
}

/** The project the incident's issue is in; before it has one, where its category routes it. */
async function incidentTargetProject(failed: FailedDelivery, store: KeyValueStore): Promise<string> {
  const body = (failed.event?.body ?? null) as { incident?: { id?: unknown; category?: unknown } } | null;
  const incidentId =
    typeof body?.incident?.id === 'string' ? body.incident.id : failed.jiraChange ? await incidentIdForIssue(store, failed.jiraChange.issueId) : failed.resync?.incidentId;
  const [settings, record] = await Promise.all([loadSiteSettings(store), incidentId === undefined ? null : loadRecord(store, incidentId)]);
  if (record?.link) return projectOfIssueKey(record.link.issueKey);
  const category = typeof body?.incident?.category === 'string' ? body.incident.category : null;
  return routeIncident(category, settings.routing, settings.site).projectKey;
}
