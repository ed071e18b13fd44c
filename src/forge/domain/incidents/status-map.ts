import { IMPACT_STATUSES, type ImpactStatus } from '../../../shared/impact/incident';
import { normalizeName } from '../workflow/status-name';

export { normalizeName };

/**
 * Per-project status maps, held as data. Jira status names are compared case- and
 * whitespace-insensitively (seed 004 spells "in progress" in lower case).
 */
export interface StatusMapConfig {
  /** Every Impact status must have a Jira target. */
  readonly impactToJira: Readonly<Record<ImpactStatus, string>>;
  /** Jira status name → Impact status. Jira statuses not listed are not synced to Impact. */
  readonly jiraToImpact: Readonly<Record<string, ImpactStatus>>;
}

/** Seed 004 defaults. */
export const DEFAULT_STATUS_MAP: StatusMapConfig = {
  impactToJira: {
    OPEN: 'Incoming',
    INVESTIGATING: 'in progress',
    MITIGATING: 'in progress',
    MITIGATED: 'Reporter validation',
    POST_MORTEM: 'Reporter validation',
    CLOSED: 'Closed',
  },
  jiraToImpact: {
    Incoming: 'OPEN',
    'Pending resolution': 'OPEN',
    'in progress': 'MITIGATING',
    'Reporter validation': 'MITIGATED',
    Closed: 'CLOSED',
  },
};


export function jiraStatusFor(map: StatusMapConfig, status: ImpactStatus): string {
  return map.impactToJira[status];
}

/** null when the Jira status is not mapped. */
export function impactStatusFor(map: StatusMapConfig, jiraStatusName: string): ImpactStatus | null {
  const wanted = normalizeName(jiraStatusName);
  for (const [name, status] of Object.entries(map.jiraToImpact)) {
    if (normalizeName(name) === wanted) return status;
  }
  return null;
}

/**
 * True when the two sides already show the same state: the Impact status maps to this Jira status.
 * Several Impact statuses share a Jira status, so "agree" is not "reverse map equals".
 */
export function statusesAgree(map: StatusMapConfig, impact: ImpactStatus, jiraStatusName: string): boolean {
  return normalizeName(map.impactToJira[impact]) === normalizeName(jiraStatusName);
}

/** Impact statuses whose Jira target is this Jira status (the reverse of impactToJira). */
export function impactStatusesShowingAs(map: StatusMapConfig, jiraStatusName: string): ImpactStatus[] {
  return IMPACT_STATUSES.filter((s) => statusesAgree(map, s, jiraStatusName));
}

export type StatusMapProblem =
  | { readonly kind: 'jira-status-missing'; readonly impactStatus: ImpactStatus; readonly jiraStatus: string }
  | { readonly kind: 'duplicate-jira-key'; readonly jiraStatus: string };

/** Checks a map against the Jira statuses a project's workflow has (for settings pages and startup). */
export function checkStatusMap(map: StatusMapConfig, workflowStatusNames: readonly string[]): StatusMapProblem[] {
  const known = new Set(workflowStatusNames.map(normalizeName));
  const problems: StatusMapProblem[] = [];
  for (const status of IMPACT_STATUSES) {
    const jiraStatus = map.impactToJira[status];
    if (!known.has(normalizeName(jiraStatus))) problems.push({ kind: 'jira-status-missing', impactStatus: status, jiraStatus });
  }
  const seen = new Set<string>();
  for (const name of Object.keys(map.jiraToImpact)) {
    const key = normalizeName(name);
    if (seen.has(key)) problems.push({ kind: 'duplicate-jira-key', jiraStatus: name });
    seen.add(key);
  }
  return problems;
}
