import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { changeComment, describeProblem, displayTime, issueFields, sanitizeJiraLabel, silenceUrl, truncateSummary } from '../../../../src/forge/domain/alerts/content';
import { classify } from '../../../../src/forge/domain/alerts/changes';
import { planNotification } from '../../../../src/forge/domain/alerts/problems';
import { KVS_KEY_PATTERN, problemKey, sha256Hex } from '../../../../src/forge/domain/alerts/problem-key';
import { renderTemplate, templateWarnings } from '../../../../src/forge/domain/alerts/templates';
import { adfProblem } from '../../../../src/sandbox/jira-sim/adf';
import { fixture, makeRule } from './helpers';

describe('truncateSummary', () => {
  it('keeps short summaries, folds whitespace and line breaks', () => {
    expect(truncateSummary('  [Critical]\n5xx   rate ')).toBe('[Critical] 5xx rate');
    expect(truncateSummary('   ')).toBe('Alert');
  });
  it('exactly 255 stays, 256 is cut on a word boundary with …', () => {
    const exact = `${'word '.repeat(50)}abcde`; // 255
    expect(exact).toHaveLength(255);
    expect(truncateSummary(exact)).toBe(exact);
    const over = `${exact}f`;
    const cut = truncateSummary(over);
    expect(cut.length).toBeLessThanOrEqual(255);
    expect(cut.endsWith('word…')).toBe(true);
  });
  it('one long word is cut hard', () => {
    const cut = truncateSummary(`[Critical] ${'x'.repeat(400)}`);
    expect(cut).toHaveLength(255);
    expect(cut.endsWith('x…')).toBe(true);
  });
  it('never splits a surrogate pair (emoji)', () => {
    const s = `a${'😀'.repeat(200)}`;
    const cut = truncateSummary(s);
    expect(cut.length).toBeLessThanOrEqual(255);
    expect(cut).toBe(`a${'😀'.repeat(126)}…`);
    expect(() => encodeURIComponent(cut)).not.toThrow(); // throws on a lone surrogate
  });
  it('multibyte letters count as one unit each', () => {
    expect(truncateSummary('é'.repeat(255))).toBe('é'.repeat(255));
    expect(truncateSummary('é'.repeat(256))).toHaveLength(255);
  });
  it('property: never more than 255 UTF-16 units, never a lone surrogate, never a line break', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 400 }), (s) => {
        const out = truncateSummary(s);
        expect(out.length).toBeLessThanOrEqual(255);
        expect(out).not.toMatch(/[\r\n]/);
        expect(() => encodeURIComponent(out)).not.toThrow();
      }),
      { numRuns: 500 },
    );
  });
});

describe('Jira labels', () => {
  it.each([
    ['alertname_HighErrorRate', 'alertname_HighErrorRate'],
    ['instance_checkout-7d9f:8080', 'instance_checkout-7d9f_8080'],
    ['mountpoint_/var/lib/postgresql', 'mountpoint__var_lib_postgresql'],
    ['has spaces  and\ttabs', 'has_spaces_and_tabs'],
    ['équipe_paiements', 'équipe_paiements'],
    ['   ', null],
    ['/// ', null],
  ])('%j → %j', (raw, expected) => {
    expect(sanitizeJiraLabel(raw)).toBe(expected);
  });
  it('cuts at 255', () => {
    expect(sanitizeJiraLabel('a'.repeat(300))).toHaveLength(255);
  });
});

describe('templates', () => {
  const ctx = { status: 'firing', labels: { severity: 'critical', alertname: 'X' }, annotations: { summary: 'Down' }, alertCount: 2 };
  it.each([
    ['{{ labels.severity }}', 'critical'],
    ['[{{labels.severity|capitalize}}] {{ annotations.summary }}', '[Critical] Down'],
    ['{{ annotations.missing | default(labels.alertname) }}', 'X'],
    ['{{ labels.nope | default("n/a") | upper }}', 'N/A'],
    ['{{ status }} {{ alertCount }}', 'firing 2'],
    ['{{ unknown.path }}|{{ labels }}|{{ labels.severity | nosuchfilter }}', '||'],
    ['{{ constructor }}{{ labels.__proto__ }}{{ labels.toString }}', ''],
    ['{{ "a|b" | upper }}', 'A|B'],
    ['no placeholders', 'no placeholders'],
    ['{{ unclosed', '{{ unclosed'],
  ])('%s → %j', (t, expected) => {
    expect(renderTemplate(t, ctx)).toBe(expected);
  });
  it('warns about unknown filters, never throws', () => {
    expect(templateWarnings('{{ labels.a | frob }}')).toEqual(['unknown filter "frob"']);
    fc.assert(fc.property(fc.string({ maxLength: 80 }), (t) => typeof renderTemplate(t, ctx) === 'string'));
  });
});

