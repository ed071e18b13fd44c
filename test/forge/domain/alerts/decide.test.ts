import fc from 'fast-check';
import { jiraCallCount, PROBLEM_PROPERTY_KEY, type Command, type CreateCommand } from '../../../../src/forge/domain/alerts/commands';
import { decide, decideNotification, type Decision } from '../../../../src/forge/domain/alerts/decide';
import { planNotification, type NotificationInput, type Problem } from '../../../../src/forge/domain/alerts/problems';
import { groupIdentity, problemKey } from '../../../../src/forge/domain/alerts/problem-key';
import type { Rule, RuleInput } from '../../../../src/forge/domain/alerts/rules';
import { settleState, type ProblemState } from '../../../../src/forge/domain/alerts/state';
import { adfProblem } from '../../../../src/sandbox/jira-sim/adf';
import { fixture, fixtureSequence, makeRule, ruleVariants, type Delivery } from './helpers';
import { deliver, emptyWorld, jiraView, type World } from './jira-model';

const kinds = (cs: readonly Command[]): string[] => cs.map((c) => (c.kind === 'nothing' ? `nothing:${c.reason}` : c.kind));
const allCommands = (ds: readonly Decision[]): Command[] => ds.flatMap((d) => d.commands);

function runSequence(rule: Rule, deliveries: readonly Delivery[], start: World = emptyWorld): { world: World; steps: Decision[][] } {
  let world = start;
  const steps: Decision[][] = [];
  for (const d of deliveries) {
    const r = deliver(world, d.body, [rule], d.receivedAt);
    world = r.world;
    steps.push(r.decisions);
  }
  return { world, steps };
}

function problemOf(d: Delivery, rule: Rule, index = 0): Problem {
  const p = planNotification(d.body, [rule]).problems[index];
  if (!p) throw new Error('no problem');
  return p.problem;
}

function stateAfter(rule: Rule, names: string[]): World {
  const seq = fixtureSequence().filter((d) => names.some((n) => d.name.startsWith(n)));
  return runSequence(rule, seq).world;
}

/** 01 again with a new activation (Prometheus gives a re-fire a new startsAt). */
function refire(): Delivery {
  const d = fixture('01');
  const alert = d.body.alerts[0];
  if (!alert) throw new Error('fixture');
  return { name: 'refire', receivedAt: '2026-11-23T07:00:01.000Z', body: { ...d.body, alerts: [{ ...alert, startsAt: '2026-11-23T07:00:00.5Z' }] } };
}

const rules = ruleVariants;

