import { RE2JS } from 're2js';

/**
 * Alertmanager matchers (`pkg/labels/parse.go` of Alertmanager 0.25): `name=value`, `!=`, `=~`, `!~`, values
 * optionally double-quoted with `\"`, `\\` and `\n` escapes, lists as `{a="b", c=~"d.*"}`. Regexes are fully
 * anchored (`^(?:re)$`) and run on RE2 (re2js), which is linear-time, so a user's regex cannot hang the app.
 * A missing label reads as the empty string, as in Alertmanager.
 */
export type MatchType = '=' | '!=' | '=~' | '!~';

export interface Matcher {
  readonly name: string;
  readonly type: MatchType;
  readonly value: string;
}

export type Result<T, E> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };

export interface MatcherError {
  /** The matcher text that failed (one item of a list). */
  readonly input: string;
  readonly message: string;
}

/** A matcher ready to evaluate; `test` never throws. */
export interface CompiledMatcher extends Matcher {
  readonly test: (labelValue: string) => boolean;
  /** Why this matcher can never match (a regex RE2 refuses), or undefined. */
  readonly problem: () => string | undefined;
}

export type Labels = Readonly<Record<string, string>>;

const MATCHER_RE = /^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(=~|=|!=|!~)\s*([\s\S]*?)\s*$/;

/** Parses one matcher, e.g. `severity=~"critical|warning"`, and checks that a regex compiles on RE2. */
export function parseMatcher(input: string): Result<Matcher, MatcherError> {
  const parsed = parseMatcherSyntax(input);
  if (!parsed.ok) return parsed;
  const matcher = parsed.value;
  if (matcher.type === '=~' || matcher.type === '!~') {
    const problem = regexTester(matcher.value, true).problem();
    if (problem !== undefined) return fail(input, `invalid regular expression in ${matcher.name}${matcher.type}: ${problem}`);
  }
  return parsed;
}

/** Syntax only: the regex (if any) is not compiled. */
export function parseMatcherSyntax(input: string): Result<Matcher, MatcherError> {
  const m = MATCHER_RE.exec(input);
  if (!m) return fail(input, `bad matcher format: ${input}`);
  const name = m[1] as string;
  const type = m[2] as MatchType;
  const unescaped = unescapeValue(m[3] as string);
  if (!unescaped.ok) return fail(input, unescaped.error);
  return { ok: true, value: { name, type, value: unescaped.value } };
}

/** Parses a list: `{a="b",c=~"d.*"}` or `a="b", c=~"d.*"` (commas inside quotes are kept). */
export function parseMatchers(input: string): Result<Matcher[], MatcherError> {
  let s = input.trim();
  if (s.startsWith('{')) s = s.slice(1);
  if (s.endsWith('}')) s = s.slice(0, -1);
  const tokens: string[] = [];
  let token = '';
  let insideQuotes = false;
  let escaped = false;
  for (const ch of s) {
    if (ch === ',' && !insideQuotes) {
      tokens.push(token);
      token = '';
      continue;
    }
    if (ch === '"') {
      if (!escaped) insideQuotes = !insideQuotes;
      else escaped = false;
    } else if (ch === '\\') {
      escaped = !escaped;
    } else {
      escaped = false;
    }
    token += ch;
  }
  if (token.trim() !== '') tokens.push(token.trim());
  const out: Matcher[] = [];
  for (const t of tokens) {
    const parsed = parseMatcher(t);
    if (!parsed.ok) return parsed;
    out.push(parsed.value);
  }
  return { ok: true, value: out };
}

/** Renders a matcher back in Alertmanager syntax, always quoting the value (parse∘format is the identity). */
export function formatMatcher(m: Matcher): string {
  return `${m.name}${m.type}"${escapeValue(m.value)}"`;
}

export function formatMatchers(ms: readonly Matcher[], separator = ', '): string {
  return `{${ms.map(formatMatcher).join(separator)}}`;
}

export function escapeValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/**
 * Compiles for evaluation. Eager (default): a regex RE2 refuses is an error. Lazy: the regex is compiled on
 * first use (RE2JS compilation costs ~0.3 ms, so a large rule set compiles only what alerts reach); a regex
 * that turns out invalid never matches, whatever the operator, and `problem()` tells why.
 */
export function compileMatcher(m: Matcher, options: { readonly lazy?: boolean } = {}): Result<CompiledMatcher, MatcherError> {
  switch (m.type) {
    case '=':
      return { ok: true, value: { ...m, test: (v) => v === m.value, problem: () => undefined } };
    case '!=':
      return { ok: true, value: { ...m, test: (v) => v !== m.value, problem: () => undefined } };
    case '=~':
    case '!~': {
      const re = regexTester(m.value, m.type === '=~');
      if (!options.lazy) {
        const problem = re.problem();
        if (problem !== undefined) return fail(formatMatcher(m), `invalid regular expression: ${problem}`);
      }
      const negate = m.type === '!~';
      return {
        ok: true,
        value: {
          ...m,
          test: (v) => {
            const r = re.test(v);
            return r === undefined ? false : negate ? !r : r;
          },
          problem: re.problem,
        },
      };
    }
    default:
      return assertNever(m.type);
  }
}

