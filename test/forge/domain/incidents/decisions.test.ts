import fc from 'fast-check';
import { DEFAULT_INCIDENT_SYNC_CONFIG as config } from '../../../../src/forge/domain/incidents/config';
import { planImpactToJira, type ImpactToJiraInput } from '../../../../src/forge/domain/incidents/impact-to-jira';
import { planJiraToImpact, type JiraToImpactInput } from '../../../../src/forge/domain/incidents/jira-to-impact';
import { parseChangelog } from '../../../../src/forge/domain/incidents/jira-changelog';
import { EMPTY_GUARD_STATE, evaluateEvent } from '../../../../src/forge/domain/incidents/loop-guard';
import type { IncidentLink } from '../../../../src/forge/domain/incidents/link';
import { IMPACT_STATUSES, type ImpactStatus } from '../../../../src/shared/impact/incident';
import { bridgeOrigin, created, incident, incidentWorkflow, updated } from './fixtures';

const users = [{ email: 'jane.doe@example.com', name: 'Jane Doe', accountId: 'acc-jane', by: 'email' as const }];
const link: IncidentLink = { incidentId: 'INC-7', issueId: '10001', issueKey: 'INC-12', postMortem: null };
const T = (iso: string) => Date.parse(iso);

const i2j = (over: Partial<ImpactToJiraInput> & Pick<ImpactToJiraInput, 'webhook'>) =>
  planImpactToJira({ config, link, jiraStatusId: '1', workflow: incidentWorkflow, users, guard: EMPTY_GUARD_STATE, now: T('2025-11-19T12:00:00Z'), ...over });

