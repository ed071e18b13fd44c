/** Minimal Atlassian Document Format builders: only the nodes this app writes. */
export interface AdfText {
  readonly type: 'text';
  readonly text: string;
  readonly marks?: readonly ({ readonly type: 'strong' } | { readonly type: 'em' } | { readonly type: 'link'; readonly attrs: { readonly href: string } })[];
}
export interface AdfHardBreak {
  readonly type: 'hardBreak';
}
export type AdfInline = AdfText | AdfHardBreak;
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
  readonly type: 'tableHeader' | 'tableCell';
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
export type AdfBlock = AdfParagraph | AdfHeading | AdfBulletList | AdfTable;
export interface AdfDoc {
  readonly type: 'doc';
  readonly version: 1;
  readonly content: readonly AdfBlock[];
}

export const doc = (content: readonly AdfBlock[]): AdfDoc => ({ type: 'doc', version: 1, content });

/** ADF forbids empty text nodes; an empty string becomes an empty paragraph. */
export const text = (value: string, marks?: AdfText['marks']): AdfText[] => (value.length === 0 ? [] : [marks ? { type: 'text', text: value, marks } : { type: 'text', text: value }]);

/** Lines inside one paragraph are joined by hard breaks. */
export function paragraph(value: string): AdfParagraph {
  const content: AdfInline[] = [];
  value.split('\n').forEach((line, i) => {
    if (i > 0) content.push({ type: 'hardBreak' });
    content.push(...inlineMarkup(line));
  });
  return { type: 'paragraph', content };
}

export const heading = (level: AdfHeading['attrs']['level'], value: string): AdfHeading => ({ type: 'heading', attrs: { level }, content: inlineMarkup(value) });

export const bulletList = (items: readonly string[]): AdfBulletList => ({
  type: 'bulletList',
  content: items.map((item) => ({ type: 'listItem', content: [paragraph(item)] })),
});

export function table(header: readonly string[], rows: readonly (readonly string[])[]): AdfTable {
  const cell = (type: AdfTableCell['type'], value: string): AdfTableCell => ({ type, content: [{ type: 'paragraph', content: text(value) }] });
  return {
    type: 'table',
    content: [{ type: 'tableRow', content: header.map((h) => cell('tableHeader', h)) }, ...rows.map((r) => ({ type: 'tableRow' as const, content: r.map((v) => cell('tableCell', v)) }))],
  };
}

/** `**bold**` is the only inline markup templates use. */
export function inlineMarkup(line: string): AdfText[] {
  const out: AdfText[] = [];
  const parts = line.split(/(\*\*[^*]+\*\*)/);
  for (const part of parts) {
    if (part.startsWith('**') && part.endsWith('**') && part.length > 4) out.push(...text(part.slice(2, -2), [{ type: 'strong' }]));
    else out.push(...text(part));
  }
  return out;
}

/** Plain text → ADF: blank lines separate paragraphs, single newlines become hard breaks. */
export function textToAdf(value: string): AdfDoc {
  const blocks = value
    .replace(/\r\n?/g, '\n')
    .split(/\n{2,}/)
    .map((p) => p.trim())
    .filter((p) => p.length > 0)
    .map((p): AdfParagraph => {
      const content: AdfInline[] = [];
      p.split('\n').forEach((line, i) => {
        if (i > 0) content.push({ type: 'hardBreak' });
        content.push(...text(line));
      });
      return { type: 'paragraph', content };
    });
  return doc(blocks);
}
