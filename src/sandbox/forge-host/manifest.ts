import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';

/** The part of manifest.yml the host needs; unknown modules and fields are ignored. */
const keyed = z.object({ key: z.string().min(1) }).loose();

const functionSchema = z.object({
  key: z.string().min(1),
  handler: z.string().regex(/^[\w/.-]+\.\w+$/, 'handler must be path.export'),
  timeoutSeconds: z.number().int().min(1).max(900).optional(),
});
const webtriggerSchema = z.object({
  key: z.string().min(1),
  function: z.string().min(1),
  response: z
    .object({
      type: z.enum(['dynamic', 'static']),
      outputs: z.array(z.object({ key: z.string(), statusCode: z.number().int(), body: z.string().optional(), contentType: z.string().optional() })).optional(),
    })
    .optional(),
});
const consumerSchema = z.object({ key: z.string().min(1), queue: z.string().min(1), function: z.string().min(1) });
const triggerSchema = z.object({
  key: z.string().min(1),
  function: z.string().min(1),
  events: z.array(z.string().min(1)).min(1),
  filter: z.object({ ignoreSelf: z.boolean().optional(), expression: z.string().optional() }).loose().optional(),
});
const scheduledSchema = z.object({
  key: z.string().min(1),
  function: z.string().min(1),
  interval: z.enum(['fiveMinute', 'hour', 'day', 'week']),
});
/** `jira:workflowValidator`: exactly one of `function` | `expression` (FORGE-NOTES §1). */
const workflowValidatorSchema = z.object({ key: z.string().min(1), function: z.string().min(1).optional(), expression: z.string().optional() }).loose();
const resourceSchema = z.object({ key: z.string().min(1), path: z.string().min(1) });

const manifestSchema = z.object({
  app: z.object({ id: z.string().min(1) }).loose(),
  modules: z.record(z.string(), z.array(keyed)).default({}),
  resources: z.array(resourceSchema).default([]),
  permissions: z.object({ scopes: z.array(z.string()).default([]) }).loose().optional(),
});

export type ManifestFunction = z.infer<typeof functionSchema>;
export type ManifestWebTrigger = z.infer<typeof webtriggerSchema>;
export type ManifestConsumer = z.infer<typeof consumerSchema>;
export type ManifestTrigger = z.infer<typeof triggerSchema>;
export type ManifestScheduledTrigger = z.infer<typeof scheduledSchema>;
export type ManifestResource = z.infer<typeof resourceSchema>;
export type ManifestWorkflowValidator = z.infer<typeof workflowValidatorSchema>;

/** A UI module (jira:issuePanel, jira:projectSettingsPage, ...) that has a resolver. */
export interface ManifestUiModule {
  readonly key: string;
  readonly moduleType: string;
  readonly resolverFunction: string | undefined;
  readonly resource: string | undefined;
}

export interface ForgeManifest {
  /** Full app ARI as written in the manifest. */
  readonly appAri: string;
  /** The uuid part of the ARI: what `appContext.appId` holds at runtime. */
  readonly appId: string;
  /** Directory the manifest lives in; resource paths are relative to it. */
  readonly rootDir: string;
  readonly functions: ReadonlyMap<string, ManifestFunction>;
  readonly webtriggers: readonly ManifestWebTrigger[];
  readonly consumers: readonly ManifestConsumer[];
  readonly triggers: readonly ManifestTrigger[];
  readonly scheduledTriggers: readonly ManifestScheduledTrigger[];
  readonly uiModules: readonly ManifestUiModule[];
  readonly workflowValidators: readonly ManifestWorkflowValidator[];
  readonly resources: readonly ManifestResource[];
  readonly scopes: readonly string[];
}

const NON_UI = new Set(['function', 'webtrigger', 'consumer', 'trigger', 'scheduledTrigger', 'endpoint']);

export function loadManifest(path: string): ForgeManifest {
  return parseManifest(readFileSync(path, 'utf8'), dirname(resolve(path)));
}

export function parseManifest(yamlText: string, rootDir: string): ForgeManifest {
  const raw = manifestSchema.parse(parse(yamlText));
  const list = <T>(name: string, schema: z.ZodType<T>): T[] => (raw.modules[name] ?? []).map((m) => schema.parse(m));
  const functions = new Map(list('function', functionSchema).map((f) => [f.key, f]));
  const uiModules: ManifestUiModule[] = [];
  for (const [moduleType, entries] of Object.entries(raw.modules)) {
    if (NON_UI.has(moduleType)) continue;
    for (const entry of entries) {
      const parsed = z
        .object({ key: z.string(), resource: z.string().optional(), resolver: z.object({ function: z.string() }).optional() })
        .loose()
        .parse(entry);
      uiModules.push({ key: parsed.key, moduleType, resolverFunction: parsed.resolver?.function, resource: parsed.resource });
    }
  }
  const manifest: ForgeManifest = {
    appAri: raw.app.id,
    appId: raw.app.id.replace(/^ari:cloud:ecosystem::app\//, ''),
    rootDir,
    functions,
    webtriggers: list('webtrigger', webtriggerSchema),
    consumers: list('consumer', consumerSchema),
    triggers: list('trigger', triggerSchema),
    scheduledTriggers: list('scheduledTrigger', scheduledSchema),
    uiModules,
    workflowValidators: list('jira:workflowValidator', workflowValidatorSchema),
    resources: raw.resources,
    scopes: raw.permissions?.scopes ?? [],
  };
  checkFunctionReferences(manifest);
  return manifest;
}

function checkFunctionReferences(m: ForgeManifest): void {
  const refs = [
    ...m.webtriggers.map((w) => w.function),
    ...m.consumers.map((c) => c.function),
    ...m.triggers.map((t) => t.function),
    ...m.scheduledTriggers.map((s) => s.function),
    ...m.uiModules.flatMap((u) => (u.resolverFunction ? [u.resolverFunction] : [])),
    ...m.workflowValidators.flatMap((v) => (v.function ? [v.function] : [])),
  ];
  for (const ref of refs) {
    if (!m.functions.has(ref)) throw new Error(`manifest references unknown function '${ref}'`);
  }
}

/** `forge/index.ingestWebTrigger` → `ingestWebTrigger`: the export the host calls on the handlers module. */
export function handlerExportName(fn: ManifestFunction): string {
  const dot = fn.handler.lastIndexOf('.');
  return fn.handler.slice(dot + 1);
}

/** Module types that invoke a function; used to pick its time limit. */
export type InvocationKind = 'webtrigger' | 'consumer' | 'trigger' | 'scheduledTrigger' | 'resolver' | 'workflowValidator';

/** True when only consumer/scheduledTrigger modules use the function (then `timeoutSeconds` applies). */
export function isAsyncOnlyFunction(m: ForgeManifest, functionKey: string): boolean {
  const asyncUse = m.consumers.some((c) => c.function === functionKey) || m.scheduledTriggers.some((s) => s.function === functionKey);
  const otherUse =
    m.webtriggers.some((w) => w.function === functionKey) ||
    m.triggers.some((t) => t.function === functionKey) ||
    m.uiModules.some((u) => u.resolverFunction === functionKey) ||
    m.workflowValidators.some((v) => v.function === functionKey);
  return asyncUse && !otherUse;
}
