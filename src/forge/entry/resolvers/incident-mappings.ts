/**
 * Mappings and Post-mortem templates tabs: read and write the parts of the site default incident sync
 * config (`incident-config`) that people edit. Reads are open to anyone who can open the settings page;
 * writes need ADMINISTER_PROJECTS in the page's project and in every project the config names, and Jira's
 * ADMINISTER (Administer Jira): the site default applies in every project without settings of its own.
 * Per-project settings, the switch and the category mapping are in incident-settings.ts.
 */
import type { CreateMetaPort } from '../../ports/create-meta';
import { preflightIncidentMapping, preflightPostMortem } from '../../preflight/preflight-rule';
import { z } from 'zod';
import { IMPACT_STATUSES, impactStatusSchema, type ImpactStatus } from '../../../shared/impact/incident';
import { DEFAULT_INCIDENT_SYNC_CONFIG, checkPostMortemConfig, checkStatusMap, type IncidentSyncConfig, type PostMortemConfig } from '../../domain/incidents';
import { IncidentKeys, loadConfig } from '../../incidents/incident-store';
import { updateWithCas, type Versioned } from '../../incidents/record-cas';
import type { JiraSitePermissionPort, JiraUserPort } from '../../ports/jira';
import type { KeyValueStore } from '../../ports/key-value-store';
import { requireSettingsAdmin, requireSiteAdmin, type CallerContext } from './admin-check';
import type { IncidentMappings, IncidentMappingsSaveResult, PostMortemTemplates, ResolverResult } from './contract';
import { invalidInput, invalidZodInput } from './resolver-errors';

export interface MappingResolverDeps {
  readonly store: KeyValueStore;
  readonly userJira: JiraUserPort;
  readonly siteJira: JiraSitePermissionPort;
  /** Jira's create metadata as the admin, for the pre-flight report on save (absent: not checked). */
  readonly createMeta?: CreateMetaPort;
}

const projectKey = z.string().regex(/^[A-Z][A-Z0-9_]{0,19}$/, 'a Jira project key such as OPS');
const name = z.string().trim().min(1).max(255);
const customFieldId = z.string().regex(/^customfield_\d{1,10}$/, 'a custom field id such as customfield_10042');
const slug = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'a lower-case slug such as root_causes');

const impactToJiraSchema = z.object(Object.fromEntries(IMPACT_STATUSES.map((s) => [s, name])) as Record<ImpactStatus, typeof name>);

export const mappingsSchema = z.object({
  statuses: z.object({
    impactToJira: impactToJiraSchema,
    jiraToImpact: z.record(name, impactStatusSchema).refine((m) => Object.keys(m).length <= 100, 'at most 100 Jira statuses'),
  }),
  fields: z.object({
    projectKey,
    issueTypeName: name,
    priority: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('custom-select'), fieldId: customFieldId }),
      z.object({ kind: z.literal('custom-number'), fieldId: customFieldId }),
      z.object({ kind: z.literal('jira-priority'), names: z.object({ '1': name, '2': name, '3': name, '4': name, '5': name }) }),
    ]),
    customFields: z
      .array(
        z.object({
          source: z.discriminatedUnion('kind', [
            z.object({ kind: z.literal('environments') }),
            z.object({ kind: z.literal('platform') }),
            z.object({ kind: z.literal('business_impact') }),
            z.object({ kind: z.literal('custom_id'), key: slug }),
          ]),
          fieldId: customFieldId,
          shape: z.enum(['text', 'select', 'multi-select', 'labels', 'number']),
          firstValueOnlyUpToPriority: z.number().int().min(1).max(5).optional(),
        }),
      )
      .max(50),
    label: z.string().regex(/^[^\s]{1,255}$/, 'a Jira label has no spaces').nullable(),
  }),
  postMortem: z.object({
    enabled: z.boolean(),
    projectKey,
    issueTypeName: name,
    requirePostMortemToClose: z.boolean(),
    sectionTargets: z.record(slug, customFieldId.nullable()),
  }),
});

const templatesSchema = z.object({
  summary: z.string().trim().min(1).max(255),
  sections: z.array(z.object({ key: slug, heading: name, body: z.string().max(10_000) })).min(1).max(30),
});



export function mappingsOf(config: IncidentSyncConfig): IncidentMappings {
  const pm = config.postMortem;
  return {
    statuses: config.statuses,
    fields: config.fields,
    postMortem: {
      enabled: pm.enabled,
      projectKey: pm.projectKey,
      issueTypeName: pm.issueTypeName,
      requirePostMortemToClose: pm.requirePostMortemToClose,
      sectionTargets: Object.fromEntries(pm.sections.map((s) => [s.key, s.target.kind === 'custom-field' ? s.target.fieldId : null])),
    },
  };
}

export function templatesOf(config: IncidentSyncConfig): PostMortemTemplates {
  return { summary: config.postMortem.summary, sections: config.postMortem.sections.map(({ key, heading, body }) => ({ key, heading, body })) };
}

