import api, { route } from '@forge/api';
import { z } from 'zod';
import type { Clock } from '../ports/clock';
import type { JiraResult } from '../ports/jira';
import type { JiraMappingPickersPort, PickerField, PickerProject, PickerStatus } from '../ports/jira-pickers';
import { callJira, type JiraHttpResponse } from './jira-response';

/** The Mappings tab's picker reads, as the user (each requestJira written out so the manifest check sees its scope). */
const JSON_HEADERS = { Accept: 'application/json' } as const;

const projectPageSchema = z.object({ values: z.array(z.object({ id: z.string(), key: z.string(), name: z.string() }).loose()) }).loose();
const statusesSchema = z.array(z.object({ statuses: z.array(z.object({ name: z.string(), statusCategory: z.object({ key: z.string() }).loose().optional() }).loose()) }).loose());
const fieldsSchema = z.array(z.object({ id: z.string(), name: z.string(), custom: z.boolean().optional(), schema: z.object({ type: z.string().optional() }).loose().optional() }).loose());

function call<T>(send: () => Promise<JiraHttpResponse>, schema: z.ZodType<T>, clock: Clock): Promise<JiraResult<T>> {
  return callJira(send, schema, () => clock.now());
}

export function createJiraMappingPickersPort(clock: Clock): JiraMappingPickersPort {
  const user = () => api.asUser();
  return {
    async projects(query: string): Promise<JiraResult<readonly PickerProject[]>> {
      const result = await call(() => user().requestJira(route`/rest/api/3/project/search?query=${query}&maxResults=100&orderBy=key`, { method: 'GET', headers: JSON_HEADERS }), projectPageSchema, clock);
      return result.ok ? { ok: true, value: result.value.values.map((p) => ({ id: p.id, key: p.key, name: p.name })) } : result;
    },
    async statuses(projectKey: string): Promise<JiraResult<readonly PickerStatus[]>> {
      const result = await call(() => user().requestJira(route`/rest/api/3/project/${projectKey}/statuses`, { method: 'GET', headers: JSON_HEADERS }), statusesSchema, clock);
      if (!result.ok) return result;
      const byName = new Map<string, PickerStatus>();
      for (const s of result.value.flatMap((t) => t.statuses)) if (!byName.has(s.name)) byName.set(s.name, { name: s.name, category: s.statusCategory?.key ?? 'indeterminate' });
      return { ok: true, value: [...byName.values()] };
    },
    async customFields(): Promise<JiraResult<readonly PickerField[]>> {
      const result = await call(() => user().requestJira(route`/rest/api/3/field`, { method: 'GET', headers: JSON_HEADERS }), fieldsSchema, clock);
      if (!result.ok) return result;
      return { ok: true, value: result.value.filter((f) => f.custom === true).map((f) => ({ id: f.id, name: f.name, type: f.schema?.type ?? null })).sort((a, b) => a.name.localeCompare(b.name)) };
    },
  };
}