describe('the real Alertmanager sequence 01→07, state threaded through', () => {
  it('group grouping, resolve by comment: 1,1,1,1,0,1,1 Jira calls', () => {
    const { world, steps } = runSequence(rules.group, fixtureSequence());
    expect(steps.map((s) => kinds(allCommands(s)))).toEqual([
      ['create'], // 01 checkout first firing
      ['create'], // 02 disk first firing
      ['comment'], // 03 group grows
      ['comment'], // 04 one resolved
      ['nothing:unchanged'], // 05 repeat, nothing new
      ['comment'], // 06 all resolved
      ['comment'], // 07 disk resolved
    ]);
    expect(world.calls).toEqual([1, 1, 1, 1, 0, 1, 1]);
    expect(jiraView(world)).toEqual({
      'OPS-1': { status: 'new', comments: 3, links: 0, summary: '[Critical] 5xx rate above 5% on checkout' },
      'OPS-2': { status: 'new', comments: 1, links: 0, summary: '[Warning] Disk on db-3 will fill in 4h' },
    });
  });

  it('group grouping, comment and transition: all resolved costs 2 calls and closes the issue', () => {
    const { world } = runSequence(rules.groupTransition, fixtureSequence());
    expect(world.calls).toEqual([1, 1, 1, 1, 0, 2, 2]);
    expect(Object.values(world.issues).map((i) => [i.key, i.statusCategory, i.transitions])).toEqual([
      ['OPS-1', 'done', ['resolve']],
      ['OPS-2', 'done', ['resolve']],
    ]);
    // The stored state knows the issue is done, so a re-fire needs no GET.
    const key = problemKey({ grouping: 'group', source: groupIdentity(rules.groupTransition.id, fixture('01').body.groupLabels) });
    expect(world.store[key]?.issue).toEqual({ key: 'OPS-1', statusCategory: 'done' });
  });

  it('fingerprint grouping: one issue per alert, decisions per fingerprint', () => {
    const { world, steps } = runSequence(rules.fingerprint, fixtureSequence());
    expect(steps.map((s) => s.map((d) => kinds(d.commands).join('+')))).toEqual([
      ['create'],
      ['create'],
      ['nothing:unchanged', 'create'], // ea57 unchanged, 35fa new
      ['nothing:unchanged', 'comment'], // 35fa resolved
      ['nothing:unchanged'],
      ['comment'],
      ['comment'],
    ]);
    expect(world.calls).toEqual([1, 1, 1, 1, 0, 1, 1]);
    expect(Object.keys(world.issues)).toHaveLength(3);
  });

  it('fingerprint grouping with transition: 1,1,1,2,0,2,2', () => {
    expect(runSequence(rules.fingerprintTransition, fixtureSequence()).world.calls).toEqual([1, 1, 1, 2, 0, 2, 2]);
  });

  it('every description and comment is valid ADF for the Jira simulator', () => {
    for (const rule of Object.values(rules)) {
      const { world } = runSequence(rule, [...fixtureSequence(), refire()]);
      for (const issue of Object.values(world.issues)) {
        expect(adfProblem(issue.fields['description'])).toBeNull();
        for (const c of issue.comments) expect(adfProblem(c)).toBeNull();
      }
    }
  });
});

