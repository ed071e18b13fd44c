/**
 * The subset of JQL the product uses, parsed into a predicate and an ordering. Anything outside the subset
 * is a 400 with Jira's error shape, so a query that only "works" against the simulator fails loudly here.
 *
 * Clauses (joined by AND): project = K | project in (K, ...) | key|issuekey = K | key in (...) |
 * updated|created (>=, >, <=, <) "yyyy-MM-dd[ HH:mm]" or relative -15m/-2h/-1d/-1w |
 * statusCategory (=, !=) Done|"In Progress"|"To Do"|new|indeterminate|done (also in / not in) |
 * status (=, !=, in, not in) "Name" | issuetype = Name | labels = x |
 * assignee = accountId|currentUser() / assignee is EMPTY | issue.property[key].path = "value" (and !=).
 * ORDER BY updated|created|key [ASC|DESC], comma separated.
 * Dates are read in UTC (the simulator's users all have the Etc/UTC time zone).
 */
import { JiraError } from './errors';
import type { IssueRecord, StatusCategoryKey } from './model';
import type { SimState } from './state';

export interface JqlQuery {
  /** False for a query with no clause at all (only ORDER BY, or empty), which /search/jql refuses. */
  readonly bounded: boolean;
  readonly matches: (issue: IssueRecord) => boolean;
  readonly compare: (a: IssueRecord, b: IssueRecord) => number;
}

export interface JqlContext {
  readonly state: SimState;
  readonly now: number;
  readonly currentAccountId: string;
}

type Token =
  | { readonly kind: 'word'; readonly text: string; readonly at: number }
  | { readonly kind: 'string'; readonly text: string; readonly at: number }
  | { readonly kind: 'op'; readonly text: string; readonly at: number }
  | { readonly kind: 'punct'; readonly text: '(' | ')' | ','; readonly at: number };

const jqlError = (message: string): JiraError => new JiraError(400, [message]);

function tokenize(jql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < jql.length) {
    const ch = jql.charAt(i);
    if (/\s/.test(ch)) {
      i += 1;
    } else if (ch === '"' || ch === "'") {
      let text = '';
      let j = i + 1;
      while (j < jql.length && jql.charAt(j) !== ch) {
        if (jql.charAt(j) === '\\' && j + 1 < jql.length) j += 1;
        text += jql.charAt(j);
        j += 1;
      }
      if (j >= jql.length) throw jqlError(`Error in the JQL Query: The quoted string '${text}' has not been completed. (line 1, character ${i + 1})`);
      tokens.push({ kind: 'string', text, at: i });
      i = j + 1;
    } else if (ch === '(' || ch === ')' || ch === ',') {
      tokens.push({ kind: 'punct', text: ch, at: i });
      i += 1;
    } else {
      const op = /^(!=|>=|<=|!~|=|>|<|~)/.exec(jql.slice(i));
      if (op?.[0]) {
        tokens.push({ kind: 'op', text: op[0], at: i });
        i += op[0].length;
      } else {
        const word = /^[^\s()",'=!<>~]+/.exec(jql.slice(i));
        if (!word?.[0]) throw jqlError(`Error in the JQL Query: The character '${ch}' is a reserved JQL character. (line 1, character ${i + 1})`);
        tokens.push({ kind: 'word', text: word[0], at: i });
        i += word[0].length;
      }
    }
  }
  return tokens;
}

