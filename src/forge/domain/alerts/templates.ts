/**
 * A tiny, safe template renderer for rule summaries, descriptions, labels and custom field strings.
 *
 * Syntax: `{{ path | filter | filter("arg") }}`. Paths are dotted names into the context
 * (`labels.severity`, `annotations.summary`, `status`, `groupLabels.cluster`, `fingerprint`…).
 * Filters (what the seed's summary needs, no more): `default(x)` where x is a quoted string or a path,
 * `capitalize`, `upper`, `lower`, `trim`. Unknown paths and unknown filters render empty; nothing throws,
 * nothing is evaluated as code.
 */
export type TemplateValue = string | number | Readonly<Record<string, string>> | undefined;
export type TemplateContext = Readonly<Record<string, TemplateValue>>;

const PLACEHOLDER = /\{\{([\s\S]*?)\}\}/g;
const MAX_OUTPUT = 32_768;

export function renderTemplate(template: string, context: TemplateContext): string {
  const out = template.replace(PLACEHOLDER, (_all, expr: string) => evaluate(expr, context));
  return out.length > MAX_OUTPUT ? out.slice(0, MAX_OUTPUT) : out;
}

/** Placeholders whose path or filter is not known, so a rule editor can warn (rendering still succeeds). */
export function templateWarnings(template: string): string[] {
  const warnings: string[] = [];
  for (const match of template.matchAll(PLACEHOLDER)) {
    const parts = splitPipes(match[1] ?? '');
    const head = (parts[0] ?? '').trim();
    if (!isPathOrLiteral(head)) warnings.push(`"${head}" is not a path like labels.name`);
    for (const f of parts.slice(1)) {
      const name = /^\s*([a-z]+)/.exec(f)?.[1];
      if (name === undefined || !(name in FILTERS)) warnings.push(`unknown filter "${f.trim()}"`);
    }
  }
  return warnings;
}

type Filter = (value: string, arg: string | undefined) => string;

const FILTERS: Readonly<Record<string, Filter>> = {
  default: (v, arg) => (v === '' ? (arg ?? '') : v),
  capitalize: (v) => (v === '' ? v : v.charAt(0).toUpperCase() + v.slice(1)),
  upper: (v) => v.toUpperCase(),
  lower: (v) => v.toLowerCase(),
  trim: (v) => v.trim(),
};

function evaluate(expr: string, context: TemplateContext): string {
  const parts = splitPipes(expr);
  let value = resolveOperand((parts[0] ?? '').trim(), context);
  for (const raw of parts.slice(1)) {
    const m = /^\s*([a-z]+)\s*(?:\(\s*([\s\S]*?)\s*\))?\s*$/.exec(raw);
    if (!m) return '';
    const filter = Object.prototype.hasOwnProperty.call(FILTERS, m[1] as string) ? FILTERS[m[1] as string] : undefined;
    if (!filter) return '';
    const arg = m[2] === undefined ? undefined : resolveOperand(m[2], context);
    value = filter(value, arg);
  }
  return value;
}

/** Splits on `|` outside double quotes. */
function splitPipes(expr: string): string[] {
  const parts: string[] = [];
  let cur = '';
  let quoted = false;
  let escaped = false;
  for (const ch of expr) {
    if (quoted && ch === '\\' && !escaped) {
      escaped = true;
      cur += ch;
      continue;
    }
    if (ch === '"' && !escaped) quoted = !quoted;
    escaped = false;
    if (ch === '|' && !quoted) {
      parts.push(cur);
      cur = '';
    } else {
      cur += ch;
    }
  }
  parts.push(cur);
  return parts;
}

function isPathOrLiteral(s: string): boolean {
  return /^"(?:[^"\\]|\\.)*"$/.test(s) || /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_:-]+)?$/.test(s);
}

function resolveOperand(s: string, context: TemplateContext): string {
  const literal = /^"((?:[^"\\]|\\.)*)"$/.exec(s);
  if (literal) return (literal[1] ?? '').replace(/\\(.)/g, '$1');
  const path = /^([A-Za-z_][A-Za-z0-9_]*)(?:\.([A-Za-z0-9_:-]+))?$/.exec(s);
  if (!path) return '';
  const root = own(context, path[1] as string);
  if (path[2] === undefined) return typeof root === 'string' || typeof root === 'number' ? String(root) : '';
  if (typeof root !== 'object' || root === null) return '';
  const leaf = own(root, path[2]);
  return typeof leaf === 'string' ? leaf : '';
}

function own<T>(obj: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
}

/** Alertmanager's (Go text/template) names for what this app's templates call by lower-case paths. */
const GO_NAMES: Readonly<Record<string, string>> = {
  Labels: 'labels',
  Annotations: 'annotations',
  CommonLabels: 'groupLabels',
  GroupLabels: 'groupLabels',
  CommonAnnotations: 'annotations',
  Status: 'status',
  ExternalURL: 'externalURL',
  Receiver: 'receiver',
  Fingerprint: 'fingerprint',
};

/**
 * Alertmanager's own notification templates are Go templates (`{{ .Labels.severity }}`, `{{ range .Alerts }}`);
 * ours are not, and such a placeholder renders empty ("[]  on "). Answers why, with the placeholder to write
 * instead, for the first Go-style placeholder; null when there is none.
 */
export function goTemplateError(template: string): string | null {
  for (const match of template.matchAll(/\{\{-?\s*([^}]*?)\s*-?\}\}/g)) {
    const expr = match[1] ?? '';
    const dotted = /^\.([A-Za-z]+)((?:\.[A-Za-z_][A-Za-z0-9_]*)*)/.exec(expr);
    const keyword = /^(range|if|else|end|with|define|template|block)\b/.exec(expr);
    if (!dotted && !keyword) continue;
    const written = match[0];
    if (keyword) return `${written} is Go template syntax (Alertmanager's), which these templates do not run: use placeholders such as {{ labels.severity }} and filters such as | default("none")`;
    const head = dotted?.[1] ?? '';
    const ours = GO_NAMES[head];
    const rest = (dotted?.[2] ?? '').replace(/^\./, '');
    const suggestion = ours ? `{{ ${ours}${rest ? `.${rest}` : ''} }}` : '{{ labels.name }}';
    return `${written} is Go template syntax (Alertmanager's) and would render empty: write ${suggestion} (no leading dot, lower case)`;
  }
  return null;
}
