/** Renders the ADF the app writes (paragraphs, headings, lists, tables, links) as HTML; unknown nodes show their children. */
import type { ReactNode } from 'react';

interface AdfNode {
  readonly type?: unknown;
  readonly text?: unknown;
  readonly content?: unknown;
  readonly attrs?: { readonly level?: unknown; readonly href?: unknown };
  readonly marks?: unknown;
}

function children(node: AdfNode): ReactNode[] {
  return Array.isArray(node.content) ? node.content.map((c, i) => <AdfView key={i} node={c} />) : [];
}

export function AdfView({ node }: { node: unknown }): ReactNode {
  if (typeof node !== 'object' || node === null) return null;
  const n = node as AdfNode;
  switch (n.type) {
    case 'text': {
      let out: ReactNode = typeof n.text === 'string' ? n.text : '';
      for (const mark of Array.isArray(n.marks) ? (n.marks as { type?: string; attrs?: { href?: string } }[]) : []) {
        if (mark.type === 'strong') out = <strong>{out}</strong>;
        else if (mark.type === 'em') out = <em>{out}</em>;
        else if (mark.type === 'code') out = <code>{out}</code>;
        else if (mark.type === 'link' && typeof mark.attrs?.href === 'string' && /^https?:\/\//.test(mark.attrs.href)) out = <a href={mark.attrs.href} target="_blank" rel="noreferrer">{out}</a>;
      }
      return out;
    }
    case 'hardBreak':
      return <br />;
    case 'paragraph':
      return <p>{children(n)}</p>;
    case 'heading':
      return <h4>{children(n)}</h4>;
    case 'bulletList':
      return <ul>{children(n)}</ul>;
    case 'orderedList':
      return <ol>{children(n)}</ol>;
    case 'listItem':
      return <li>{children(n)}</li>;
    case 'table':
      return (
        <table>
          <tbody>{children(n)}</tbody>
        </table>
      );
    case 'tableRow':
      return <tr>{children(n)}</tr>;
    case 'tableHeader':
      return <th>{children(n)}</th>;
    case 'tableCell':
      return <td>{children(n)}</td>;
    case 'codeBlock':
      return <pre>{children(n)}</pre>;
    default:
      return <div>{children(n)}</div>;
  }
}