describe('issue content', () => {
  const rule = makeRule({ components: ['{{ labels.team }}'], customFields: { customfield_10010: { value: '{{ labels.service }}' } } });
  const d03 = fixture('03');
  const problem = planNotification(d03.body, [rule]).problems[0]?.problem;
  if (!problem) throw new Error('fixture');
  const times = { firstSeen: '2026-11-23T06:14:47.099134493Z', lastSeen: d03.receivedAt };

  it('fields as Jira REST v3 expects them', () => {
    const f = issueFields(problem, rule, times);
    expect(f).toMatchObject({
      project: { key: 'OPS' },
      issuetype: { name: 'Bug' },
      priority: { name: 'Highest' },
      components: [{ name: 'payments' }],
      customfield_10010: { value: 'checkout' },
    });
    // Only common labels are copied for a group (instance differs between the two alerts).
    expect(f.labels).toEqual(['alertmanager', 'alertname_HighErrorRate', 'cluster_prod-eu', 'service_checkout', 'severity_critical', 'team_payments']);
    expect(issueFields(problem, makeRule({ target: { projectKey: 'OPS', issueType: '10004' }, priority: undefined }), times)).toMatchObject({ issuetype: { id: '10004' } });
    expect(issueFields(problem, makeRule({ priority: undefined }), times).priority).toBeUndefined();
  });

  it('description: valid ADF with facts, links, labels, annotations and an alerts table', () => {
    const doc = describeProblem(problem, 'Intro line one\nline two', times);
    expect(adfProblem(doc)).toBeNull();
    expect(checkAdf(doc)).toEqual([]);
    const json = JSON.stringify(doc);
    for (const needle of ['FIRING', d03.body.groupKey.replace(/"/g, '\\"'), '2026-11-23 06:14:47 UTC', 'http://prometheus.example.com/graph?g0.expr=rate', 'https://runbooks.example.com/checkout/5xx', '#/silences/new?filter=', '#/alerts?filter=', 'instance=checkout-8c1a:8080', 'Labels', 'Annotations']) {
      expect(json).toContain(needle);
    }
    expect(doc.content.some((b) => b.type === 'table')).toBe(true);
  });

  it('never links anything but http(s)', () => {
    const evil = { ...problem, externalURL: 'javascript:alert(1)', alerts: problem.alerts.map((a) => ({ ...a, generatorURL: 'javascript:alert(1)', annotations: { runbook_url: 'javascript:x' } })) };
    const json = JSON.stringify(describeProblem(evil, '', times));
    expect(json).not.toMatch(/"href":"javascript/);
  });

  it('comments: valid ADF naming what changed', () => {
    const changes = problem.alerts.map((a) => ({ kind: classify(a, undefined), alert: a, previous: undefined }));
    const doc = changeComment(problem, changes, times);
    expect(adfProblem(doc)).toBeNull();
    expect(checkAdf(doc)).toEqual([]);
    expect(JSON.stringify(doc)).toContain('Firing: ');
  });

  it('silence link as Alertmanager UI builds it', () => {
    expect(silenceUrl('http://alertmanager.example.com:9093/', { cluster: 'prod-eu', alertname: 'High"Error' })).toBe(
      `http://alertmanager.example.com:9093/#/silences/new?filter=${encodeURIComponent('{alertname="High\\"Error", cluster="prod-eu"}')}`,
    );
    expect(silenceUrl('not a url', { a: 'b' })).toBeNull();
  });

  it('displayTime', () => {
    expect(displayTime('2026-11-23T06:14:47.099134493Z')).toBe('2026-11-23 06:14:47 UTC');
    expect(displayTime('whenever')).toBe('whenever');
  });
});

describe('problem keys', () => {
  it('sha256 matches node:crypto (standard vectors and arbitrary strings, incl. multi-block and unicode)', () => {
    const ref = (t: string): string => createHash('sha256').update(t, 'utf8').digest('hex');
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    for (const t of ['a'.repeat(55), 'a'.repeat(56), 'a'.repeat(64), 'a'.repeat(1000), 'é✓😀']) expect(sha256Hex(t)).toBe(ref(t));
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (t) => sha256Hex(t) === ref(t)), { numRuns: 300 });
  });
  it('stable, distinct per grouping, KVS-safe', () => {
    const g = fixture('01').body.groupKey;
    const k = problemKey({ grouping: 'group', source: g });
    expect(k).toMatch(/^am:grp:[0-9a-f]{32}$/);
    expect(KVS_KEY_PATTERN.test(k)).toBe(true);
    expect(problemKey({ grouping: 'group', source: g })).toBe(k);
    expect(problemKey({ grouping: 'fingerprint', source: g })).not.toBe(k);
    fc.assert(fc.property(fc.string(), fc.constantFrom('group' as const, 'fingerprint' as const), (s, grouping) => KVS_KEY_PATTERN.test(problemKey({ grouping, source: s }))));
  });
});

/** Independent structure check: the nodes we emit, where ADF allows them, no empty text. */
function checkAdf(node: unknown, path = 'doc'): string[] {
  const problems: string[] = [];
  const allowed: Record<string, string[]> = {
    doc: ['paragraph', 'heading', 'bulletList', 'table', 'rule'],
    paragraph: ['text', 'hardBreak'],
    heading: ['text', 'hardBreak'],
    bulletList: ['listItem'],
    listItem: ['paragraph'],
    table: ['tableRow'],
    tableRow: ['tableHeader', 'tableCell'],
    tableHeader: ['paragraph'],
    tableCell: ['paragraph'],
  };
  const n = node as { type?: unknown; content?: unknown; text?: unknown; version?: unknown };
  if (path === 'doc' && (n.type !== 'doc' || n.version !== 1)) problems.push('root must be doc v1');
  if (n.type === 'text' && (typeof n.text !== 'string' || n.text === '')) problems.push(`${path}: empty text`);
  const kids = Array.isArray(n.content) ? (n.content as unknown[]) : [];
  const ok = allowed[String(n.type)] ?? [];
  kids.forEach((k, i) => {
    const t = String((k as { type?: unknown }).type);
    if (!ok.includes(t)) problems.push(`${path}.content[${i}]: ${t} inside ${String(n.type)}`);
    problems.push(...checkAdf(k, `${path}.content[${i}]`));
  });
  if (['bulletList', 'table', 'tableRow', 'listItem'].includes(String(n.type)) && kids.length === 0) problems.push(`${path}: empty ${String(n.type)}`);
  return problems;
}