describe('Impact → Jira', () => {
  it('creates the issue with mapped fields, entity property, transition path and assignee', () => {
    const inc = incident({ status: 'MITIGATED' });
    const plan = i2j({ webhook: created(inc), link: null, jiraStatusId: null });
    expect(plan.commands.map((c) => c.kind)).toEqual(['create-issue', 'transition-issue', 'assign-issue']);
    const [create, transition, assign] = plan.commands;
    expect(create).toMatchObject({
      kind: 'create-issue',
      fields: { project: { key: 'INC' }, issuetype: { name: 'Incident' }, labels: ['impact-incident'], summary: 'Checkout 502s', customfield_11064: { value: '2' } },
      property: { key: 'impact-incident', value: { incidentId: 'INC-7', contractVersion: 1, url: 'https://impact.example.com/incidents/INC-7' } },
    });
    expect(transition).toMatchObject({ kind: 'transition-issue', issue: { kind: 'created' }, targetStatusName: 'Reporter validation' });
    if (transition?.kind === 'transition-issue') expect(transition.steps.map((s) => s.transitionId)).toEqual(['11', '21', '31']);
    expect(assign).toEqual({ kind: 'assign-issue', issue: { kind: 'created' }, accountId: 'acc-jane' });
    // One bounce key per status the echo will show, and one for the assignee.
    expect(plan.bounceKeys.map((b) => `${b.side}:${b.field}:${b.value}`)).toEqual(['jira:status:pending resolution', 'jira:status:in progress', 'jira:status:reporter validation', 'jira:commander:acc-jane']);
  });

  it('edits only the fields that changed, and transitions along the shortest path', () => {
    const inc = incident({ status: 'MITIGATING', priority: 1, title: 'New  title' });
    const plan = i2j({ webhook: updated(inc, { status: { previous: 'INVESTIGATING' }, priority: { previous: 2 }, title: { previous: 'x' } }, '2025-11-19T10:15:00Z'), jiraStatusId: '2' });
    expect(plan.commands).toEqual([
      { kind: 'edit-issue', issue: { kind: 'issue', issueId: '10001', issueKey: 'INC-12' }, fields: { summary: 'New title', customfield_11064: { value: '1' } } },
      { kind: 'transition-issue', issue: { kind: 'issue', issueId: '10001', issueKey: 'INC-12' }, steps: [{ transitionId: '21', transitionName: 'Start', fromStatusId: '2', toStatusId: '3', toStatusName: 'In Progress' }], targetStatusName: 'in progress' },
    ]);
  });

  it('does not transition when Jira already shows the status', () => {
    const plan = i2j({ webhook: updated(incident({ status: 'MITIGATING' }), { status: { previous: 'INVESTIGATING' } }, '2025-11-19T10:15:00Z'), jiraStatusId: '3' });
    expect(plan.commands).toEqual([]);
  });

  it('drops webhooks carrying our origin marker', () => {
    const plan = i2j({ webhook: updated(incident({ status: 'CLOSED' }), { status: { previous: 'MITIGATED' } }, '2025-11-19T10:15:00Z', bridgeOrigin) });
    expect(plan.commands).toEqual([]);
    expect(plan.dropped).toEqual([{ field: 'status', reason: 'own-origin' }]);
  });

  it('records a missing path with the available transitions, and an unmatched commander', () => {
    const workflow = { ...incidentWorkflow, transitions: incidentWorkflow.transitions.filter((t) => t.id !== '11' && t.id !== '99') };
    const inc = incident({ status: 'CLOSED', commander: { email: 'ghost@example.com', name: 'Ghost' } });
    const plan = i2j({ webhook: updated(inc, { status: { previous: 'OPEN' }, commander: { previous: null } }, '2025-11-19T10:15:00Z'), workflow });
    expect(plan.commands).toEqual([]);
    expect(plan.problems).toEqual([
      { kind: 'no-transition-path', target: 'Closed', fromStatusId: '1', available: [{ id: '12', name: 'Reject', toStatusId: '6', toStatusName: 'Rejected' }] },
      { kind: 'unmatched-user', email: 'ghost@example.com', name: 'Ghost' },
    ]);
  });

  it('creates the post-mortem once POST_MORTEM is reached, and refreshes its timeline on key events', () => {
    const inc = incident({ status: 'POST_MORTEM', status_history: [{ status: 'OPEN', at: '2025-11-19T10:00:00Z' }, { status: 'POST_MORTEM', at: '2025-11-19T11:00:00Z' }] });
    const plan = i2j({ webhook: updated(inc, { status: { previous: 'MITIGATED' } }, '2025-11-19T11:00:00Z'), jiraStatusId: '4' });
    expect(plan.commands).toHaveLength(1);
    expect(plan.commands[0]).toMatchObject({
      kind: 'create-post-mortem',
      incidentIssue: { kind: 'issue', issueKey: 'INC-12' },
      linkTypePreference: ['Relates', 'Blocks', 'Relates to'],
      assigneeAccountId: 'acc-jane',
      fields: { project: { key: 'POSTMORTEM' }, issuetype: { name: 'Post-mortem' }, summary: 'Post-mortem: Checkout 502s (INC-7)' },
    });
    const withPm = { ...link, postMortem: { issueId: '20001', issueKey: 'PM-1' } };
    const keyEvents = {
      contract_version: 1 as const,
      event_id: 'evt-key-events-1',
      event: 'incident.key_events_updated' as const,
      occurred_at: '2025-11-19T11:05:00Z',
      origin: { type: 'system' as const, marker: null },
      updated_fields: { key_events: { previous: [] } },
      incident: { ...inc, key_events: [{ kind: 'recovered', time: '2025-11-19T10:30:00Z', message: null }] },
    };
    const refresh = i2j({ webhook: keyEvents, link: withPm, jiraStatusId: '4' });
    expect(refresh.commands.map((c) => c.kind)).toEqual(['update-post-mortem']);
    expect(Object.keys(refresh.commands[0]!.kind === 'update-post-mortem' ? refresh.commands[0]!.fields : {})).toEqual(['customfield_12700', 'customfield_12703']);
  });

  it('replaying status webhooks in any order never moves Jira backwards (property)', () => {
    // A chronological status history; each webhook is the snapshot at that moment.
    const history = fc.array(fc.constantFrom<ImpactStatus>(...IMPACT_STATUSES), { minLength: 1, maxLength: 8 }).map((statuses) =>
      statuses.map((status, i) => ({ status, at: new Date(T('2025-11-19T10:00:00Z') + (i + 1) * 60_000).toISOString() })),
    );
    fc.assert(
      fc.property(history.chain((h) => fc.tuple(fc.constant(h), fc.shuffledSubarray([...h, ...h], { minLength: h.length }))), ([_h, order]) => {
        let guard = EMPTY_GUARD_STATE;
        let jiraStatusId = '1';
        let lastAppliedAt = -Infinity;
        let newestReached = true;
        const newest = Math.max(...order.map((o) => T(o.at)));
        for (const step of order) {
          const plan = i2j({ webhook: updated(incident({ status: step.status }), { status: { previous: 'OPEN' } }, step.at), jiraStatusId, guard });
          guard = plan.guard;
          const stale = plan.dropped.some((d) => d.reason === 'stale');
          if (stale) {
            expect(T(step.at)).toBeLessThan(lastAppliedAt);
            // (A post-mortem may still be created: reaching POST_MORTEM is a fact, whatever the order.)
            expect(plan.commands.filter((c) => c.kind !== 'create-post-mortem')).toEqual([]);
            continue;
          }
          // Applied events only ever go forward in time.
          expect(T(step.at)).toBeGreaterThanOrEqual(lastAppliedAt);
          lastAppliedAt = T(step.at);
          const transition = plan.commands.find((c) => c.kind === 'transition-issue');
          if (transition && transition.kind === 'transition-issue') jiraStatusId = transition.steps[transition.steps.length - 1]!.toStatusId;
          if (T(step.at) === newest) newestReached = plan.problems.length === 0;
        }
        // The newest snapshot is always applied; Jira shows it unless the workflow had no path (reported).
        expect(lastAppliedAt).toBe(newest);
        const newestStatus = order.find((o) => T(o.at) === newest)!.status;
        const name = incidentWorkflow.statuses.find((s) => s.id === jiraStatusId)!.name;
        if (newestReached) expect(name.toLowerCase()).toBe(config.statuses.impactToJira[newestStatus].toLowerCase());
      }),
      { numRuns: 300 },
    );
  });
});

