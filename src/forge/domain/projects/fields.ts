/**
 * Which custom fields hold story points and sprints on this site. Field ids vary per site, so they are
 * discovered from GET /rest/api/3/field by schema first, then by name, and an admin override wins.
 */
export interface FieldInfo {
  readonly id: string;
  readonly name: string;
  readonly custom: boolean;
  readonly schemaCustom: string | undefined;
  readonly schemaType: string | undefined;
}

export interface SiteFields {
  readonly storyPoints: string | undefined;
  readonly sprint: string | undefined;
}

const STORY_POINT_SCHEMAS = ['com.pyxis.greenhopper.jira:jsw-story-points', 'com.atlassian.jira.plugin.system.customfieldtypes:float'];
const STORY_POINT_NAMES = ['story point estimate', 'story points'];
/** Ids most sites use, in the order they are usually right. */
export const COMMON_STORY_POINT_FIELDS = ['customfield_10016', 'customfield_10004', 'customfield_10034'] as const;

export function discoverSiteFields(fields: readonly FieldInfo[], override?: { storyPoints?: string | undefined }): SiteFields {
  const byId = new Map(fields.map((f) => [f.id, f]));
  const numeric = fields.filter((f) => f.custom && f.schemaType === 'number');
  const named = (f: FieldInfo) => STORY_POINT_NAMES.includes(f.name.trim().toLowerCase());
  const storyPoints =
    (override?.storyPoints && byId.has(override.storyPoints) ? override.storyPoints : undefined) ??
    numeric.find((f) => f.schemaCustom === STORY_POINT_SCHEMAS[0])?.id ??
    numeric.find(named)?.id ??
    COMMON_STORY_POINT_FIELDS.find((id) => byId.get(id)?.schemaType === 'number');
  const sprint = fields.find((f) => f.custom && f.schemaCustom === 'com.pyxis.greenhopper.jira:gh-sprint')?.id ?? fields.find((f) => f.custom && f.name.trim().toLowerCase() === 'sprint')?.id;
  return { storyPoints, sprint };
}

/** The `fields` list for the search: only what the mapping reads. */
export function searchFields(site: SiteFields): string[] {
  const base = ['summary', 'issuetype', 'status', 'assignee', 'priority', 'created', 'updated', 'resolutiondate'];
  return [...base, ...(site.storyPoints ? [site.storyPoints] : []), ...(site.sprint ? [site.sprint] : [])];
}
