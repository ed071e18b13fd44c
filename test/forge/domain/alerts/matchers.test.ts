import fc from 'fast-check';
import { compileMatcher, formatMatcher, matchesAll, parseMatcher, parseMatchers, type CompiledMatcher, type Matcher } from '../../../../src/forge/domain/alerts/matchers';

function compiled(text: string): CompiledMatcher {
  const p = parseMatcher(text);
  if (!p.ok) throw new Error(p.error.message);
  const c = compileMatcher(p.value);
  if (!c.ok) throw new Error(c.error.message);
  return c.value;
}

describe('parseMatcher: Alertmanager syntax', () => {
  const valid: [string, Matcher][] = [
    ['severity=critical', { name: 'severity', type: '=', value: 'critical' }],
    ['severity="critical"', { name: 'severity', type: '=', value: 'critical' }],
    ['  team != "payments"  ', { name: 'team', type: '!=', value: 'payments' }],
    ['cluster=~"prod-.*"', { name: 'cluster', type: '=~', value: 'prod-.*' }],
    ['env!~staging|dev', { name: 'env', type: '!~', value: 'staging|dev' }],
    ['foo="bar baz"', { name: 'foo', type: '=', value: 'bar baz' }],
    ['foo="say \\"hi\\""', { name: 'foo', type: '=', value: 'say "hi"' }],
    ['foo="back\\\\slash"', { name: 'foo', type: '=', value: 'back\\slash' }],
    ['foo="line\\nbreak"', { name: 'foo', type: '=', value: 'line\nbreak' }],
    ['foo="\\d+"', { name: 'foo', type: '=', value: '\\d+' }], // spurious escape stays literal
    ['foo=""', { name: 'foo', type: '=', value: '' }],
    ['foo=', { name: 'foo', type: '=', value: '' }],
    ['a:b_c=1', { name: 'a:b_c', type: '=', value: '1' }],
    ['foo="a,b"', { name: 'foo', type: '=', value: 'a,b' }],
    ['foo="ünïcode ✓"', { name: 'foo', type: '=', value: 'ünïcode ✓' }],
  ];
  it.each(valid)('%s', (text, expected) => {
    expect(parseMatcher(text)).toEqual({ ok: true, value: expected });
  });

  const invalid: [string, RegExp][] = [
    ['', /bad matcher format/],
    ['severity', /bad matcher format/],
    ['1abc=x', /bad matcher format/],
    ['foo-bar=x', /bad matcher format/],
    ['foo=="x"', /unescaped double quote/],
    ['foo="unterminated', /unescaped double quote/],
    ['foo="a"b"', /unescaped double quote/],
    ['foo=a"b', /unescaped double quote/],
    ['foo=~"(unclosed"', /invalid regular expression.*missing closing \)/],
    ['foo=~"a(?=b)"', /invalid regular expression/], // lookahead: not RE2
    ['foo!~"(a)\\\\1"', /invalid regular expression/], // backreference: not RE2
  ];
  it.each(invalid)('refuses %j', (text, message) => {
    const r = parseMatcher(text);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.message).toMatch(message);
      expect(r.error.input).toBe(text);
    }
  });

  it('parses the list form with braces, quotes and commas inside quotes', () => {
    expect(parseMatchers('{a="b",c=~"d.*", e!="x,y"}')).toEqual({
      ok: true,
      value: [
        { name: 'a', type: '=', value: 'b' },
        { name: 'c', type: '=~', value: 'd.*' },
        { name: 'e', type: '!=', value: 'x,y' },
      ],
    });
    expect(parseMatchers('a=b, c!=d')).toEqual({ ok: true, value: [{ name: 'a', type: '=', value: 'b' }, { name: 'c', type: '!=', value: 'd' }] });
    expect(parseMatchers('{}')).toEqual({ ok: true, value: [] });
    const bad = parseMatchers('{a="b", c=~"("}');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.input).toBe('c=~"("');
  });

  it('formatMatcher round-trips through parseMatcher', () => {
    for (const [, m] of valid) expect(parseMatcher(formatMatcher(m))).toEqual({ ok: true, value: m });
  });
});

describe('evaluation', () => {
  const table: [string, Record<string, string>, boolean][] = [
    ['severity="critical"', { severity: 'critical' }, true],
    ['severity="critical"', { severity: 'Critical' }, false],
    ['severity!="critical"', { severity: 'warning' }, true],
    ['severity!="critical"', {}, true], // a missing label is ""
    ['severity=""', {}, true],
    ['severity=""', { severity: 'x' }, false],
    ['alertname=~"foo"', { alertname: 'foo' }, true],
    ['alertname=~"foo"', { alertname: 'foobar' }, false], // anchored: ^(?:foo)$
    ['alertname=~"foo"', { alertname: 'xfoo' }, false],
    ['alertname=~"foo|bar"', { alertname: 'bar' }, true],
    ['alertname=~"foo|bar"', { alertname: 'foobar' }, false], // (?:foo|bar) anchored as a whole
    ['cluster=~"prod-.*"', { cluster: 'prod-eu' }, true],
    ['cluster=~"prod-.*"', { cluster: 'preprod-eu' }, false],
    ['cluster!~"prod-.*"', { cluster: 'preprod-eu' }, true],
    ['cluster!~"prod-.*"', {}, true],
    ['cluster=~".*"', {}, true],
    ['cluster=~".+"', {}, false],
    ['x=~"a.b"', { x: 'a\nb' }, false], // . does not match newline (RE2 default)
    ['x=~"(?i)ERROR"', { x: 'error' }, true],
  ];
  it.each(table)('%s on %j → %s', (text, labels, expected) => {
    expect(matchesAll([compiled(text)], labels)).toBe(expected);
  });

  it('all matchers must hold', () => {
    const ms = [compiled('a="1"'), compiled('b=~"x|y"')];
    expect(matchesAll(ms, { a: '1', b: 'y' })).toBe(true);
    expect(matchesAll(ms, { a: '1', b: 'z' })).toBe(false);
    expect(matchesAll(ms, { a: '2', b: 'y' })).toBe(false);
  });

  it('does not read inherited properties as labels', () => {
    expect(matchesAll([compiled('constructor=""')], {})).toBe(true);
    expect(matchesAll([compiled('toString=~".+"')], {})).toBe(false);
  });

  it('a catastrophic-backtracking pattern stays linear on RE2', () => {
    const m = compiled('x=~"(a+)+$"');
    const input = `${'a'.repeat(50_000)}!`;
    expect(m.test(input)).toBe(false);
  });

  it('property: parsing and testing never throw, whatever the pattern and input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), fc.string({ maxLength: 60 }), fc.constantFrom('=~', '!~', '=', '!='), (pattern, input, op) => {
        const text = `l${op}"${pattern.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
        const p = parseMatcher(text);
        if (!p.ok) return true;
        expect(p.value.value).toBe(pattern);
        const c = compileMatcher(p.value);
        expect(c.ok).toBe(true);
        if (c.ok) expect(typeof c.value.test(input)).toBe('boolean');
        return true;
      }),
      { numRuns: 500 },
    );
  });

  it('property: a regex matcher of a quoted literal matches exactly that literal', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), fc.string({ maxLength: 20 }), (lit, other) => {
        const quoted = lit.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
        const c = compileMatcher({ name: 'l', type: '=~', value: quoted });
        if (!c.ok) return true; // e.g. invalid UTF-16 surrogates
        expect(c.value.test(lit)).toBe(true);
        if (other !== lit) expect(c.value.test(other)).toBe(false);
        return true;
      }),
      { numRuns: 300 },
    );
  });
});
