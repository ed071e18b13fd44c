import type { ImpactIncident, ImpactUser } from '../../shared/impact/incident';
import type { JiraUser } from '../domain/incidents';
import type { JiraResult } from './jira';
import type { ImpactResult } from './impact';

/** Jira's whole user list as the app (GET /rest/api/3/users/search, scope read:jira-user). */
export interface JiraUserDirectoryPort {
  /** One page from `startAt` (Jira caps `maxResults` at 1000); a short page is the last. */
  usersPage(startAt: number, maxResults: number): Promise<JiraResult<readonly JiraUser[]>>;
}

export interface ImpactPage<T> {
  readonly items: readonly T[];
  readonly total: number;
  readonly nextOffset: number | null;
}

/** Impact's lists (docs/impact-contract.md §2.4). */
export interface ImpactDirectoryPort {
  usersPage(offset: number, limit: number): Promise<ImpactResult<ImpactPage<ImpactUser>>>;
  incidentsPage(createdAfterIso: string, offset: number, limit: number): Promise<ImpactResult<ImpactPage<ImpactIncident>>>;
}