describe('Jira changelog', () => {
  it('reads status, priority by field id, assignee and summary; ignores the rest', () => {
    const items = [
      { field: 'status', fieldtype: 'jira', fieldId: 'status', from: '1', fromString: 'Incoming', to: '3', toString: 'In Progress' },
      { field: 'Priority (incident)', fieldtype: 'custom', fieldId: 'customfield_11064', from: '100', fromString: '3', to: '101', toString: '1' },
      { field: 'Priority (other)', fieldtype: 'custom', fieldId: 'customfield_99999', from: null, fromString: null, to: '1', toString: '5' },
      { field: 'assignee', fieldtype: 'jira', fieldId: 'assignee', from: null, fromString: null, to: 'acc-jane', toString: 'Jane Doe' },
      { field: 'summary', fieldtype: 'jira', fieldId: 'summary', from: null, fromString: 'old', to: null, toString: 'New summary' },
      { field: 'labels', fieldtype: 'jira', fieldId: 'labels', from: null, fromString: '', to: null, toString: 'x' },
    ];
    expect(parseChangelog(items, config.fields.priority)).toEqual([
      { field: 'status', statusId: '3', statusName: 'In Progress' },
      { field: 'priority', priority: 1, display: '1' },
      { field: 'assignee', accountId: 'acc-jane', displayName: 'Jane Doe' },
      { field: 'summary', summary: 'New summary' },
    ]);
  });

  it('accepts old payloads without fieldId for system fields, and a cleared assignee', () => {
    expect(parseChangelog([{ field: 'assignee', from: 'acc-jane', fromString: 'Jane', to: null, toString: null }], config.fields.priority)).toEqual([{ field: 'assignee', accountId: null, displayName: null }]);
    expect(parseChangelog([{ field: 'priority', fieldId: 'priority', to: '2', toString: 'High' }], { kind: 'jira-priority', names: { '1': 'Highest', '2': 'High', '3': 'Medium', '4': 'Low', '5': 'Lowest' } })).toEqual([{ field: 'priority', priority: 2, display: 'High' }]);
  });
});

