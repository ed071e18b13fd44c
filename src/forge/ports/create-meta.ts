import type { CreateMetaField, CreateMetaIssueType } from '../domain/preflight';
import type { JiraResult } from './jira';

/**
 * Jira's create metadata for one project (GET /rest/api/3/issue/createmeta/{projectIdOrKey}/issuetypes and
 * /issuetypes/{issueTypeId}), every page read. Resolvers use it as the signed-in user (what that admin may
 * create), the consumer as the app.
 */
export interface CreateMetaPort {
  issueTypes(projectKey: string): Promise<JiraResult<CreateMetaIssueType[]>>;
  fields(projectKey: string, issueTypeId: string): Promise<JiraResult<CreateMetaField[]>>;
}
