/**
 * Post-mortem templates, held as data (editable in settings). A section body is a tiny line language:
 *  - a blank line separates blocks;
 *  - `- item` lines form a bullet list; `### text` is a heading;
 *  - a line that is exactly `{{timeline}}` becomes the timeline table, `{{mitigation_events}}` a list of
 *    the key events whose kind is in `mitigationKinds`;
 *  - other lines are paragraphs; `{{placeholder}}` is replaced, `**text**` is bold.
 * Placeholders deliberately exclude the incident's status and creation time (seed 004: the summary must
 * not show them; the timeline does).
 */
export const PLACEHOLDERS = [
  'incident.id',
  'incident.title',
  'incident.priority',
  'incident.description',
  'incident.commander',
  'incident.environments',
  'incident.platform',
  'incident.business_impact',
  'incident.url',
  'incident.custom_ids',
  'jira.incident_key',
] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
/** `{{custom_id.<key>}}` reads one custom id. */
export const CUSTOM_ID_PLACEHOLDER = /^custom_id\.([a-z][a-z0-9_]{0,63})$/;
export const BLOCK_PLACEHOLDERS = ['timeline', 'mitigation_events'] as const;

export type SectionTarget = { readonly kind: 'custom-field'; readonly fieldId: string } | { readonly kind: 'description' };

export interface PostMortemSection {
  readonly key: string;
  readonly heading: string;
  readonly body: string;
  readonly target: SectionTarget;
}

export interface PostMortemConfig {
  readonly enabled: boolean;
  readonly projectKey: string;
  readonly issueTypeName: string;
  /** Summary template (single line). */
  readonly summary: string;
  readonly sections: readonly PostMortemSection[];
  readonly mitigationKinds: readonly string[];
  /** Link type names tried in order; parent/child is never used. */
  readonly linkTypePreference: readonly string[];
  /** Block closing an incident issue that has no post-mortem at all (not only an unfinished one). */
  readonly requirePostMortemToClose: boolean;
}

/** Seed 004 defaults: the POSTMORTEM project, issue type "Post-mortem", one custom field per section. */
export const DEFAULT_POST_MORTEM_CONFIG: PostMortemConfig = {
  enabled: true,
  projectKey: 'POSTMORTEM',
  issueTypeName: 'Post-mortem',
  summary: 'Post-mortem: {{incident.title}} ({{incident.id}})',
  sections: [
    {
      key: 'incident_summary',
      heading: 'Incident summary',
      target: { kind: 'custom-field', fieldId: 'customfield_12699' },
      body: [
        '**Incident:** {{incident.id}} ({{jira.incident_key}})',
        '**Priority:** {{incident.priority}}',
        '**Commander:** {{incident.commander}}',
        '**Environments:** {{incident.environments}}',
        '**Platform:** {{incident.platform}}',
        '',
        '{{incident.description}}',
      ].join('\n'),
    },
    { key: 'timeline', heading: 'Timeline', target: { kind: 'custom-field', fieldId: 'customfield_12700' }, body: '{{timeline}}' },
    {
      key: 'impact',
      heading: 'Impact',
      target: { kind: 'custom-field', fieldId: 'customfield_12702' },
      body: '{{incident.business_impact}}\n\n**Environments:** {{incident.environments}}\n**Platform:** {{incident.platform}}',
    },
    {
      key: 'mitigation_actions',
      heading: 'Mitigation actions',
      target: { kind: 'custom-field', fieldId: 'customfield_12703' },
      body: '{{mitigation_events}}\n\nList the actions taken to mitigate the incident.',
    },
    {
      key: 'root_causes',
      heading: 'Root causes',
      target: { kind: 'custom-field', fieldId: 'customfield_12701' },
      body: 'To be completed: what caused the incident, and why it was not caught earlier.',
    },
  ],
  mitigationKinds: ['mitigated', 'recovered', 'mitigation', 'rollback', 'fix_deployed'],
  linkTypePreference: ['Relates', 'Blocks', 'Relates to'],
  requirePostMortemToClose: false,
};

/** The same sections, all in the description: for projects without the post-mortem custom fields. */
export function inDescription(config: PostMortemConfig): PostMortemConfig {
  return { ...config, sections: config.sections.map((s) => ({ ...s, target: { kind: 'description' } })) };
}

export interface TemplateProblem {
  readonly section: string;
  readonly message: string;
}

const PLACEHOLDER_RE = /\{\{\s*([^}]+?)\s*\}\}/g;

export function isKnownPlaceholder(name: string): boolean {
  return (PLACEHOLDERS as readonly string[]).includes(name) || CUSTOM_ID_PLACEHOLDER.test(name);
}

/** Problems a settings page shows before saving templates. */
export function checkPostMortemConfig(config: PostMortemConfig): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  const check = (section: string, template: string, blockAllowed: boolean) => {
    for (const line of template.split('\n')) {
      for (const match of line.matchAll(PLACEHOLDER_RE)) {
        const name = match[1] ?? '';
        const block = (BLOCK_PLACEHOLDERS as readonly string[]).includes(name);
        if (block && !(blockAllowed && line.trim() === match[0])) problems.push({ section, message: `{{${name}}} must be alone on its line` });
        else if (!block && !isKnownPlaceholder(name)) problems.push({ section, message: `unknown placeholder {{${name}}}` });
      }
    }
  };
  check('summary', config.summary, false);
  if (config.summary.includes('\n')) problems.push({ section: 'summary', message: 'the summary must be one line' });
  const keys = new Set<string>();
  for (const section of config.sections) {
    if (keys.has(section.key)) problems.push({ section: section.key, message: 'duplicate section key' });
    keys.add(section.key);
    check(section.key, section.body, true);
  }
  if (config.sections.length === 0) problems.push({ section: '(sections)', message: 'at least one section is required' });
  if (config.linkTypePreference.some((name) => /parent|child|sub-?task/i.test(name))) {
    problems.push({ section: 'linkTypePreference', message: 'hierarchy links are not allowed' });
  }
  return problems;
}