describe('Jira → Impact', () => {
  const base: JiraToImpactInput = {
    link,
    items: [],
    actorIsApp: false,
    occurredAt: T('2025-11-19T10:20:00Z'),
    config,
    users,
    incident: { status: 'OPEN', priority: 2, commander: null, title: 'Checkout 502s' },
    guard: EMPTY_GUARD_STATE,
    now: T('2025-11-19T10:20:01Z'),
  };

  it('updates the incident through the reverse maps with our origin marker', () => {
    const plan = planJiraToImpact({
      ...base,
      items: [
        { field: 'status', fieldId: 'status', to: '4', toString: 'Reporter validation' },
        { field: 'P', fieldtype: 'custom', fieldId: 'customfield_11064', to: '1', toString: '4' },
        { field: 'assignee', fieldId: 'assignee', to: 'acc-jane', toString: 'Jane Doe' },
        { field: 'summary', fieldId: 'summary', toString: ' Checkout  down ' },
      ],
    });
    expect(plan.commands).toEqual([
      {
        kind: 'update-incident',
        incidentId: 'INC-7',
        request: { origin: 'incident-bridge', changes: { status: 'MITIGATED', priority: 4, commander: { email: 'jane.doe@example.com' }, title: 'Checkout down' }, comment: 'Updated from Jira INC-12' },
      },
    ]);
    expect(plan.bounceKeys.map((b) => `${b.side}:${b.field}:${b.value}`)).toEqual(['impact:status:MITIGATED', 'impact:priority:4', 'impact:commander:jane.doe@example.com', 'impact:title:Checkout down']);
    // The echo webhook of that write is then recognised even without our marker.
    const echo = evaluateEvent(plan.guard, { side: 'impact', entityId: 'INC-7', field: 'status', value: 'MITIGATED', occurredAt: base.now + 50, ownOrigin: false }, base.now + 60);
    expect(echo.decision).toEqual({ action: 'drop', reason: 'echo' });
  });

  it('skips changes the incident already shows, our own changes, and reports unmapped values', () => {
    const agree = planJiraToImpact({ ...base, incident: { ...base.incident!, status: 'INVESTIGATING' }, items: [{ field: 'status', fieldId: 'status', to: '3', toString: 'In Progress' }] });
    expect(agree.commands).toEqual([]);
    const own = planJiraToImpact({ ...base, actorIsApp: true, items: [{ field: 'status', fieldId: 'status', to: '5', toString: 'Closed' }] });
    expect(own.commands).toEqual([]);
    expect(own.dropped).toEqual([{ field: 'status', reason: 'own-origin' }]);
    const unmapped = planJiraToImpact({
      ...base,
      items: [
        { field: 'status', fieldId: 'status', to: '6', toString: 'Rejected' },
        { field: 'P', fieldId: 'customfield_11064', to: '9', toString: 'urgent' },
      ],
    });
    expect(unmapped.commands).toEqual([]);
    expect(unmapped.problems).toEqual([
      { kind: 'unmapped-jira-status', statusName: 'Rejected' },
      { kind: 'unmapped-priority', display: 'urgent' },
    ]);
  });

  it('leaves the commander alone and posts a note when the assignee has no Impact user', () => {
    const plan = planJiraToImpact({ ...base, items: [{ field: 'assignee', fieldId: 'assignee', to: 'acc-x', toString: 'Xavier' }] });
    expect(plan.problems).toEqual([{ kind: 'unmatched-account', accountId: 'acc-x', displayName: 'Xavier' }]);
    expect(plan.commands).toEqual([
      { kind: 'post-note', incidentId: 'INC-7', request: { origin: 'incident-bridge', message: 'Jira assignee of INC-12 changed to Xavier, who has no matching Impact user; the commander was not changed.' } },
    ]);
  });

  it('drops a Jira change older than our last write to Jira', () => {
    const fromImpact = i2j({ webhook: updated(incident({ status: 'CLOSED' }), { status: { previous: 'OPEN' } }, '2025-11-19T10:30:00Z'), now: T('2025-11-19T10:30:05Z') });
    const late = planJiraToImpact({ ...base, guard: fromImpact.guard, occurredAt: T('2025-11-19T10:30:01Z'), now: T('2025-11-19T10:31:00Z'), items: [{ field: 'status', fieldId: 'status', to: '3', toString: 'In Progress' }] });
    expect(late.commands).toEqual([]);
    expect(late.dropped).toEqual([{ field: 'status', reason: 'stale' }]);
  });
});