describe('decision table', () => {
  const rule = rules.group;
  const d01 = fixture('01');
  const received = '2026-11-23T06:20:00.000Z';
  const known = (world: World, d: Delivery): ProblemState | null => world.store[problemOf(d, rule).key] ?? null;

  it('firing, no issue → create with fields, priority, labels and the entity property', () => {
    const problem = problemOf(d01, rule);
    const dec = decide({ problem, rule, known: null, receivedAt: d01.receivedAt });
    expect(kinds(dec.commands)).toEqual(['create']);
    const create = dec.commands[0] as CreateCommand;
    expect(create.body.fields).toMatchObject({
      project: { key: 'OPS' },
      issuetype: { name: 'Bug' },
      summary: '[Critical] 5xx rate above 5% on checkout',
      priority: { name: 'Highest' },
      labels: expect.arrayContaining(['alertmanager', 'alertname_HighErrorRate', 'severity_critical', 'instance_checkout-7d9f_8080']),
    });
    expect(create.body.properties).toEqual([
      { key: PROBLEM_PROPERTY_KEY, value: { problemKey: problem.key, source: 'alertmanager', grouping: 'group', identity: 'r1:{alertname="HighErrorRate", cluster="prod-eu"}', ruleId: 'r1' } },
    ]);
    expect(dec.next).toMatchObject({ issue: { ref: { kind: 'created' }, statusCategory: 'new' }, firstSeen: '2026-11-23T06:14:47.099134493Z', updatedAt: d01.receivedAt });
    expect(dec.stateChanged).toBe(true);
  });

  it('firing, open issue, unchanged repeat → nothing, and no state write', () => {
    const w = stateAfter(rule, ['01']);
    const dec = decide({ problem: problemOf(d01, rule), rule, known: known(w, d01), receivedAt: received });
    expect(kinds(dec.commands)).toEqual(['nothing:unchanged']);
    expect(dec.stateChanged).toBe(false);
    expect(dec.next?.updatedAt).toBe(d01.receivedAt);
  });

  it('firing, open issue, new alert in the group → one comment naming it', () => {
    const w = stateAfter(rule, ['01']);
    const d03 = fixture('03');
    const dec = decide({ problem: problemOf(d03, rule), rule, known: known(w, d03), receivedAt: d03.receivedAt });
    expect(kinds(dec.commands)).toEqual(['comment']);
    expect(JSON.stringify(dec.commands[0])).toContain('instance=checkout-8c1a:8080');
    expect(dec.changes.map((c) => c.kind)).toEqual(['unchanged', 'new']);
  });

  it('firing, open issue, an alert fires again after it resolved → comment', () => {
    const w = stateAfter(rule, ['01', '03', '04']);
    const d03 = fixture('03');
    const again = d03.body.alerts.map((a) => (a.fingerprint === '35fa25a30678ad1a' ? { ...a, startsAt: '2026-11-23T06:16:00Z' } : a));
    const dec = decide({ problem: problemOf({ ...d03, body: { ...d03.body, alerts: again } }, rule), rule, known: known(w, d03), receivedAt: received });
    expect(kinds(dec.commands)).toEqual(['comment']);
    expect(dec.changes.map((c) => c.kind)).toEqual(['unchanged', 'fired-again']);
    expect(JSON.stringify(dec.commands[0])).toContain('Firing again');
  });

  it('a late duplicate of an older notification is stale → nothing', () => {
    const w = stateAfter(rule, ['01', '03', '04']);
    const d03 = fixture('03');
    const dec = decide({ problem: problemOf(d03, rule), rule, known: known(w, d03), receivedAt: received });
    expect(kinds(dec.commands)).toEqual(['nothing:stale']);
    expect(dec.stateChanged).toBe(false);
  });

  it('resolved, open issue → comment, plus a transition when the rule says so', () => {
    const d06 = fixture('06');
    const w1 = stateAfter(rules.group, ['01', '03', '04']);
    expect(kinds(decide({ problem: problemOf(d06, rules.group), rule: rules.group, known: known(w1, d06), receivedAt: received }).commands)).toEqual(['comment']);
    const w2 = stateAfter(rules.groupTransition, ['01', '03', '04']);
    const dec = decide({ problem: problemOf(d06, rules.groupTransition), rule: rules.groupTransition, known: w2.store[problemOf(d06, rules.groupTransition).key] ?? null, receivedAt: received });
    expect(dec.commands).toEqual([
      expect.objectContaining({ kind: 'comment', issue: { kind: 'existing', key: 'OPS-1' } }),
      { kind: 'transition', issue: { kind: 'existing', key: 'OPS-1' }, purpose: 'resolve', target: { by: 'statusCategory', category: 'done' } },
    ]);
    expect(dec.next?.issue?.statusCategory).toBe('done');
    expect(JSON.stringify(dec.commands[0])).toContain('Alert resolved');
  });

  it('resolved, no issue → nothing in Jira; the resolved alerts are kept (issue null) so a late firing copy is known', () => {
    const d07 = fixture('07');
    const dec = decide({ problem: problemOf(d07, rule), rule, known: null, receivedAt: received });
    expect(kinds(dec.commands)).toEqual(['nothing:resolved-without-issue']);
    expect(dec.next).toMatchObject({ issue: null });
    expect(Object.values(dec.next?.alerts ?? {}).map((a) => a.status)).toEqual(['resolved']);
    expect(dec.stateChanged).toBe(true);
    // The same resolved copy again writes nothing.
    const again = decide({ problem: problemOf(d07, rule), rule, known: settleState(dec.next!) ?? null, receivedAt: received });
    expect(kinds(again.commands)).toEqual(['nothing:resolved-without-issue']);
    expect(again.stateChanged).toBe(false);
  });

  it.each([
    ['comment', rules.fingerprint, ['create', 'comment'], 'new'],
    ['comment and transition', rules.fingerprintTransition, ['create', 'comment', 'transition'], 'done'],
  ] as const)('firing that arrives after its resolve (no issue yet, %s) → the issue in-order delivery would have made, once', (_name, r, expected, status) => {
    // 07 (disk resolved) is applied first; 02 (its firing) was retried, redelivered or reordered behind it.
    const resolvedFirst = runSequence(r, [fixture('07')]);
    expect(Object.keys(resolvedFirst.world.issues)).toEqual([]);
    const late = deliver(resolvedFirst.world, fixture('02').body, [r], received);
    expect(late.decisions.flatMap((d) => d.commands.map((c) => c.kind))).toEqual(expected);
    const inOrder = runSequence(r, [fixture('02'), fixture('07')]).world;
    expect(Object.values(jiraView(late.world)).map((i) => i.status)).toEqual(Object.values(jiraView(inOrder)).map((i) => i.status));
    expect(Object.values(jiraView(late.world))[0]?.status).toBe(status);
    // A further late copy changes nothing.
    const twice = deliver(late.world, fixture('02').body, [r], received);
    expect(twice.world.calls.at(-1)).toBe(0);
  });

  it('unknown status category → comment for firing changes, comment without transition on resolve', () => {
    const w = stateAfter(rules.groupTransition, ['01']);
    const base = w.store[problemOf(d01, rules.groupTransition).key] as ProblemState;
    const unknown: ProblemState = { ...base, issue: { key: 'OPS-1', statusCategory: 'unknown' } };
    const d03 = fixture('03');
    expect(kinds(decide({ problem: problemOf(d03, rules.groupTransition), rule: rules.groupTransition, known: unknown, receivedAt: received }).commands)).toEqual(['comment']);
    const d06 = fixture('06');
    expect(kinds(decide({ problem: problemOf(d06, rules.groupTransition), rule: rules.groupTransition, known: unknown, receivedAt: received }).commands)).toEqual(['comment']);
  });

  it('firing, Done issue, re-fire → new issue linked to the old one (2 calls)', () => {
    const w = stateAfter(rules.groupTransition, ['01', '03', '04', '06']);
    const r = refire();
    const dec = decide({ problem: problemOf(r, rules.groupTransition), rule: rules.groupTransition, known: known(w, r), receivedAt: r.receivedAt });
    expect(kinds(dec.commands)).toEqual(['create', 'link']);
    expect(dec.commands[1]).toEqual({ kind: 'link', linkType: { name: 'Relates' }, outwardIssue: { kind: 'created' }, inwardIssue: { kind: 'existing', key: 'OPS-1' } });
    expect(JSON.stringify(dec.commands[0])).toContain('Previous issue');
    expect(dec.next).toMatchObject({ issue: { ref: { kind: 'created' }, statusCategory: 'new' }, previousIssueKeys: ['OPS-1'], firstSeen: '2026-11-23T07:00:00.5Z' });
    expect(jiraCallCount(dec.commands)).toBe(2);
  });

  it('firing, Done issue, re-fire with the reopen policy → transition + comment (2 calls)', () => {
    const w = stateAfter(rules.reopen, ['01', '03', '04', '06']);
    const r = refire();
    const dec = decide({ problem: problemOf(r, rules.reopen), rule: rules.reopen, known: known(w, r), receivedAt: r.receivedAt });
    expect(dec.commands.map((c) => c.kind)).toEqual(['transition', 'comment']);
    expect(dec.commands[0]).toEqual({ kind: 'transition', issue: { kind: 'existing', key: 'OPS-1' }, purpose: 'reopen', target: { by: 'name', name: 'Reopen' } });
  });

  it('firing, Done issue, nothing changed (repeat or late copy) → nothing', () => {
    const w = stateAfter(rules.groupTransition, ['01', '03', '04', '06']);
    for (const name of ['01', '03']) {
      const d = fixture(name);
      const dec = decide({ problem: problemOf(d, rules.groupTransition), rule: rules.groupTransition, known: known(w, d), receivedAt: received });
      expect(dec.commands.filter((c) => c.kind !== 'nothing')).toEqual([]);
    }
  });

  it('firing, Done issue, only a resolve → nothing in Jira but the state is updated', () => {
    const w = stateAfter(rules.group, ['01', '03']);
    const k = problemOf(d01, rules.group).key;
    const done: ProblemState = { ...(w.store[k] as ProblemState), issue: { key: 'OPS-1', statusCategory: 'done' } };
    const dec = decide({ problem: problemOf(fixture('04'), rules.group), rule: rules.group, known: done, receivedAt: received });
    expect(kinds(dec.commands)).toEqual(['nothing:issue-done']);
    expect(dec.stateChanged).toBe(true);
    expect(dec.next?.alerts['35fa25a30678ad1a']?.status).toBe('resolved');
  });

  it('issue deleted (404) → forget and create anew; when resolved → forget only', () => {
    const w = stateAfter(rule, ['01', '03']);
    const d04 = fixture('04');
    const dec = decide({ problem: problemOf(d04, rule), rule, known: known(w, d04), issueNotFound: true, receivedAt: received });
    expect(dec.commands.map((c) => c.kind)).toEqual(['forget', 'create']);
    expect(dec.commands[0]).toMatchObject({ kind: 'forget', issueKey: 'OPS-1', reason: 'issue-not-found' });
    expect(dec.next?.previousIssueKeys).toEqual([]);
    const d06 = fixture('06');
    const gone = decide({ problem: problemOf(d06, rule), rule, known: known(w, d06), issueNotFound: true, receivedAt: received });
    expect(kinds(gone.commands)).toEqual(['forget', 'nothing:resolved-without-issue']);
    expect(gone.next).toBeNull();
    expect(gone.stateChanged).toBe(true);
  });

  it('issue deleted: the model recreates it on the next notification', () => {
    const w = stateAfter(rule, ['01']);
    const { ['OPS-1']: _deleted, ...rest } = w.issues;
    const r = deliver({ ...w, issues: rest }, fixture('03').body, [rule], received);
    expect(Object.keys(r.world.issues)).toEqual(['OPS-2']);
    expect(r.world.calls.at(-1)).toBe(1);
  });

  it('silenced or inhibited alerts never reach Jira', () => {
    const body = fixture('03').body;
    const loose: NotificationInput = {
      ...body,
      alerts: [
        { ...(body.alerts[0] as NotificationInput['alerts'][number]), status: 'suppressed' },
        { ...(body.alerts[1] as NotificationInput['alerts'][number]), status: { state: 'suppressed', silencedBy: ['abc'], inhibitedBy: [] } },
      ],
    };
    const plan = planNotification(loose, [rule]);
    expect(plan.problems).toEqual([]);
    expect(plan.skipped.map((s) => s.reason)).toEqual(['suppressed', 'suppressed']);
    expect(decideNotification(loose, [rule], () => ({ state: null }), received)).toEqual([]);
    const inhibited = planNotification({ ...body, alerts: [{ ...(body.alerts[0] as NotificationInput['alerts'][number]), inhibitedBy: ['x'] }] }, [rule]);
    expect(inhibited.problems).toEqual([]);
  });

  it('alerts that match no rule are skipped; a bad fingerprint is refused', () => {
    const other = makeRule({ matchers: ['cluster="staging"'] });
    expect(planNotification(d01.body, [other]).skipped).toEqual([{ fingerprint: 'ea57a5cee65a9cf3', reason: 'no-rule' }]);
    const bad = { ...d01.body, alerts: [{ ...(d01.body.alerts[0] as NotificationInput['alerts'][number]), fingerprint: '__proto__' }] };
    expect(planNotification(bad, [rule]).skipped).toEqual([{ fingerprint: '__proto__', reason: 'bad-fingerprint' }]);
  });

  it('group grouping uses the earliest-ordered rule among the alerts, fingerprint rules split off', () => {
    const d03 = fixture('03');
    const perInstance = makeRule({ id: 'fp', order: 1, grouping: 'fingerprint', matchers: ['instance="checkout-8c1a:8080"'] });
    const plan = planNotification(d03.body, [rule, perInstance]);
    expect(plan.problems.map((p) => [p.rule.id, p.problem.grouping, p.problem.alerts.map((a) => a.fingerprint)])).toEqual([
      ['fp', 'fingerprint', ['35fa25a30678ad1a']],
      ['r1', 'group', ['ea57a5cee65a9cf3']],
    ]);
  });
});

