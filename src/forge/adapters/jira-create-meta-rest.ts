import api, { route } from '@forge/api';
import { z } from 'zod';
import type { CreateMetaAllowedValue, CreateMetaField, CreateMetaIssueType } from '../domain/preflight';
import type { Clock } from '../ports/clock';
import type { CreateMetaPort } from '../ports/create-meta';
import type { JiraResult } from '../ports/jira';
import { callJira, type JiraHttpResponse } from './jira-response';

/**
 * Jira's create metadata (pinned spec: PageOfCreateMetaIssueTypes, PageOfCreateMetaIssueTypeWithField), every page
 * at the spec's maximum of 200 items. Scope read:jira-work. `as: 'user'` for resolvers (what the admin may
 * create), `'app'` for the consumer.
 */
const PAGE = 200;
/** Bounds a misbehaving paging loop (200 × 20 = 4,000 fields or issue types). */
const MAX_PAGES = 20;
const ACCEPT = { Accept: 'application/json' } as const;

const pageFields = { startAt: z.number().optional(), maxResults: z.number().optional(), total: z.number().optional() };
const issueTypesPageSchema = z.object({
  ...pageFields,
  issueTypes: z.array(z.object({ id: z.string(), name: z.string(), subtask: z.boolean().optional() }).loose()).default([]),
}).loose();

const allowedValueSchema = z
  .unknown()
  .transform((v): CreateMetaAllowedValue => {
    if (typeof v !== 'object' || v === null) return {};
    const o = v as Record<string, unknown>;
    const text = (k: string) => (typeof o[k] === 'string' ? { [k]: o[k] as string } : {});
    return { ...text('id'), ...text('name'), ...text('value'), ...(o['disabled'] === true ? { disabled: true } : {}) };
  });
const fieldsPageSchema = z.object({
  ...pageFields,
  fields: z
    .array(
      z.object({
        fieldId: z.string(),
        name: z.string(),
        required: z.boolean(),
        hasDefaultValue: z.boolean().optional(),
        schema: z.object({ type: z.string(), items: z.string().optional() }).loose(),
        allowedValues: z.array(allowedValueSchema).optional(),
      }).loose(),
    )
    .default([]),
}).loose();

async function allPages<T, P extends { startAt?: number | undefined; total?: number | undefined }>(
  fetchPage: (startAt: number) => Promise<JiraResult<P>>,
  items: (page: P) => readonly T[],
): Promise<JiraResult<T[]>> {
  const out: T[] = [];
  for (let page = 0, startAt = 0; page < MAX_PAGES; page += 1) {
    const result = await fetchPage(startAt);
    if (!result.ok) return result;
    const got = items(result.value);
    out.push(...got);
    startAt += got.length;
    if (got.length === 0 || result.value.total === undefined || startAt >= result.value.total) break;
  }
  return { ok: true, value: out };
}

export function createCreateMetaPort(clock: Clock, as: 'user' | 'app'): CreateMetaPort {
  const jira = () => (as === 'user' ? api.asUser() : api.asApp());
  const now = () => clock.now();
  return {
    issueTypes: (projectKey) =>
      allPages(
        (startAt) =>
          callJira(
            (): Promise<JiraHttpResponse> => jira().requestJira(route`/rest/api/3/issue/createmeta/${projectKey}/issuetypes?startAt=${startAt}&maxResults=${PAGE}`, { headers: ACCEPT }),
            issueTypesPageSchema,
            now,
          ),
        (page) => page.issueTypes.map((t): CreateMetaIssueType => ({ id: t.id, name: t.name, subtask: t.subtask ?? false })),
      ),
    fields: (projectKey, issueTypeId) =>
      allPages(
        (startAt) =>
          callJira(
            (): Promise<JiraHttpResponse> => jira().requestJira(route`/rest/api/3/issue/createmeta/${projectKey}/issuetypes/${issueTypeId}?startAt=${startAt}&maxResults=${PAGE}`, { headers: ACCEPT }),
            fieldsPageSchema,
            now,
          ),
        (page) =>
          page.fields.map((f): CreateMetaField => ({
            fieldId: f.fieldId,
            name: f.name,
            required: f.required,
            hasDefaultValue: f.hasDefaultValue ?? false,
            schemaType: f.schema.type,
            ...(f.schema.items !== undefined ? { items: f.schema.items } : {}),
            allowedValues: f.allowedValues ?? null,
          })),
      ),
  };
}
