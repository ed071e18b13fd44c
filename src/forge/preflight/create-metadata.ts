import { resolveIssueType, type CreateMetadata } from '../domain/preflight';
import type { CreateMetaPort } from '../ports/create-meta';
import type { JiraResult } from '../ports/jira';
import type { KeyValueStore } from '../ports/key-value-store';

/** Jira's create metadata for a project + the issue type a rule names: 1 call, 2 when the type exists. */
export async function loadCreateMetadata(port: CreateMetaPort, projectKey: string, issueType: string): Promise<JiraResult<CreateMetadata>> {
  const types = await port.issueTypes(projectKey);
  if (!types.ok) return types;
  const type = resolveIssueType(types.value, issueType);
  if (!type) return { ok: true, value: { projectKey, issueTypes: types.value, issueType: null, fields: null } };
  const fields = await port.fields(projectKey, type.id);
  if (!fields.ok) return fields;
  return { ok: true, value: { projectKey, issueTypes: types.value, issueType: type, fields: fields.value } };
}

/** KVS key of the consumer's cached metadata (project keys and issue type names are KVS-safe once encoded). */
export const createMetaCacheKey = (projectKey: string, issueType: string): string => `createmeta:${projectKey}:${encodeURIComponent(issueType).replace(/%/g, '.')}`;

/** An hour: screens change rarely, and the cache is read only to explain a refusal, never to decide one. */
export const CREATE_META_TTL_SECONDS = 3600;

/** The consumer's read: KVS first (TTL an hour), Jira as the app on a miss (1–2 calls, then 1 KVS write). */
export async function cachedCreateMetadata(store: KeyValueStore, port: CreateMetaPort, projectKey: string, issueType: string): Promise<JiraResult<CreateMetadata>> {
  const key = createMetaCacheKey(projectKey, issueType);
  const cached = await store.get<CreateMetadata>(key);
  if (cached) return { ok: true, value: cached };
  const loaded = await loadCreateMetadata(port, projectKey, issueType);
  if (loaded.ok) await store.set(key, loaded.value, { ttlSeconds: CREATE_META_TTL_SECONDS });
  return loaded;
}