/** True when every matcher holds for `labels` (an absent label is ""). Empty list: true (callers decide). */
export function matchesAll(matchers: readonly CompiledMatcher[], labels: Labels): boolean {
  for (const m of matchers) if (!m.test(labelValue(labels, m.name))) return false;
  return true;
}

/** The first matcher that does not hold, for explanations. */
export function firstFailing(matchers: readonly CompiledMatcher[], labels: Labels): CompiledMatcher | undefined {
  return matchers.find((m) => !m.test(labelValue(labels, m.name)));
}

export function labelValue(labels: Labels, name: string): string {
  return Object.prototype.hasOwnProperty.call(labels, name) ? (labels[name] ?? '') : '';
}

// A pattern that is only literal alternatives (`critical|warning`) needs no regex engine: a set lookup is
// the same anchored match and much faster when many rules are evaluated.
const LITERAL_ALTERNATION = /^[A-Za-z0-9_-]+(?:\|[A-Za-z0-9_-]+)*$/;
const MEMO_LIMIT = 256;

interface RegexTester {
  /** Anchored match, or undefined when the pattern does not compile. */
  readonly test: (v: string) => boolean | undefined;
  /** Compiles if needed; the RE2 error, if any. */
  readonly problem: () => string | undefined;
}

function regexTester(pattern: string, positive: boolean): RegexTester {
  if (LITERAL_ALTERNATION.test(pattern)) {
    const options = new Set(pattern.split('|'));
    return { test: (v) => options.has(v), problem: () => undefined };
  }
  // Only for `=~`: a value without the pattern's literal prefix cannot match, no compile needed. (For `!~`
  // the answer would be "true", which an invalid pattern must never give.)
  let prefix: string | undefined;
  let compiled: RE2JS | string | undefined; // string: the compile error
  const compile = (): RE2JS | string => {
    if (compiled === undefined) {
      try {
        compiled = RE2JS.compile(`^(?:${pattern})$`);
      } catch (e) {
        compiled = e instanceof Error ? e.message : String(e);
      }
    }
    return compiled;
  };
  // Label values repeat a lot across alerts (severity, cluster…); a small per-pattern memo avoids re-running.
  const memo = new Map<string, boolean>();
  return {
    problem: () => {
      const c = compile();
      return typeof c === 'string' ? c : undefined;
    },
    test: (v) => {
      prefix ??= positive ? literalPrefix(pattern) : '';
      if (prefix !== '' && !v.startsWith(prefix)) return false;
      const hit = memo.get(v);
      if (hit !== undefined) return hit;
      const re = compile();
      if (typeof re === 'string') return undefined;
      let r: boolean;
      try {
        r = re.testExact(v);
      } catch {
        r = false;
      }
      if (memo.size >= MEMO_LIMIT) memo.clear();
      memo.set(v, r);
      return r;
    },
  };
}

/**
 * The literal text every match must start with (`prod-` for `prod-.*`), or "" when unsure. Conservative:
 * stops at the first metacharacter, drops a literal that a quantifier follows, gives up on top-level `|`.
 */
export function literalPrefix(pattern: string): string {
  if (pattern.includes('|')) {
    if (pattern.includes('[')) return '';
    let depth = 0;
    for (let i = 0; i < pattern.length; i++) {
      const ch = pattern[i];
      if (ch === '\\') i++;
      else if (ch === '(') depth++;
      else if (ch === ')') depth--;
      else if (ch === '|' && depth <= 0) return '';
    }
  }
  let end = 0;
  while (end < pattern.length && /[A-Za-z0-9_:/@=, -]/.test(pattern[end] as string)) end++;
  const next = pattern[end];
  if (next === '?' || next === '*' || next === '+' || next === '{') end--;
  return end > 0 ? pattern.slice(0, end) : '';
}

function unescapeValue(raw: string): Result<string, string> {
  let rawValue = raw;
  let expectTrailingQuote = false;
  if (rawValue.startsWith('"')) {
    rawValue = rawValue.slice(1);
    expectTrailingQuote = true;
  }
  const chars = Array.from(rawValue);
  let value = '';
  let escaped = false;
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i] as string;
    if (escaped) {
      escaped = false;
      if (ch === 'n') value += '\n';
      else if (ch === '"' || ch === '\\') value += ch;
      else value += `\\${ch}`; // a spurious escape stays literal, as in Alertmanager
      continue;
    }
    if (ch === '\\') {
      if (i < chars.length - 1) escaped = true;
      else value += '\\';
    } else if (ch === '"') {
      if (!expectTrailingQuote || i < chars.length - 1) return { ok: false, error: `matcher value contains unescaped double quote: ${raw}` };
      expectTrailingQuote = false;
    } else {
      value += ch;
    }
  }
  if (expectTrailingQuote) return { ok: false, error: `matcher value contains unescaped double quote: ${raw}` };
  return { ok: true, value };
}

function fail<T>(input: string, message: string): Result<T, MatcherError> {
  return { ok: false, error: { input, message } };
}

function assertNever(x: never): never {
  throw new Error(`unexpected ${String(x)}`);
}
