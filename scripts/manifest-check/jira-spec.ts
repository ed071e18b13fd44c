import fs from 'node:fs';
import path from 'node:path';

/**
 * The Permission linter maps `requestJira(route`...`)` calls to scopes through a Jira swagger. We give it the
 * pinned spec from ../shared/jira when present, else a committed extract of the operations the app may call
 * (only their scope fields), so the check never downloads anything.
 */
export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
export const DEFAULT_SPEC_DIR = path.resolve(PROJECT_ROOT, '..', 'shared', 'jira');
export const PLATFORM_SPEC_FILE = 'jira-platform-v3.openapi.json';
export const SOFTWARE_SPEC_FILE = 'jira-software.openapi.json';
export const EXTRACT_FILE = path.join(__dirname, 'jira-operations.extract.json');

/** Operations kept in the committed extract: what src/forge calls or is expected to call. */
export const EXTRACT_OPERATIONS: ReadonlyArray<readonly [method: string, path: string]> = [
  ['post', '/rest/api/3/issue'],
  ['get', '/rest/api/3/issue/{issueIdOrKey}'],
  ['put', '/rest/api/3/issue/{issueIdOrKey}'],
  ['get', '/rest/api/3/issue/{issueIdOrKey}/comment'],
  ['post', '/rest/api/3/issue/{issueIdOrKey}/comment'],
  ['put', '/rest/api/3/issue/{issueIdOrKey}/comment/{id}'],
  ['get', '/rest/api/3/issue/{issueIdOrKey}/transitions'],
  ['post', '/rest/api/3/issue/{issueIdOrKey}/transitions'],
  ['get', '/rest/api/3/issue/{issueIdOrKey}/properties/{propertyKey}'],
  ['put', '/rest/api/3/issue/{issueIdOrKey}/properties/{propertyKey}'],
  ['delete', '/rest/api/3/issue/{issueIdOrKey}/properties/{propertyKey}'],
  ['get', '/rest/api/3/search/jql'],
  ['post', '/rest/api/3/search/jql'],
  ['get', '/rest/api/3/mypermissions'],
  ['get', '/rest/api/3/myself'],
  ['get', '/rest/api/3/project/{projectIdOrKey}'],
  ['get', '/rest/api/3/project/{projectIdOrKey}/properties/{propertyKey}'],
  ['put', '/rest/api/3/project/{projectIdOrKey}/properties/{propertyKey}'],
];

const SCOPE_FIELDS = ['x-atlassian-oauth2-scopes', 'security', 'operationId'] as const;

export type Swagger = { paths: Record<string, Record<string, Record<string, unknown>>> };

/** Keeps only the listed operations and, of each, only the fields the Permission linter reads. */
export function extractOperations(spec: Swagger, operations = EXTRACT_OPERATIONS): Swagger {
  const paths: Swagger['paths'] = {};
  for (const [method, opPath] of operations) {
    const op = spec.paths[opPath]?.[method];
    if (!op) throw new Error(`Jira spec has no ${method.toUpperCase()} ${opPath}`);
    const kept: Record<string, unknown> = {};
    for (const field of SCOPE_FIELDS) if (field in op) kept[field] = op[field];
    paths[opPath] = { ...paths[opPath], [method]: kept };
  }
  return { paths };
}

export interface JiraSwaggerFiles {
  /** Files for the Permission linter's LOCAL_JIRA_SWAGGER / LOCAL_JSW_SWAGGER (JSW may be the empty one). */
  platform: string;
  software: string | null;
  /** Human description for the report. */
  description: string;
}

export function locateJiraSwaggers(specDir: string = DEFAULT_SPEC_DIR): JiraSwaggerFiles {
  const platform = path.join(specDir, PLATFORM_SPEC_FILE);
  if (fs.existsSync(platform)) {
    const software = path.join(specDir, SOFTWARE_SPEC_FILE);
    return {
      platform,
      software: fs.existsSync(software) ? software : null,
      description: `pinned spec ${path.relative(PROJECT_ROOT, platform) || platform}`,
    };
  }
  return {
    platform: EXTRACT_FILE,
    software: null,
    description: `committed extract ${path.relative(PROJECT_ROOT, EXTRACT_FILE)} (${EXTRACT_OPERATIONS.length} operations; ${specDir} not found)`,
  };
}