describe('Jira calls per notification (targets: 1, 0, ≤1, ≤1, ≤2, ≤2)', () => {
  const cases: [string, Partial<RuleInput>][] = [
    ['group/comment', {}],
    ['group/transition + new linked issue', { resolve: { policy: 'comment-and-transition', transition: { by: 'id', id: '31' } } }],
    ['group/transition + reopen', { resolve: { policy: 'comment-and-transition', transition: { by: 'id', id: '31' } }, reFire: { policy: 'reopen', transition: { by: 'id', id: '11' } } }],
  ];
  it.each(cases)('%s', (_name, overrides) => {
    const rule = makeRule(overrides);
    const seq = fixtureSequence();
    const { world } = runSequence(rule, [...seq, refire()]);
    const [first, , grows, oneResolved, repeat, allResolved, , refired] = world.calls;
    expect(first).toBe(1);
    expect(repeat).toBe(0);
    expect(grows).toBeLessThanOrEqual(1);
    expect(oneResolved).toBeLessThanOrEqual(1);
    expect(allResolved).toBeLessThanOrEqual(2);
    expect(refired).toBeLessThanOrEqual(2);
  });
});

describe('property: duplicate deliveries change nothing', () => {
  const seq = fixtureSequence();
  const ruleArb = fc.constantFrom(...Object.values(rules));

  it('any multiplicity and any later position of copies yields the Jira state and store of one delivery each', () => {
    fc.assert(
      fc.property(
        ruleArb,
        // For each notification: how many extra copies, and how far after the original each lands.
        fc.array(fc.array(fc.nat({ max: seq.length + 1 }), { maxLength: 3 }), { minLength: seq.length, maxLength: seq.length }),
        fc.boolean(),
        (rule, extra, withRefire) => {
          const base = withRefire ? [...seq, refire()] : seq;
          const once = runSequence(rule, base).world;
          // Build a schedule: original positions, copies inserted after their original.
          const slots: Delivery[][] = base.map((d) => [d]);
          extra.forEach((offsets, i) => {
            const original = base[i];
            if (!original) return;
            offsets.forEach((off, j) => {
              const at = Math.min(i + off, base.length - 1);
              // A replica's copy arrives later, with its own receive time.
              (slots[at] as Delivery[]).push({ ...original, receivedAt: `2026-11-23T08:${String(i).padStart(2, '0')}:${String(j).padStart(2, '0')}.000Z` });
            });
          });
          const schedule = slots.flat();
          const many = runSequence(rule, schedule).world;
          expect(jiraView(many)).toEqual(jiraView(once));
          expect(Object.values(many.issues).map((i) => i.comments)).toEqual(Object.values(once.issues).map((i) => i.comments));
          expect(many.store).toEqual(once.store);
          expect(many.calls.reduce((a, b) => a + b, 0)).toBe(once.calls.reduce((a, b) => a + b, 0));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('three concurrent copies decided against the same state produce the same commands (the adapter dedupes creation)', () => {
    const d = fixture('01');
    const problem = problemOf(d, rules.group);
    const a = decide({ problem, rule: rules.group, known: null, receivedAt: d.receivedAt });
    const b = decide({ problem, rule: rules.group, known: null, receivedAt: '2026-11-23T06:14:49.000Z' });
    expect((a.commands[0] as CreateCommand).body.properties).toEqual((b.commands[0] as CreateCommand).body.properties);
    expect(a.problemKey).toBe(b.problemKey);
  });
});
