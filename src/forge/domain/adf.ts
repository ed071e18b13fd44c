/**
 * The subset of Atlassian Document Format (doc v1) the app writes, with builders that never produce what
 * Jira refuses: no empty text nodes, links only for http(s) URLs, table cells always wrapping a paragraph.
 */
export type AdfMark = { readonly type: 'strong' } | { readonly type: 'code' } | { readonly type: 'em' } | { readonly type: 'link'; readonly attrs: { readonly href: string } };

export type AdfInline = { readonly type: 'text'; readonly text: string; readonly marks?: readonly AdfMark[] } | { readonly type: 'hardBreak' };

export interface AdfParagraph {
  readonly type: 'paragraph';
  readonly content: readonly AdfInline[];
}
export interface AdfHeading {
  readonly type: 'heading';
  readonly attrs: { readonly level: 1 | 2 | 3 | 4 | 5 | 6 };
  readonly content: readonly AdfInline[];
}
export interface AdfListItem {
  readonly type: 'listItem';
  readonly content: readonly AdfParagraph[];
}
export interface AdfBulletList {
  readonly type: 'bulletList';
  readonly content: readonly AdfListItem[];
}
export interface AdfTableCell {
  readonly type: 'tableCell' | 'tableHeader';
  readonly content: readonly AdfParagraph[];
}
export interface AdfTableRow {
  readonly type: 'tableRow';
  readonly content: readonly AdfTableCell[];
}
export interface AdfTable {
  readonly type: 'table';
  readonly content: readonly AdfTableRow[];
}
export interface AdfRule {
  readonly type: 'rule';
}

/** A collapsible section; the incident sync marks the post-mortem sections it owns with one. */
export interface AdfExpand {
  readonly type: 'expand';
  readonly attrs: { readonly title: string };
  readonly content: readonly AdfBlock[];
}

export type AdfBlock = AdfParagraph | AdfHeading | AdfBulletList | AdfTable | AdfRule | AdfExpand;

export interface AdfDoc {
  readonly type: 'doc';
  readonly version: 1;
  readonly content: readonly AdfBlock[];
}

export function doc(blocks: readonly (AdfBlock | null | undefined)[]): AdfDoc {
  const content = blocks.filter((b): b is AdfBlock => b !== null && b !== undefined);
  // Jira accepts an empty doc, but an empty paragraph keeps readers from showing "no description".
  return { type: 'doc', version: 1, content: content.length > 0 ? content : [{ type: 'paragraph', content: [] }] };
}

export function text(value: string, marks?: readonly AdfMark[]): AdfInline[] {
  if (value === '') return [];
  return marks && marks.length > 0 ? [{ type: 'text', text: value, marks }] : [{ type: 'text', text: value }];
}

export function strong(value: string): AdfInline[] {
  return text(value, [{ type: 'strong' }]);
}

export function code(value: string): AdfInline[] {
  return text(value, [{ type: 'code' }]);
}

/** A link when `href` is an absolute http(s) URL, else the plain label (never a javascript: link). */
export function link(label: string, href: string): AdfInline[] {
  return isHttpUrl(href) ? text(label === '' ? href : label, [{ type: 'link', attrs: { href } }]) : text(label);
}

export function isHttpUrl(s: string): boolean {
  return /^https?:\/\/[^\s]+$/i.test(s);
}

/** Multi-line text becomes one paragraph with hard breaks. */
export function paragraph(...parts: readonly (readonly AdfInline[])[]): AdfParagraph {
  return { type: 'paragraph', content: parts.flat() };
}

export function multiline(value: string): AdfParagraph {
  const lines = value.split(/\r?\n/);
  const content: AdfInline[] = [];
  lines.forEach((line, i) => {
    if (i > 0) content.push({ type: 'hardBreak' });
    content.push(...text(line));
  });
  return { type: 'paragraph', content };
}

export function heading(level: 1 | 2 | 3 | 4 | 5 | 6, value: string): AdfHeading {
  return { type: 'heading', attrs: { level }, content: text(value) };
}

export function bulletList(items: readonly (readonly AdfInline[])[]): AdfBulletList | null {
  if (items.length === 0) return null;
  return { type: 'bulletList', content: items.map((inline) => ({ type: 'listItem', content: [paragraph(inline)] })) };
}

export function table(header: readonly string[], rows: readonly (readonly (readonly AdfInline[])[])[]): AdfTable | null {
  if (rows.length === 0) return null;
  const head: AdfTableRow = { type: 'tableRow', content: header.map((h) => ({ type: 'tableHeader', content: [paragraph(strong(h))] })) };
  const body: AdfTableRow[] = rows.map((cells) => ({ type: 'tableRow', content: cells.map((c) => ({ type: 'tableCell', content: [paragraph(c)] })) }));
  return { type: 'table', content: [head, ...body] };
}

export function rule(): AdfRule {
  return { type: 'rule' };
}
