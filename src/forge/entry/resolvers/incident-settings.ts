/**
 * Mappings tab, issue 15 item 7: one project's own incident settings (each field its own or inherited from
 * the site default), the incident sync's on/off switch and the category mapping.
 *
 * Permissions (asked as the user): a project's settings need Administer Projects in that project and in the
 * post-mortem project they name (they change what the app writes there); the switch and the category mapping
 * act in every project, so they need Administer Jira, as the site default does (incident-mappings.ts).
 */
import { z } from 'zod';
import {
  DEFAULT_INCIDENT_ROUTING,
  OVERRIDABLE_FIELDS,
  effectiveConfig,
  inheritanceOf,
  normalizeCategory,
  type CategoryRule,
  type IncidentRouting,
  type OverridableField,
  type ProjectIncidentSettings,
} from '../../domain/incidents';
import { IncidentKeys, loadConfig } from '../../incidents/incident-store';
import { loadProjectSettings, loadRouting } from '../../incidents/incident-settings';
import { updateWithCas } from '../../incidents/record-cas';
import type { KeyValueStore } from '../../ports/key-value-store';
import { requireProjectAdmin, requireSiteAdmin, type CallerContext } from './admin-check';
import type { IncidentRoutingView, IncidentSettingsView } from './contract-incident-settings';
import type { IncidentMappings, ResolverResult } from './contract';
import { mappingsOf, mappingsSchema, type MappingResolverDeps } from './incident-mappings';
import { invalidInput, invalidZodInput } from './resolver-errors';

const projectKeySchema = z.string().regex(/^[A-Z][A-Z0-9_]{0,19}$/, 'a Jira project key such as OPS');
const PROJECT_PREFIX = IncidentKeys.projectConfig('');
const MAX_CATEGORIES = 100;

const categoryRuleSchema = z.object({
  category: z.string().trim().min(1).max(64),
  projectKey: projectKeySchema.nullable(),
  issueTypeName: z.string().trim().min(1).max(255).nullable(),
  label: z.string().regex(/^[^\s]{1,255}$/, 'a Jira label has no spaces').nullable(),
});

const routingView = (routing: IncidentRouting): IncidentRoutingView => ({ enabled: routing.enabled, categories: routing.categories });

async function projectsWithSettings(store: KeyValueStore): Promise<string[]> {
  const keys: string[] = [];
  let cursor: string | undefined;
  do {
    // Forge KVS answers at most 20 keys per query.
    const page = await store.listByPrefix<unknown>(PROJECT_PREFIX, { limit: 20, cursor });
    // Skips compare-and-set claim keys (`…:rev:<n>`) and projects whose settings were cleared (all inherited).
    const own = page.results.filter((r) => !r.key.slice(PROJECT_PREFIX.length).includes(':') && OVERRIDABLE_FIELDS.some((f) => (r.value as ProjectIncidentSettings)[f] !== undefined));
    keys.push(...own.map((r) => r.key.slice(PROJECT_PREFIX.length)));
    cursor = page.nextCursor;
  } while (cursor !== undefined && keys.length < 1000);
  return keys.sort();
}

async function access(deps: MappingResolverDeps, caller: CallerContext, projectKey: string | null): Promise<IncidentSettingsView['access']> {
  if (!caller.accountId) return { site: false, project: projectKey === null ? null : false };
  const [site, project] = await Promise.all([deps.siteJira.canAdministerJira(), projectKey === null ? Promise.resolve(null) : deps.userJira.canAdministerProject(projectKey)]);
  return { site: site.ok && site.value, project: project === null ? null : project.ok && project.value };
}

async function view(deps: MappingResolverDeps, caller: CallerContext, projectKey: string | null): Promise<IncidentSettingsView> {
  const [site, routing, own, projects, allowed] = await Promise.all([
    loadConfig(deps.store),
    loadRouting(deps.store),
    projectKey === null ? Promise.resolve(undefined) : loadProjectSettings(deps.store, projectKey),
    projectsWithSettings(deps.store),
    access(deps, caller, projectKey),
  ]);
  if (projectKey === null) {
    const all = Object.fromEntries(OVERRIDABLE_FIELDS.map((f) => [f, 'own'])) as Record<OverridableField, 'own'>;
    return { scope: { kind: 'site' }, mappings: mappingsOf(site), inheritance: all, projects, routing: routingView(routing), access: allowed };
  }
  return {
    scope: { kind: 'project', projectKey },
    mappings: mappingsOf(effectiveConfig(site, projectKey, own)),
    inheritance: inheritanceOf(own),
    projects,
    routing: routingView(routing),
    access: allowed,
  };
}

export async function getIncidentSettings(input: unknown, caller: CallerContext, deps: MappingResolverDeps): Promise<ResolverResult<IncidentSettingsView>> {
  const parsed = z.object({ projectKey: projectKeySchema.optional() }).safeParse(input ?? {});
  if (!parsed.success) return invalidZodInput(parsed.error);
  return { ok: true, value: await view(deps, caller, parsed.data.projectKey ?? null) };
}

