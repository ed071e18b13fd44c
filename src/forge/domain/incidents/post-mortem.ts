import type { ImpactIncident } from '../../../shared/impact/incident';
import { bulletList, doc, heading, paragraph, table, type AdfBlock, type AdfDoc } from './adf';
import { BLOCK_PLACEHOLDERS, CUSTOM_ID_PLACEHOLDER, type PostMortemConfig, type PostMortemSection } from './post-mortem-template';
import { buildTimeline, formatUtc, keyEventLabel } from './timeline';

export interface PostMortemRender {
  readonly summary: string;
  /** Sections whose target is the description, in order, each under its heading; null when none. */
  readonly description: AdfDoc | null;
  /** Custom field id → ADF document, for sections that target a custom field. */
  readonly customFields: Readonly<Record<string, AdfDoc>>;
}

export interface RenderContext {
  readonly incident: ImpactIncident;
  readonly incidentIssueKey: string | null;
}

const EMPTY = '—';

function placeholderValue(name: string, ctx: RenderContext): string | undefined {
  const i = ctx.incident;
  switch (name) {
    case 'incident.id':
      return i.id;
    case 'incident.title':
      return i.title;
    case 'incident.priority':
      return `P${i.priority}`;
    case 'incident.description':
      return i.description.trim() || EMPTY;
    case 'incident.commander':
      return i.commander ? `${i.commander.name} <${i.commander.email}>` : EMPTY;
    case 'incident.environments':
      return i.environments.length > 0 ? i.environments.join(', ') : EMPTY;
    case 'incident.platform':
      return i.platform ?? EMPTY;
    case 'incident.business_impact':
      return i.business_impact?.trim() || EMPTY;
    case 'incident.url':
      return i.url ?? EMPTY;
    case 'incident.custom_ids': {
      const entries = Object.entries(i.custom_ids).sort(([a], [b]) => (a < b ? -1 : 1));
      return entries.length > 0 ? entries.map(([k, v]) => `${k}: ${v}`).join(', ') : EMPTY;
    }
    case 'jira.incident_key':
      return ctx.incidentIssueKey ?? EMPTY;
  }
  const custom = CUSTOM_ID_PLACEHOLDER.exec(name);
  if (custom) return i.custom_ids[custom[1] ?? ''] ?? EMPTY;
  return undefined;
}

/** Unknown placeholders stay visible as written, so a template mistake shows in the output. */
export function fillPlaceholders(template: string, ctx: RenderContext): string {
  return template.replace(/\{\{\s*([^}]+?)\s*\}\}/g, (whole, name: string) => placeholderValue(name, ctx) ?? whole);
}

/**
 * The description sections the app owns are marked: each block placeholder's output (the timeline table,
 * the mitigation events) sits in an expand whose title ends with OWNED_MARK. A refresh rewrites only the
 * content of those expands; every other word of the description is the people's and stays as they left it.
 */
export const OWNED_MARK = '· kept up to date by Incident Bridge';
const OWNED_TITLES: Readonly<Record<string, string>> = { timeline: `Timeline ${OWNED_MARK}`, mitigation_events: `Mitigation events ${OWNED_MARK}` };

function owned(block: string, content: AdfBlock): AdfBlock {
  return { type: 'expand', attrs: { title: OWNED_TITLES[block] ?? `${block} ${OWNED_MARK}` }, content: [content] };
}

function timelineTable(ctx: RenderContext): AdfBlock {
  const rows = buildTimeline(ctx.incident).map((e) => [formatUtc(e.at), e.text]);
  return table(['Time', 'Event'], rows);
}

function mitigationList(ctx: RenderContext, kinds: readonly string[]): AdfBlock {
  const events = ctx.incident.key_events
    .filter((e) => kinds.includes(e.kind))
    .sort((a, b) => Date.parse(a.time) - Date.parse(b.time))
    .map((e) => `${formatUtc(Date.parse(e.time))}: ${keyEventLabel(e.kind)}${e.message?.trim() ? ` - ${e.message.trim()}` : ''}`);
  return events.length > 0 ? bulletList(events) : paragraph('No mitigation events recorded.');
}

/**
 * Renders one section body (see post-mortem-template.ts for the line language). `marked`: the dynamic
 * blocks go inside owned expands (description sections; a custom field is the app's as a whole).
 */