type Predicate = (issue: IssueRecord) => boolean;

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[], private readonly ctx: JqlContext) {}

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  private next(expected: string): Token {
    const t = this.tokens[this.pos];
    if (!t) throw jqlError(`Error in the JQL Query: Expecting ${expected} but reached the end of the query.`);
    this.pos += 1;
    return t;
  }

  private isWord(t: Token | undefined, word: string): boolean {
    return t !== undefined && t.kind === 'word' && t.text.toLowerCase() === word;
  }

  parse(): JqlQuery {
    const predicates: Predicate[] = [];
    if (this.peek() && !this.isWord(this.peek(), 'order')) {
      predicates.push(this.clause());
      while (this.isWord(this.peek(), 'and')) {
        this.pos += 1;
        predicates.push(this.clause());
      }
    }
    const orderings: ((a: IssueRecord, b: IssueRecord) => number)[] = [];
    if (this.isWord(this.peek(), 'order')) {
      this.pos += 1;
      if (!this.isWord(this.next("'by'"), 'by')) throw jqlError("Error in the JQL Query: Expecting 'by' after 'order'.");
      do {
        if (this.peek()?.kind === 'punct' && this.peek()?.text === ',') this.pos += 1;
        orderings.push(this.sortKey());
      } while (this.peek()?.kind === 'punct' && this.peek()?.text === ',');
    }
    const rest = this.peek();
    if (rest) {
      const hint = this.isWord(rest, 'or') ? ' (jira-sim supports AND only)' : '';
      throw jqlError(`Error in the JQL Query: Expecting either 'AND' or 'ORDER BY' but got '${rest.text}'.${hint} (line 1, character ${rest.at + 1})`);
    }
    // Without ORDER BY the simulator returns newest first, with id as the final tie-breaker.
    const chain = orderings.length > 0 ? orderings : [(a: IssueRecord, b: IssueRecord) => b.created - a.created];
    return {
      bounded: predicates.length > 0,
      matches: (issue) => predicates.every((p) => p(issue)),
      compare: (a, b) => {
        for (const order of chain) {
          const c = order(a, b);
          if (c !== 0) return c;
        }
        return Number(a.id) - Number(b.id);
      },
    };
  }

  private sortKey(): (a: IssueRecord, b: IssueRecord) => number {
    const field = this.next('a field to order by');
    const name = field.text.toLowerCase();
    let dir = 1;
    if (this.isWord(this.peek(), 'asc')) this.pos += 1;
    else if (this.isWord(this.peek(), 'desc')) {
      dir = -1;
      this.pos += 1;
    }
    switch (name) {
      case 'updated':
        return (a, b) => dir * (a.updated - b.updated);
      case 'created':
        return (a, b) => dir * (a.created - b.created);
      case 'key':
      case 'issuekey':
        return (a, b) => dir * (a.projectKey.localeCompare(b.projectKey) || keyNumber(a) - keyNumber(b));
      default:
        throw jqlError(`Error in the JQL Query: jira-sim cannot order by '${field.text}'.`);
    }
  }

  private values(): string[] {
    const open = this.next("'('");
    if (open.kind !== 'punct' || open.text !== '(') throw jqlError(`Error in the JQL Query: Expecting '(' but got '${open.text}'.`);
    const out: string[] = [];
    for (;;) {
      out.push(this.value());
      const t = this.next("')'");
      if (t.kind === 'punct' && t.text === ')') return out;
      if (!(t.kind === 'punct' && t.text === ',')) throw jqlError(`Error in the JQL Query: Expecting ',' or ')' but got '${t.text}'.`);
    }
  }

  private value(): string {
    const t = this.next('a value');
    if (t.kind === 'string' || t.kind === 'word') {
      if (t.kind === 'word' && this.peek()?.kind === 'punct' && this.peek()?.text === '(' && this.tokens[this.pos + 1]?.text === ')') {
        this.pos += 2; // a function call such as currentUser()
        return `${t.text}()`;
      }
      return t.text;
    }
    throw jqlError(`Error in the JQL Query: Expecting a value but got '${t.text}'. (line 1, character ${t.at + 1})`);
  }

  private clause(): Predicate {
    const fieldToken = this.next('a field name');
    if (fieldToken.kind !== 'word') throw jqlError(`Error in the JQL Query: Expecting a field name but got '${fieldToken.text}'.`);
    const field = fieldToken.text;
    let op: string;
    const t = this.next('an operator');
    if (t.kind === 'op') op = t.text;
    else if (this.isWord(t, 'in')) op = 'in';
    else if (this.isWord(t, 'not') && this.isWord(this.peek(), 'in')) {
      this.pos += 1;
      op = 'not in';
    } else if (this.isWord(t, 'is')) {
      op = this.isWord(this.peek(), 'not') ? (this.pos += 1, 'is not') : 'is';
    } else throw jqlError(`Error in the JQL Query: Expecting operator but got '${t.text}'. (line 1, character ${t.at + 1})`);
    const values = op === 'in' || op === 'not in' ? this.values() : [this.value()];
    return this.predicate(field, op, values);
  }

  private predicate(field: string, op: string, values: string[]): Predicate {
    const property = /^issue\.property\[([^\]]+)\]((?:\.[A-Za-z0-9_]+)*)$/i.exec(field);
    if (property) return propertyPredicate(property[1] ?? '', (property[2] ?? '').split('.').filter(Boolean), op, values);
    const name = field.toLowerCase();
    switch (name) {
      case 'project':
        return this.setPredicate(op, values.map((v) => this.projectKey(v)), (i) => i.projectKey, field);
      case 'key':
      case 'issuekey':
      case 'id':
        // Like Jira, naming an issue that does not exist is an error, not an empty match.
        return this.setPredicate(op, values.map((v) => {
          const issue = this.ctx.state.findIssue(v);
          if (!issue) throw jqlError(`An issue with key '${v}' does not exist for field '${field}'.`);
          return issue.id;
        }), (i) => i.id, field);
      case 'updated':
      case 'updateddate':
      case 'created':
      case 'createddate': {
        const pick = name.startsWith('updated') ? (i: IssueRecord) => i.updated : (i: IssueRecord) => i.created;
        return datePredicate(op, values, this.ctx.now, pick, field);
      }
      case 'statuscategory':
        return this.setPredicate(op, values.map(categoryKey), (i) => this.categoryOf(i), field);
      case 'status':
        return this.setPredicate(op, values.map((v) => v.toLowerCase()), (i) => this.statusName(i).toLowerCase(), field);
      case 'issuetype':
      case 'type':
        return this.setPredicate(op, values.map((v) => v.toLowerCase()), (i) => this.typeName(i).toLowerCase(), field);
      case 'labels':
        if (op !== '=' && op !== 'in') throw unsupported(field, op);
        return (i) => values.some((v) => i.labels.includes(v));
      case 'assignee': {
        if (op === 'is' || op === 'is not') {
          if (!['empty', 'null'].includes((values[0] ?? '').toLowerCase())) throw unsupported(field, op);
          return op === 'is' ? (i) => i.assigneeId === null : (i) => i.assigneeId !== null;
        }
        const ids = values.map((v) => (v.toLowerCase() === 'currentuser()' ? this.ctx.currentAccountId : v));
        return this.setPredicate(op, ids, (i) => i.assigneeId ?? '', field);
      }
      default:
        throw jqlError(`Field '${field}' does not exist or you do not have permission to view it.`);
    }
  }

  private setPredicate(op: string, wanted: string[], get: (i: IssueRecord) => string, field: string): Predicate {
    switch (op) {
      case '=':
      case 'in':
        return (i) => wanted.includes(get(i));
      case '!=':
      case 'not in':
        return (i) => !wanted.includes(get(i));
      default:
        throw unsupported(field, op);
    }
  }

  private projectKey(value: string): string {
    const project = this.ctx.state.findProject(value) ?? [...this.ctx.state.projects.values()].find((p) => p.name.toLowerCase() === value.toLowerCase());
    if (!project) throw jqlError(`The value '${value}' does not exist for the field 'project'.`);
    return project.key;
  }

  private categoryOf(issue: IssueRecord): StatusCategoryKey {
    const project = this.ctx.state.findProject(issue.projectKey);
    return project ? this.ctx.state.statusOf(project, issue.statusId).category : 'new';
  }

  private statusName(issue: IssueRecord): string {
    const project = this.ctx.state.findProject(issue.projectKey);
    return project ? this.ctx.state.statusOf(project, issue.statusId).name : '';
  }

  private typeName(issue: IssueRecord): string {
    return this.ctx.state.findProject(issue.projectKey)?.issueTypes.find((t) => t.id === issue.issueTypeId)?.name ?? '';
  }
}