/** The fields of a Mappings form the project keeps as its own. */
function ownSettings(own: readonly OverridableField[], m: IncidentMappings): ProjectIncidentSettings {
  const has = (f: OverridableField) => own.includes(f);
  return {
    ...(has('statuses') ? { statuses: m.statuses } : {}),
    ...(has('issueTypeName') ? { issueTypeName: m.fields.issueTypeName } : {}),
    ...(has('priority') ? { priority: m.fields.priority } : {}),
    ...(has('customFields') ? { customFields: m.fields.customFields } : {}),
    ...(has('label') ? { label: m.fields.label } : {}),
    ...(has('postMortem') ? { postMortem: m.postMortem } : {}),
  };
}

export async function saveProjectIncidentSettings(input: unknown, caller: CallerContext, deps: MappingResolverDeps): Promise<ResolverResult<IncidentSettingsView>> {
  const parsed = z
    .object({ projectKey: projectKeySchema, own: z.array(z.enum(OVERRIDABLE_FIELDS)).max(OVERRIDABLE_FIELDS.length), mappings: mappingsSchema })
    .safeParse(input ?? {});
  if (!parsed.success) return invalidZodInput(parsed.error);
  const { projectKey, own, mappings } = parsed.data;
  const site = await loadConfig(deps.store);
  const unknownSections = Object.keys(mappings.postMortem.sectionTargets).filter((key) => !site.postMortem.sections.some((s) => s.key === key));
  if (own.includes('postMortem') && unknownSections.length > 0) {
    return invalidInput(unknownSections.map((key) => ({ path: `mappings.postMortem.sectionTargets.${key}`, message: 'no post-mortem section has this key' })));
  }
  const settings = ownSettings(own, mappings);
  const before = await loadProjectSettings(deps.store, projectKey);
  // The project, and the post-mortem projects before and after: moving post-mortems away touches that project too.
  const touched = [projectKey, ...(before?.postMortem ? [before.postMortem.projectKey] : []), ...(settings.postMortem ? [settings.postMortem.projectKey] : [])];
  const denied = await requireProjectAdmin(deps.userJira, { ...caller, projectKey: undefined }, touched);
  if (denied) return { ok: false, error: denied };
  // Cleared in place rather than deleted: a deleted record would restart at rev 0 while its last claim key
  // (record-cas.ts) still lives, and the next save would wait out the claim's TTL.
  await updateWithCas<ProjectIncidentSettings>(deps.store, IncidentKeys.projectConfig(projectKey), {}, () => settings);
  return { ok: true, value: await view(deps, caller, projectKey) };
}

async function updateRouting(deps: MappingResolverDeps, change: (current: IncidentRouting) => IncidentRouting): Promise<IncidentRoutingView> {
  // The switch and the categories are saved separately: compare-and-set keeps one from reverting the other.
  return routingView(await updateWithCas(deps.store, IncidentKeys.routing, DEFAULT_INCIDENT_ROUTING, change));
}

export async function setIncidentSyncEnabled(input: unknown, caller: CallerContext, deps: MappingResolverDeps): Promise<ResolverResult<IncidentRoutingView>> {
  const parsed = z.object({ enabled: z.boolean() }).safeParse(input ?? {});
  if (!parsed.success) return invalidZodInput(parsed.error);
  const denied = await requireSiteAdmin(deps.siteJira, caller, 'switch the incident sync on or off');
  if (denied) return denied;
  return { ok: true, value: await updateRouting(deps, (current) => ({ ...current, enabled: parsed.data.enabled })) };
}

export async function saveIncidentCategories(input: unknown, caller: CallerContext, deps: MappingResolverDeps): Promise<ResolverResult<IncidentRoutingView>> {
  const parsed = z.object({ categories: z.array(categoryRuleSchema).max(MAX_CATEGORIES) }).safeParse(input ?? {});
  if (!parsed.success) return invalidZodInput(parsed.error);
  const categories: CategoryRule[] = parsed.data.categories;
  const seen = new Map<string, number>();
  const problems = categories.flatMap((rule, i) => {
    const key = normalizeCategory(rule.category);
    const first = seen.get(key);
    seen.set(key, first ?? i);
    const out = [];
    if (first !== undefined) out.push({ path: `categories.${i}.category`, message: `"${rule.category}" is already row ${first + 1}` });
    if (rule.projectKey === null && rule.issueTypeName === null && rule.label === null) out.push({ path: `categories.${i}`, message: 'name a project, an issue type or a label' });
    return out;
  });
  if (problems.length > 0) return invalidInput(problems, 'the category mapping has errors; nothing was saved');
  const denied = await requireSiteAdmin(deps.siteJira, caller, 'change the incident category mapping');
  if (denied) return denied;
  return { ok: true, value: await updateRouting(deps, (current) => ({ ...current, categories })) };
}
