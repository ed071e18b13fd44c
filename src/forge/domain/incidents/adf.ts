/**
 * String-first ADF helpers for incident and post-mortem text (templates use `**bold**` and blank-line
 * paragraphs). The node types and primitives are the shared subset in ../adf.
 */
import { text, type AdfBlock, type AdfBulletList, type AdfDoc, type AdfHeading, type AdfInline, type AdfParagraph, type AdfTable, type AdfTableCell } from '../adf';

export type { AdfBlock, AdfBulletList, AdfDoc, AdfHeading, AdfInline, AdfParagraph, AdfTable, AdfTableCell } from '../adf';
export { text } from '../adf';
export type AdfText = Extract<AdfInline, { type: 'text' }>;

export const doc = (content: readonly AdfBlock[]): AdfDoc => ({ type: 'doc', version: 1, content });

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
export function inlineMarkup(line: string): AdfInline[] {
  const out: AdfInline[] = [];
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

/** The plain text of an ADF document (a Jira comment): text nodes joined, one line per block. */
export function adfPlainText(node: unknown): string {
  const n = node as { type?: unknown; text?: unknown; content?: unknown } | null | undefined;
  if (!n || typeof n !== 'object') return typeof node === 'string' ? node : '';
  if (n.type === 'text' && typeof n.text === 'string') return n.text;
  if (n.type === 'hardBreak') return '\n';
  const children = Array.isArray(n.content) ? n.content.map(adfPlainText) : [];
  const inline = n.type === 'paragraph' || n.type === 'heading';
  return inline ? children.join('') : children.filter((c) => c !== '').join('\n');
}