export function renderSectionBody(body: string, ctx: RenderContext, mitigationKinds: readonly string[], marked = false): AdfBlock[] {
  const blocks: AdfBlock[] = [];
  let para: string[] = [];
  let items: string[] = [];
  const flush = () => {
    if (para.length > 0) blocks.push(paragraph(fillPlaceholders(para.join('\n'), ctx)));
    if (items.length > 0) blocks.push(bulletList(items.map((item) => fillPlaceholders(item, ctx))));
    para = [];
    items = [];
  };
  for (const raw of body.replace(/\r\n?/g, '\n').split('\n')) {
    const line = raw.trimEnd();
    const block = /^\s*\{\{\s*([a-z_]+)\s*\}\}\s*$/.exec(line)?.[1];
    if (block !== undefined && (BLOCK_PLACEHOLDERS as readonly string[]).includes(block)) {
      flush();
      const rendered = block === 'timeline' ? timelineTable(ctx) : mitigationList(ctx, mitigationKinds);
      blocks.push(marked ? owned(block, rendered) : rendered);
    } else if (line.trim() === '') {
      flush();
    } else if (line.startsWith('### ')) {
      flush();
      blocks.push(heading(3, fillPlaceholders(line.slice(4), ctx)));
    } else if (line.startsWith('- ')) {
      if (para.length > 0) flush();
      items.push(line.slice(2));
    } else {
      if (items.length > 0) flush();
      para.push(line);
    }
  }
  flush();
  return blocks;
}

/** Renders the whole post-mortem: summary, description sections and custom-field sections. */
export function renderPostMortem(config: PostMortemConfig, ctx: RenderContext, only?: (section: PostMortemSection) => boolean): PostMortemRender {
  const description: AdfBlock[] = [];
  const customFields: Record<string, AdfDoc> = {};
  for (const section of config.sections) {
    if (only && !only(section)) continue;
    const blocks = renderSectionBody(section.body, ctx, config.mitigationKinds, section.target.kind === 'description');
    switch (section.target.kind) {
      case 'description':
        description.push(heading(2, section.heading), ...blocks);
        break;
      case 'custom-field':
        customFields[section.target.fieldId] = doc(blocks);
        break;
    }
  }
  const summary = fillPlaceholders(config.summary, ctx).replace(/\s+/g, ' ').trim().slice(0, 255);
  return { summary, description: description.length > 0 ? doc(description) : null, customFields };
}

/** Sections that change when key events change (re-rendered on incident.key_events_updated). */
export const dependsOnKeyEvents = (section: PostMortemSection): boolean => /\{\{\s*(timeline|mitigation_events)\s*\}\}/.test(section.body);

/** Jira `fields` for creating the post-mortem issue. */
export function postMortemCreateFields(config: PostMortemConfig, render: PostMortemRender): Record<string, unknown> {
  return {
    project: { key: config.projectKey },
    issuetype: { name: config.issueTypeName },
    summary: render.summary,
    ...(render.description ? { description: render.description } : {}),
    ...render.customFields,
  };
}

/**
 * Jira `fields` refreshing the key-event sections of an existing post-mortem. For the description this is
 * the freshly rendered document, to be merged into the current one with mergeOwnedSections (never written
 * as it is: the description is the people's outside the owned sections).
 */
export function postMortemRefreshFields(config: PostMortemConfig, ctx: RenderContext): Record<string, unknown> {
  const touched = config.sections.filter(dependsOnKeyEvents);
  const inDescription = touched.some((s) => s.target.kind === 'description');
  const refreshed = renderPostMortem(config, ctx, (s) => (s.target.kind === 'description' ? inDescription : dependsOnKeyEvents(s)));
  return { ...(inDescription && refreshed.description ? { description: refreshed.description } : {}), ...refreshed.customFields };
}

interface LooseNode {
  readonly type?: unknown;
  readonly attrs?: { readonly title?: unknown };
  readonly content?: unknown;
}

const ownedTitle = (node: LooseNode): string | null =>
  node.type === 'expand' && typeof node.attrs?.title === 'string' && node.attrs.title.endsWith(OWNED_MARK) ? node.attrs.title : null;

/**
 * The description as it is in Jira now, with the content of each owned section replaced by the fresh
 * render's. Nothing else changes: not a word people wrote, nor a section they removed (an owned section a
 * person deleted stays deleted). null when the description needs no write (nothing owned changed, or it
 * is not an ADF document).
 */
export function mergeOwnedSections(current: unknown, fresh: AdfDoc): AdfDoc | null {
  const now = current as { type?: unknown; content?: unknown } | null | undefined;
  if (!now || now.type !== 'doc' || !Array.isArray(now.content)) return null;
  const replacements = new Map<string, readonly AdfBlock[]>();
  for (const block of fresh.content) {
    const title = ownedTitle(block as LooseNode);
    if (title !== null && block.type === 'expand') replacements.set(title, block.content);
  }
  let changed = false;
  const content = (now.content as LooseNode[]).map((node) => {
    const title = ownedTitle(node);
    const next = title === null ? undefined : replacements.get(title);
    if (next === undefined || JSON.stringify(node.content) === JSON.stringify(next)) return node;
    changed = true;
    return { ...node, content: next };
  });
  return changed ? ({ ...(now as object), content } as unknown as AdfDoc) : null;
}
