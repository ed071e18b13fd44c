import { plannedCreateForIncident, plannedCreateForPostMortem, plannedCreateForRule, preflightCreate, uncheckedReport, type PlannedCreate, type PreflightReport } from '../domain/preflight';
import type { Rule } from '../domain/alerts';
import type { FieldMappingConfig, PostMortemConfig } from '../domain/incidents';
import type { CreateMetaPort } from '../ports/create-meta';
import { describeJiraFailure, type JiraFailure, type JiraResult } from '../ports/jira';
import type { CreateMetadata } from '../domain/preflight';
import { loadCreateMetadata } from './create-metadata';

export type MetadataLoader = (projectKey: string, issueType: string) => Promise<JiraResult<CreateMetadata>>;

function unreadable(planned: PlannedCreate, failure: JiraFailure): PreflightReport {
  return uncheckedReport(planned, failure.kind === 'not-found' ? `Jira says: ${failure.message}` : describeJiraFailure(failure));
}

/** Pre-flight of one planned create: Jira's metadata read through `load`; an unreadable one only warns. */
export async function preflightPlanned(planned: PlannedCreate, load: MetadataLoader): Promise<PreflightReport> {
  const meta = await load(planned.projectKey, planned.issueType.value);
  return meta.ok ? preflightCreate(meta.value, planned) : unreadable(planned, meta.failure);
}

export const preflightRule = (rule: Rule, port: CreateMetaPort, load: MetadataLoader = (p, t) => loadCreateMetadata(port, p, t)): Promise<PreflightReport> =>
  preflightPlanned(plannedCreateForRule(rule), load);

export const preflightIncidentMapping = (mapping: FieldMappingConfig, port: CreateMetaPort): Promise<PreflightReport> =>
  preflightPlanned(plannedCreateForIncident(mapping), (p, t) => loadCreateMetadata(port, p, t));

export const preflightPostMortem = (config: PostMortemConfig, port: CreateMetaPort): Promise<PreflightReport> =>
  preflightPlanned(plannedCreateForPostMortem(config), (p, t) => loadCreateMetadata(port, p, t));

/** One line for a delivery log or an error message: the errors (or warnings) in Jira's terms. */
export function describePreflight(report: PreflightReport): string {
  const errors = report.findings.filter((f) => f.severity === 'error');
  const shown = errors.length > 0 ? errors : report.findings;
  return shown.map((f) => f.message).join(' ');
}
