import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { Hono } from 'hono';
import { z } from 'zod';
import type { ForgeManifest } from './manifest';
import type { Invoker } from './invoker';
import { toHttpResponse, toWebTriggerRequest } from './web-trigger';

export const ACCOUNT_HEADER = 'x-forge-account-id';

export interface HttpAppDeps {
  readonly manifest: ForgeManifest;
  readonly invoker: Invoker;
  readonly cloudId: string;
  readonly siteUrl: string;
  readonly defaultAccountId: string | undefined;
  readonly invocationContext: (accountId: string | undefined) => Record<string, unknown>;
}

const invokeBodySchema = z.object({
  functionKey: z.string().min(1),
  payload: z.record(z.string(), z.unknown()).optional(),
  /** Custom UI extension context: {type, project: {id, key}, issue: {id, key}, ...}. */
  extension: z.record(z.string(), z.unknown()).optional(),
  localId: z.string().optional(),
});

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.map': 'application/json',
};

/** Web triggers (/x1/<key>), Custom UI resolvers (/api/invoke/<moduleKey>) and static resources. */
export function createHostHttpApp(deps: HttpAppDeps): Hono {
  const app = new Hono();
  const { manifest, invoker } = deps;

  app.all('/x1/:key', async (c) => {
    const trigger = manifest.webtriggers.find((w) => w.key === c.req.param('key'));
    if (!trigger) return c.json({ message: 'Not found' }, 404);
    const request = await toWebTriggerRequest(c.req.raw, deps.cloudId, trigger.key);
    const result = await invoker.invoke({ functionKey: trigger.function, moduleKey: trigger.key, kind: 'webtrigger', accountId: undefined, args: [request, deps.invocationContext(undefined)] });
    return toHttpResponse(trigger, result);
  });

  app.post('/api/invoke/:moduleKey', async (c) => {
    const moduleKey = c.req.param('moduleKey');
    const ui = manifest.uiModules.find((m) => m.key === moduleKey);
    if (!ui?.resolverFunction) return c.json({ ok: false, error: { name: 'NotFound', message: `no module '${moduleKey}' with a resolver` } }, 404);
    let raw: unknown;
    try {
      raw = await c.req.json();
    } catch {
      return c.json({ ok: false, error: { name: 'BadRequest', message: 'body must be JSON' } }, 400);
    }
    const body = invokeBodySchema.safeParse(raw);
    if (!body.success) return c.json({ ok: false, error: { name: 'BadRequest', message: body.error.message } }, 400);
    const accountId = c.req.header(ACCOUNT_HEADER) ?? deps.defaultAccountId;
    const call = { functionKey: body.data.functionKey, payload: body.data.payload ?? {} };
    const context = {
      accountId,
      cloudId: deps.cloudId,
      siteUrl: deps.siteUrl,
      moduleKey,
      localId: body.data.localId ?? `${moduleKey}-local`,
      extension: { type: ui.moduleType, ...(body.data.extension ?? {}) },
    };
    const backend = { ...deps.invocationContext(accountId), ...(accountId ? { principal: { accountId } } : {}) };
    const result = await invoker.invoke({ functionKey: ui.resolverFunction, moduleKey, kind: 'resolver', accountId, args: [{ call, context }, backend] });
    switch (result.kind) {
      case 'ok':
        return c.json({ ok: true, result: result.value ?? null });
      case 'error':
        return c.json({ ok: false, error: { name: result.error.name, message: result.error.message } }, 500);
      case 'timeout':
        return c.json({ ok: false, error: { name: 'FUNCTION_TIME_OUT', message: `resolver timed out after ${result.limitMs} ms` } }, 504);
    }
  });

  app.get('/static/:resource/*', async (c) => {
    const resource = manifest.resources.find((r) => r.key === c.req.param('resource'));
    if (!resource) return c.notFound();
    const root = resolve(manifest.rootDir, resource.path);
    const rest = decodeURIComponent(c.req.path.slice(`/static/${resource.key}/`.length)) || 'index.html';
    const file = normalize(join(root, rest));
    if (file !== root && !file.startsWith(root + sep)) return c.notFound();
    try {
      const info = await stat(file);
      const target = info.isDirectory() ? join(file, 'index.html') : file;
      const data = await readFile(target);
      return c.body(new Uint8Array(data), 200, { 'content-type': CONTENT_TYPES[extname(target)] ?? 'application/octet-stream' });
    } catch {
      return c.notFound();
    }
  });

  return app;
}