/** The config's projects are touched by a change to it, on top of the settings page's project; then the site. */
async function allowed(caller: CallerContext, config: IncidentSyncConfig, deps: MappingResolverDeps): Promise<ResolverResult<never> | null> {
  return (await requireSettingsAdmin(deps.userJira, caller, [config.fields.projectKey, config.postMortem.projectKey])) ?? requireSiteAdmin(deps.siteJira, caller, 'change the site default incident settings');
}

export async function getIncidentMappings(deps: MappingResolverDeps): Promise<ResolverResult<IncidentMappings>> {
  return { ok: true, value: mappingsOf(await loadConfig(deps.store)) };
}

export async function saveIncidentMappings(input: unknown, caller: CallerContext, deps: MappingResolverDeps): Promise<ResolverResult<IncidentMappingsSaveResult>> {
  const parsed = z.object({ mappings: mappingsSchema }).safeParse(input ?? {});
  if (!parsed.success) return invalidZodInput(parsed.error);
  const m = parsed.data.mappings;
  const duplicates = checkStatusMap(m.statuses, Object.values(m.statuses.impactToJira).concat(Object.keys(m.statuses.jiraToImpact))).filter((p) => p.kind === 'duplicate-jira-key');
  if (duplicates.length > 0) return invalidInput(duplicates.map((p) => ({ path: 'mappings.statuses.jiraToImpact', message: `"${p.jiraStatus}" is listed twice` })));
  const current = await loadConfig(deps.store);
  const unknownSections = Object.keys(m.postMortem.sectionTargets).filter((key) => !current.postMortem.sections.some((s) => s.key === key));
  if (unknownSections.length > 0) return invalidInput(unknownSections.map((key) => ({ path: `mappings.postMortem.sectionTargets.${key}`, message: 'no post-mortem section has this key' })));
  // A function of the stored config, so a compare-and-set retry applies this edit to a concurrent one's result.
  const edit = (latest: IncidentSyncConfig): IncidentSyncConfig => ({
    ...latest,
    statuses: m.statuses,
    fields: m.fields,
    postMortem: {
      ...latest.postMortem,
      enabled: m.postMortem.enabled,
      projectKey: m.postMortem.projectKey,
      issueTypeName: m.postMortem.issueTypeName,
      requirePostMortemToClose: m.postMortem.requirePostMortemToClose,
      sections: latest.postMortem.sections.map((s) => {
        const target = m.postMortem.sectionTargets[s.key];
        if (target === undefined) return s;
        return { ...s, target: target === null ? { kind: 'description' } : { kind: 'custom-field', fieldId: target } };
      }),
    },
  });
  // Both the old and the new projects: moving the sync away from a project is a change to it too.
  const denied = (await allowed(caller, current, deps)) ?? (await allowed(caller, edit(current), deps));
  if (denied) return denied;
  const next = await saveSiteConfig(deps.store, edit);
  // Pre-flight (issue 16): reported, not enforced, for mappings (see IncidentMappingsSaveResult).
  const port = deps.createMeta;
  if (!port) return { ok: true, value: mappingsOf(next) };
  const [incident, postMortemReport] = await Promise.all([preflightIncidentMapping(next.fields, port), next.postMortem.enabled ? preflightPostMortem(next.postMortem, port) : Promise.resolve(null)]);
  return { ok: true, value: { ...mappingsOf(next), preflight: { incident, postMortem: postMortemReport } } };
}

export async function getPostMortemTemplates(deps: MappingResolverDeps): Promise<ResolverResult<PostMortemTemplates>> {
  return { ok: true, value: templatesOf(await loadConfig(deps.store)) };
}

/** Replaces the summary and the sections; a kept section keeps its target, a new one goes to the description. */
export async function savePostMortemTemplates(input: unknown, caller: CallerContext, deps: MappingResolverDeps): Promise<ResolverResult<PostMortemTemplates>> {
  const parsed = z.object({ templates: templatesSchema }).safeParse(input ?? {});
  if (!parsed.success) return invalidZodInput(parsed.error);
  const current = await loadConfig(deps.store);
  const t = parsed.data.templates;
  const withTemplates = (latest: PostMortemConfig): PostMortemConfig => ({
    ...latest,
    summary: t.summary,
    sections: t.sections.map((s) => ({ ...s, target: latest.sections.find((c) => c.key === s.key)?.target ?? { kind: 'description' } })),
  });
  const problems = checkPostMortemConfig(withTemplates(current.postMortem));
  if (problems.length > 0) return invalidInput(problems.map((p) => ({ path: `templates.${p.section}`, message: p.message })), 'the templates have errors; nothing was saved');
  const denied = await allowed(caller, current, deps);
  if (denied) return denied;
  const next = await saveSiteConfig(deps.store, (latest) => ({ ...latest, postMortem: withTemplates(latest.postMortem) }));
  return { ok: true, value: templatesOf(next) };
}

/**
 * The site default is edited from two tabs (Mappings, Post-mortem templates): compare-and-set, each save's
 * edit applied to the config as stored, so one tab's save never reverts the other's.
 */
function saveSiteConfig(store: KeyValueStore, edit: (latest: IncidentSyncConfig) => IncidentSyncConfig): Promise<IncidentSyncConfig> {
  return updateWithCas<IncidentSyncConfig & Versioned>(store, IncidentKeys.config, DEFAULT_INCIDENT_SYNC_CONFIG, edit);
}
