/**
 * Structural check of Atlassian Document Format bodies, as Jira Cloud applies it to v3 `description` and
 * comment bodies: a `doc` of version 1, known node types in the places the ADF schema allows them, known
 * marks on text only. It checks structure and required attributes, not every attribute's value.
 */

type Json = unknown;

const INLINE = new Set(['text', 'hardBreak', 'mention', 'emoji', 'date', 'status', 'inlineCard', 'placeholder', 'mediaInline']);
const TOP_BLOCKS = [
  'paragraph', 'heading', 'bulletList', 'orderedList', 'blockquote', 'codeBlock', 'rule', 'panel', 'table',
  'mediaSingle', 'mediaGroup', 'expand', 'decisionList', 'taskList', 'blockCard', 'embedCard',
];
const LIST_ITEM_CONTENT = ['paragraph', 'bulletList', 'orderedList', 'codeBlock', 'mediaSingle'];
const CELL_CONTENT = ['paragraph', 'heading', 'bulletList', 'orderedList', 'blockquote', 'codeBlock', 'rule', 'panel', 'mediaSingle', 'mediaGroup', 'nestedExpand', 'decisionList', 'taskList', 'blockCard', 'embedCard'];

/** Allowed children per node type; `inline` means inline nodes only; absent means a leaf. */
const CHILDREN: Readonly<Record<string, readonly string[] | 'inline'>> = {
  doc: TOP_BLOCKS,
  paragraph: 'inline',
  heading: 'inline',
  bulletList: ['listItem'],
  orderedList: ['listItem'],
  listItem: LIST_ITEM_CONTENT,
  blockquote: ['paragraph', 'bulletList', 'orderedList', 'codeBlock', 'mediaSingle', 'mediaGroup'],
  codeBlock: ['text'],
  panel: ['paragraph', 'heading', 'bulletList', 'orderedList', 'blockCard', 'mediaGroup', 'mediaSingle', 'codeBlock', 'taskList', 'rule', 'decisionList'],
  table: ['tableRow'],
  tableRow: ['tableHeader', 'tableCell'],
  tableHeader: CELL_CONTENT,
  tableCell: CELL_CONTENT,
  mediaSingle: ['media'],
  mediaGroup: ['media'],
  expand: TOP_BLOCKS.filter((t) => t !== 'expand').concat('nestedExpand'),
  nestedExpand: ['paragraph', 'heading', 'bulletList', 'orderedList', 'codeBlock', 'rule', 'panel', 'mediaSingle', 'mediaGroup', 'decisionList', 'taskList', 'blockquote'],
  decisionList: ['decisionItem'],
  decisionItem: 'inline',
  taskList: ['taskItem', 'taskList'],
  taskItem: 'inline',
};

const LEAVES = new Set(['rule', 'media', 'blockCard', 'embedCard', ...INLINE]);

const REQUIRED_ATTRS: Readonly<Record<string, readonly string[]>> = {
  heading: ['level'],
  panel: ['panelType'],
  mention: ['id'],
  emoji: ['shortName'],
  date: ['timestamp'],
  status: ['text', 'color'],
  inlineCard: [],
  media: ['type'],
  decisionItem: ['localId', 'state'],
  taskItem: ['localId', 'state'],
};

const MARKS: Readonly<Record<string, readonly string[]>> = {
  strong: [], em: [], strike: [], code: [], underline: [], link: ['href'], textColor: ['color'],
  backgroundColor: ['color'], subsup: ['type'], annotation: ['id'],
};

const isObject = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Returns null when `value` is a valid ADF document, else the first problem found (for logs and tests). */
export function adfProblem(value: Json): string | null {
  if (!isObject(value)) return 'body is not an object';
  if (value['type'] !== 'doc') return 'root node must have type "doc"';
  if (value['version'] !== 1) return 'doc.version must be 1';
  if (!Array.isArray(value['content'])) return 'doc.content must be an array';
  return checkChildren(value, 'doc', 'doc');
}

function checkChildren(node: Record<string, Json>, type: string, path: string): string | null {
  const allowed = CHILDREN[type];
  const content = node['content'];
  if (content === undefined) return type === 'doc' ? 'doc.content is required' : null;
  if (!Array.isArray(content)) return `${path}.content must be an array`;
  if (allowed === undefined) return content.length === 0 ? null : `${path}: ${type} cannot have content`;
  for (const [i, child] of content.entries()) {
    const childPath = `${path}.content[${i}]`;
    if (!isObject(child) || typeof child['type'] !== 'string') return `${childPath} is not a node`;
    const childType = child['type'];
    const ok = allowed === 'inline' ? INLINE.has(childType) : allowed.includes(childType);
    if (!ok) return `${childPath}: ${childType} is not allowed inside ${type}`;
    const problem = checkNode(child, childType, childPath);
    if (problem) return problem;
  }
  return null;
}

function checkNode(node: Record<string, Json>, type: string, path: string): string | null {
  if (!(type in CHILDREN) && !LEAVES.has(type)) return `${path}: unknown node type ${type}`;
  const attrs = node['attrs'];
  for (const name of REQUIRED_ATTRS[type] ?? []) {
    if (!isObject(attrs) || attrs[name] === undefined) return `${path}: ${type} requires attrs.${name}`;
  }
  if (type === 'heading' && isObject(attrs)) {
    const level = attrs['level'];
    if (typeof level !== 'number' || level < 1 || level > 6) return `${path}: heading level must be 1..6`;
  }
  if (type === 'text') {
    if (typeof node['text'] !== 'string' || node['text'].length === 0) return `${path}: text must be a non-empty string`;
    return checkMarks(node['marks'], path);
  }
  if (node['marks'] !== undefined) return `${path}: marks are only allowed on text nodes`;
  return checkChildren(node, type, path);
}

function checkMarks(marks: Json, path: string): string | null {
  if (marks === undefined) return null;
  if (!Array.isArray(marks)) return `${path}.marks must be an array`;
  for (const mark of marks) {
    if (!isObject(mark) || typeof mark['type'] !== 'string') return `${path}: mark is not an object with a type`;
    const required = MARKS[mark['type']];
    if (required === undefined) return `${path}: unknown mark ${mark['type']}`;
    const attrs = mark['attrs'];
    for (const name of required) if (!isObject(attrs) || attrs[name] === undefined) return `${path}: mark ${mark['type']} requires attrs.${name}`;
  }
  return null;
}

/** Plain text of a document, for changelog strings (Jira logs descriptions as text). */
export function adfToText(value: Json): string {
  if (!isObject(value)) return '';
  if (value['type'] === 'text' && typeof value['text'] === 'string') return value['text'];
  if (value['type'] === 'hardBreak') return '\n';
  const content = Array.isArray(value['content']) ? value['content'] : [];
  const parts = content.map(adfToText);
  const blockish = value['type'] === 'doc' || value['type'] === 'bulletList' || value['type'] === 'orderedList';
  return parts.join(blockish ? '\n' : '');
}

/**
 * Account ids of the `mention` nodes of an ADF body, each once, in document order (what Forge's
 * `avi:jira:mentioned:comment` lists as `mentionedAccountIds`).
 */
export function adfMentionIds(body: Json): string[] {
  const ids: string[] = [];
  const visit = (node: Json): void => {
    if (typeof node !== 'object' || node === null) return;
    const { type, attrs, content } = node as { type?: unknown; attrs?: { id?: unknown }; content?: unknown };
    if (type === 'mention' && typeof attrs?.id === 'string' && !ids.includes(attrs.id)) ids.push(attrs.id);
    if (Array.isArray(content)) content.forEach(visit);
  };
  visit(body);
  return ids;
}