const unsupported = (field: string, op: string): JiraError =>
  jqlError(`Error in the JQL Query: The operator '${op}' is not supported by the '${field}' field.`);

function keyNumber(issue: IssueRecord): number {
  return Number(issue.key.slice(issue.key.lastIndexOf('-') + 1));
}

function categoryKey(value: string): StatusCategoryKey {
  switch (value.toLowerCase()) {
    case 'done':
    case '3':
      return 'done';
    case 'in progress':
    case 'indeterminate':
    case '4':
      return 'indeterminate';
    case 'to do':
    case 'new':
    case '2':
      return 'new';
    default:
      throw jqlError(`The value '${value}' does not exist for the field 'statusCategory'.`);
  }
}

const UNIT_MS: Readonly<Record<string, number>> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Absolute dates `yyyy-MM-dd`, `yyyy/MM/dd`, optional ` HH:mm`, or relative offsets like `-15m`. */
export function parseJqlDate(value: string, now: number): number | null {
  const relative = /^([-+]?)(\d+)([mhdw])$/.exec(value.trim());
  if (relative) {
    const amount = Number(relative[2]) * (UNIT_MS[relative[3] ?? 'm'] ?? 0);
    return relative[1] === '-' ? now - amount : now + amount;
  }
  const absolute = /^(\d{4})[-/](\d{2})[-/](\d{2})(?: (\d{2}):(\d{2}))?$/.exec(value.trim());
  if (!absolute) return null;
  const [, y, mo, d, h, mi] = absolute;
  return Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h ?? 0), Number(mi ?? 0));
}

function datePredicate(op: string, values: string[], now: number, pick: (i: IssueRecord) => number, field: string): Predicate {
  const raw = values[0] ?? '';
  const at = parseJqlDate(raw, now);
  if (at === null) {
    throw jqlError(
      `Date value '${raw}' for field '${field}' is invalid. Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'.`,
    );
  }
  switch (op) {
    case '>=':
      return (i) => pick(i) >= at;
    case '>':
      return (i) => pick(i) > at;
    case '<=':
      return (i) => pick(i) <= at;
    case '<':
      return (i) => pick(i) < at;
    default:
      throw unsupported(field, op);
  }
}

function propertyPredicate(key: string, path: string[], op: string, values: string[]): Predicate {
  const read = (issue: IssueRecord): unknown => {
    let value: unknown = issue.properties.get(key);
    for (const segment of path) {
      value = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>)[segment] : undefined;
    }
    return value;
  };
  const asText = (v: unknown): string | undefined => (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined);
  switch (op) {
    case '=':
    case 'in':
      return (i) => {
        const v = asText(read(i));
        return v !== undefined && values.includes(v);
      };
    case '!=':
    case 'not in':
      return (i) => {
        const v = asText(read(i));
        return v !== undefined && !values.includes(v);
      };
    case 'is':
    case 'is not':
      return op === 'is' ? (i) => read(i) === undefined : (i) => read(i) !== undefined;
    default:
      throw unsupported(`issue.property[${key}]`, op);
  }
}

export function parseJql(jql: string, ctx: JqlContext): JqlQuery {
  return new Parser(tokenize(jql), ctx).parse();
}
