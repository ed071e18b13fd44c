import fc from 'fast-check';
import { decideAlertLink, matchesAlertSearch, type AlertLinkInput, type ProblemState } from '../../../../src/forge/domain/alerts';
import { decideIncidentLink, type IncidentLinkInput } from '../../../../src/forge/domain/incidents';

const NOW = '2026-12-06T10:00:00.000Z';
const state = (over: Partial<ProblemState> = {}): ProblemState => ({
  version: 1,
  problemKey: 'am:grp:0123456789abcdef0123456789abcdef',
  issue: null,
  previousIssueKeys: [],
  alerts: { fp1: { status: 'firing', startsAt: '2026-12-06T09:00:00Z', endsAt: '0001-01-01T00:00:00Z' } },
  firstSeen: '2026-12-06T09:00:00Z',
  updatedAt: '2026-12-06T09:00:00Z',
  ...over,
});
const input = (over: Partial<AlertLinkInput> = {}): AlertLinkInput => ({ issue: { key: 'OPS-9', statusCategory: 'new' }, existing: null, problemKey: state().problemKey, problem: state(), now: NOW, ...over });

describe('decideAlertLink', () => {
  test.each<[string, Partial<AlertLinkInput>, string]>([
    ['an issue linked to an alert group', { existing: { kind: 'alert', problemKey: 'am:fp:x' } }, 'OPS-9 is already linked to an alert group (am:fp:x); unlink it first'],
    ['an issue linked to an incident', { existing: { kind: 'incident', incidentId: 'INC-1' } }, 'OPS-9 is already linked to Impact incident INC-1; unlink it first'],
    ['a post-mortem', { existing: { kind: 'post-mortem', incidentId: 'INC-1' } }, 'OPS-9 is the post-mortem of Impact incident INC-1 and cannot be linked'],
    ['an unknown group', { problem: null }, 'no alert group am:grp:0123456789abcdef0123456789abcdef is tracked by the app (it may have been resolved and forgotten)'],
    ['a closed group', { problem: state({ alerts: { fp1: { status: 'resolved', startsAt: 'a', endsAt: 'b' } } }) }, 'that alert group is closed: all its alerts are resolved, so no update would ever reach the issue'],
    ['a group with an open issue', { problem: state({ issue: { key: 'OPS-3', statusCategory: 'indeterminate' } }) }, 'that alert group already has an open issue, OPS-3; unlink OPS-3 first'],
    ['the group of this issue', { problem: state({ issue: { key: 'OPS-9', statusCategory: 'new' } }) }, 'OPS-9 is already the issue of that alert group'],
    ['a done issue', { issue: { key: 'OPS-9', statusCategory: 'done' } }, 'OPS-9 is done: reopen it first, or a new alert would only be noted on a closed issue'],
  ])('refuses %s in words', (_name, over, message) => {
    const decision = decideAlertLink(input(over));
    expect(decision.ok).toBe(false);
    if (!decision.ok) expect(decision.error.message).toBe(message);
  });

  test('takes a group with no issue, keeping the alerts as seen', () => {
    const decision = decideAlertLink(input());
    expect(decision).toEqual({ ok: true, state: { ...state(), issue: { key: 'OPS-9', statusCategory: 'new' }, updatedAt: NOW } });
  });

  test('takes a firing group whose issue is done; the old issue becomes a previous issue', () => {
    const decision = decideAlertLink(input({ problem: state({ issue: { key: 'OPS-3', statusCategory: 'done' }, previousIssueKeys: ['OPS-1'] }) }));
    expect(decision.ok && decision.state.issue).toEqual({ key: 'OPS-9', statusCategory: 'new' });
    expect(decision.ok && decision.state.previousIssueKeys).toEqual(['OPS-3', 'OPS-1']);
  });

  test('property: a linked state always names the issue and keeps every alert', () => {
    const alert = fc.record({ status: fc.constantFrom('firing' as const, 'resolved' as const), startsAt: fc.string(), endsAt: fc.string() });
    fc.assert(
      fc.property(fc.dictionary(fc.stringMatching(/^[a-f0-9]{4}$/), alert, { minKeys: 1 }), fc.constantFrom('new' as const, 'indeterminate' as const, 'done' as const, 'unknown' as const), (alerts, current) => {
        const d = decideAlertLink(input({ problem: state({ alerts, issue: { key: 'OPS-3', statusCategory: current } }) }));
        if (!d.ok) return;
        expect(current).toBe('done');
        expect(d.state.issue?.key).toBe('OPS-9');
        expect(d.state.alerts).toEqual(alerts);
      }),
    );
  });
});

describe('matchesAlertSearch', () => {
  const candidate = { problemKey: 'am:grp:abc', ruleId: 'checkout', grouping: 'group' as const, groupLabels: { alertname: 'HighErrorRate', cluster: 'prod-eu' }, alertLabels: [{ instance: 'checkout-1:8080' }] };
  test.each<[string, boolean]>([
    ['', true],
    ['checkout', true],
    ['HIGHERRORRATE prod-eu', true],
    ['cluster="prod-eu"', true],
    ['instance=checkout-1', true],
    ['checkout staging', false],
    ['payments', false],
  ])('"%s" → %s', (query, expected) => expect(matchesAlertSearch(candidate, query)).toBe(expected));
});

describe('decideIncidentLink', () => {
  const base: IncidentLinkInput = { issue: { id: '10009', key: 'OPS-9' }, existing: null, incidentId: 'INC-5', incident: { status: 'INVESTIGATING' }, link: null, incidentProjectKey: 'OPS' };
  test.each<[string, Partial<IncidentLinkInput>, string]>([
    ['an issue linked already', { existing: { kind: 'alert', problemKey: 'am:fp:x' } }, 'OPS-9 is already linked to an alert group (am:fp:x); unlink it first'],
    ['an issue outside the incident project', { issue: { id: '1', key: 'DEV-2' } }, 'incident issues live in project OPS (Mappings tab), and DEV-2 is in DEV: its statuses would not match the mapping'],
    ['an unknown incident id', { incident: null }, 'Impact has no incident INC-5'],
    ['a closed incident', { incident: { status: 'CLOSED' } }, 'Impact incident INC-5 is closed: no update would reach the issue'],
    ['an incident with an issue', { link: { incidentId: 'INC-5', issueId: '10001', issueKey: 'OPS-1', postMortem: null } }, 'Impact incident INC-5 already has an issue, OPS-1; unlink OPS-1 first'],
  ])('refuses %s in words', (_name, over, message) => {
    const decision = decideIncidentLink({ ...base, ...over });
    expect(decision.ok).toBe(false);
    if (!decision.ok) expect(decision.error.message).toBe(message);
  });

  test('links an issue of the incident project to an open incident', () => {
    expect(decideIncidentLink(base)).toEqual({ ok: true, link: { incidentId: 'INC-5', issueId: '10009', issueKey: 'OPS-9', postMortem: null } });
  });
});
