import { z } from 'zod';
import type { KvsFailure, KvsSpace, KvsStore, StoredItem } from './kvs-store';

/** Turns the @forge/kvs wire protocol (POST /api/v1/...) into store calls and service-shaped answers. */
const metadataFields = z.array(z.enum(['CREATED_AT', 'UPDATED_AT', 'EXPIRE_TIME'])).optional();
const getOptions = z.object({ metadataFields }).loose().optional();
const setOptions = z
  .object({
    ttl: z.object({ value: z.number(), unit: z.enum(['SECONDS', 'MINUTES', 'HOURS', 'DAYS']) }).optional(),
    keyPolicy: z.enum(['OVERRIDE', 'FAIL_IF_EXISTS']).optional(),
    returnValue: z.enum(['PREVIOUS', 'LATEST']).optional(),
    returnMetadataFields: metadataFields,
  })
  .loose()
  .optional();
const keyBody = z.object({ key: z.string(), entityName: z.string().optional(), options: getOptions });
const setBody = z.object({ key: z.string(), value: z.unknown(), entityName: z.string().optional(), options: setOptions });
const queryBody = z.object({
  limit: z.number().optional(),
  after: z.string().optional(),
  where: z.array(z.object({ property: z.literal('key'), condition: z.literal('BEGINS_WITH'), values: z.array(z.union([z.string(), z.number()])).length(1) })).max(1).optional(),
  options: getOptions,
});
const clause = z.object({ property: z.string(), condition: z.string(), values: z.array(z.unknown()) });
const conditions = z.object({ and: z.array(clause).optional(), or: z.array(clause).optional() }).optional();
const transactionBody = z.object({
  set: z.array(z.object({ key: z.string(), value: z.unknown(), entityName: z.string().optional(), conditions, options: setOptions })).optional(),
  delete: z.array(z.object({ key: z.string(), entityName: z.string().optional(), conditions })).optional(),
  check: z.array(z.object({ key: z.string(), entityName: z.string().optional(), conditions: z.object({ and: z.array(clause).optional(), or: z.array(clause).optional() }) })).optional(),
});
const batchSetBody = z.array(z.object({ key: z.string(), value: z.unknown(), entityName: z.string().optional(), options: setOptions })).min(1);
const batchKeysBody = z.array(z.object({ key: z.string(), entityName: z.string().optional(), options: getOptions })).min(1);

const json = (status: number, body: unknown): Response => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const failure = (f: KvsFailure): Response => json(f.status, { code: f.code, message: f.message });
const badRequest = (): Response => json(400, { code: 'BAD_REQUEST', message: 'Provided request body is invalid' });
const noContent = (): Response => new Response(null, { status: 204 });

const spaceFor = (secret: boolean, entityName: string | undefined): KvsSpace =>
  secret ? { kind: 'secret' } : entityName !== undefined ? { kind: 'entity', name: entityName } : { kind: 'kv' };

function itemBody(item: StoredItem, entityName?: string): Record<string, unknown> {
  return { ...(entityName !== undefined ? { entityName } : {}), ...item };
}

/** Published batch size for KVS batch operations. */
export const KVS_BATCH_MAX = 25;

export function handleKvsRequest(store: KvsStore, path: string, rawBody: string): Response {
  let body: unknown;
  try {
    body = rawBody === '' ? undefined : (JSON.parse(rawBody) as unknown);
  } catch {
    return badRequest();
  }
  const route = path.replace(/^\/api\/v1\//, '');
  const secret = route.startsWith('secret/');
  const entity = route.startsWith('entity/');
  const op = route.replace(/^(secret|entity)\//, '');
  switch (op) {
    case 'get': {
      const b = keyBody.safeParse(body);
      if (!b.success || (entity && !b.data.entityName)) return badRequest();
      const r = store.get(spaceFor(secret, b.data.entityName), b.data.key);
      return r.ok ? json(200, itemBody(r.value)) : failure(r.failure);
    }
    case 'set': {
      const b = setBody.safeParse(body);
      if (!b.success || (entity && !b.data.entityName)) return badRequest();
      const r = store.set(spaceFor(secret, b.data.entityName), b.data.key, b.data.value, b.data.options ?? {});
      if (!r.ok) return failure(r.failure);
      return r.value ? json(200, itemBody(r.value)) : noContent();
    }
    case 'delete': {
      const b = keyBody.safeParse(body);
      if (!b.success || (entity && !b.data.entityName)) return badRequest();
      const r = store.delete(spaceFor(secret, b.data.entityName), b.data.key);
      return r.ok ? noContent() : failure(r.failure);
    }
    case 'query': {
      if (entity) return json(400, { code: 'UNSUPPORTED_OPERATION', message: 'Custom entity index queries are not supported by the local Forge host' });
      const b = queryBody.safeParse(body ?? {});
      if (!b.success) return json(400, { code: 'QUERY_WHERE_INVALID', message: 'KVS queries should contain only a single "where" clause on key.' });
      const prefix = String(b.data.where?.[0]?.values[0] ?? '');
      const r = store.query(prefix, b.data.limit, b.data.after);
      if (!r.ok) return failure(r.failure);
      return json(200, { data: r.value.items, ...(r.value.cursor !== undefined ? { cursor: r.value.cursor } : {}) });
    }
    case 'transaction': {
      const b = transactionBody.safeParse(body);
      if (!b.success) return badRequest();
      const r = store.transact(b.data);
      return r.ok ? noContent() : failure(r.failure);
    }
    case 'batch/set': {
      const b = batchSetBody.safeParse(body);
      if (!b.success || b.data.length > KVS_BATCH_MAX) return badRequest();
      const successfulKeys: unknown[] = [];
      const failedKeys: unknown[] = [];
      for (const item of b.data) {
        const id = { key: item.key, ...(item.entityName !== undefined ? { entityName: item.entityName } : {}) };
        const r = store.set(spaceFor(false, item.entityName), item.key, item.value, item.options?.ttl ? { ttl: item.options.ttl } : {});
        if (r.ok) successfulKeys.push(id);
        else failedKeys.push({ ...id, error: { code: r.failure.code, message: r.failure.message } });
      }
      return json(200, { successfulKeys, failedKeys });
    }
    case 'batch/get':
    case 'batch/delete': {
      const b = batchKeysBody.safeParse(body);
      if (!b.success || b.data.length > KVS_BATCH_MAX) return badRequest();
      const successfulKeys: unknown[] = [];
      const failedKeys: unknown[] = [];
      for (const item of b.data) {
        const id = { key: item.key, ...(item.entityName !== undefined ? { entityName: item.entityName } : {}) };
        const space = spaceFor(false, item.entityName);
        if (op === 'batch/get') {
          const r = store.get(space, item.key);
          if (r.ok) successfulKeys.push(itemBody(r.value, item.entityName));
          else failedKeys.push({ ...id, error: { code: r.failure.code, message: r.failure.message } });
        } else {
          const r = store.delete(space, item.key);
          if (r.ok || r.failure.code === 'KEY_NOT_FOUND') successfulKeys.push(id);
          else failedKeys.push({ ...id, error: { code: r.failure.code, message: r.failure.message } });
        }
      }
      return json(200, { successfulKeys, failedKeys });
    }
    default:
      return json(404, { code: 'NOT_FOUND', message: `Unknown KVS operation ${path}` });
  }
}
