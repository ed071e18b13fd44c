import fc from 'fast-check';
import {
  decideConvergence,
  DEFAULT_STATUS_MAP,
  EMPTY_LEDGER,
  fieldTranslation,
  observeImpactVersion,
  observeJiraWrite,
  observePersonChange,
  type ConvergenceLedger,
  type CurrentValues,
  type FieldTranslation,
  type SideValues,
} from '../../../../src/forge/domain/incidents';

const users = [
  { email: 'alice@example.com', name: 'Alice', accountId: 'acc-alice', by: 'email' as const },
  { email: 'bob@example.com', name: 'Bob', accountId: 'acc-bob', by: 'email' as const },
];
const translate = fieldTranslation(DEFAULT_STATUS_MAP, users);

const impactValues = (o: Partial<SideValues> = {}, version = 1): CurrentValues['impact'] => ({ status: 'OPEN', priority: '2', commander: 'alice@example.com', title: 'Checkout down', ...o, version });
const jiraValues = (o: Partial<SideValues> = {}): SideValues => ({ status: 'incoming', priority: '2', commander: 'acc-alice', title: 'Checkout down', ...o });

/** The app created the issue from version 1 of the incident at t=0. */
function baseline(): ConvergenceLedger {
  let ledger = observeImpactVersion(EMPTY_LEDGER, 1);
  const j = jiraValues();
  for (const f of ['status', 'priority', 'commander', 'title'] as const) ledger = observeJiraWrite(ledger, f, j[f], 0);
  return ledger;
}

describe('decideConvergence', () => {
  it('leaves fields alone while no person changed them and the sides agree (several Impact statuses show as one Jira status)', () => {
    const decisions = decideConvergence(baseline(), { impact: impactValues({ status: 'INVESTIGATING' }), jira: jiraValues({ status: 'in progress' }) }, translate);
    expect(decisions.map((d) => d.kind)).toEqual(['in-sync', 'in-sync', 'in-sync', 'in-sync']);
  });

  it('writes a person’s Jira change to Impact, translated', () => {
    const ledger = observePersonChange(baseline(), 'status', { side: 'jira', value: 'in progress', at: 10 });
    const [status] = decideConvergence(ledger, { impact: impactValues(), jira: jiraValues({ status: 'in progress' }) }, translate, ['status']);
    expect(status).toMatchObject({ kind: 'write', writes: [{ side: 'impact', value: 'MITIGATING' }] });
  });

  it('the newer of two person changes wins, whichever event is processed first', () => {
    const current = { impact: impactValues({ priority: '1' }, 2), jira: jiraValues({ priority: '4' }) };
    const jiraChange = { side: 'jira', value: '4', at: 10 } as const;
    const impactChange = { side: 'impact', value: '1', at: 15 } as const;
    const jiraFirst = observeImpactVersion(observePersonChange(observePersonChange(baseline(), 'priority', jiraChange), 'priority', impactChange), 2);
    const impactFirst = observePersonChange(observeImpactVersion(observePersonChange(baseline(), 'priority', impactChange), 2), 'priority', jiraChange);
    for (const ledger of [jiraFirst, impactFirst]) {
      expect(decideConvergence(ledger, current, translate, ['priority'])[0]).toMatchObject({ kind: 'write', writes: [{ side: 'jira', value: '1' }] });
    }
  });

  it('waits for Jira when it shows a value the app did not see (that event is on its way)', () => {
    const ledger = observeImpactVersion(observePersonChange(baseline(), 'priority', { side: 'impact', value: '1', at: 15 }), 2);
    expect(decideConvergence(ledger, { impact: impactValues({ priority: '1' }, 2), jira: jiraValues({ priority: '4' }) }, translate, ['priority'])[0]).toEqual({ field: 'priority', kind: 'wait', side: 'jira' });
  });

  it('waits for Impact when it is at a version the app has not processed, even if the value looks known (A → B → A)', () => {
    const ledger = observePersonChange(baseline(), 'priority', { side: 'jira', value: '4', at: 15 });
    expect(decideConvergence(ledger, { impact: impactValues({}, 3), jira: jiraValues({ priority: '4' }) }, translate, ['priority'])[0]).toEqual({ field: 'priority', kind: 'wait', side: 'impact' });
  });

  it('restores a person’s value the app overwrote in a race, on both sides (agreeing is not enough)', () => {
    // Impact P1 at 10 won; the app wrote P1 to Jira at 20, landing just after Bob set P4 there at 18.
    let ledger = observeImpactVersion(observePersonChange(baseline(), 'priority', { side: 'impact', value: '1', at: 10 }), 2);
    ledger = observeJiraWrite(ledger, 'priority', '1', 20);
    ledger = observePersonChange(ledger, 'priority', { side: 'jira', value: '4', at: 18 });
    expect(ledger.fields.priority?.jira).toEqual({ value: '1', at: 20 });
    expect(decideConvergence(ledger, { impact: impactValues({ priority: '1' }, 2), jira: jiraValues({ priority: '1' }) }, translate, ['priority'])[0]).toMatchObject({
      kind: 'write',
      writes: [
        { side: 'impact', value: '4' },
        { side: 'jira', value: '4' },
      ],
    });
  });

  it('ties go to Impact on both sides', () => {
    const j = { side: 'jira', value: 'J', at: 10 } as const;
    const i = { side: 'impact', value: 'I', at: 10 } as const;
    for (const ledger of [observePersonChange(observePersonChange(baseline(), 'title', j), 'title', i), observePersonChange(observePersonChange(baseline(), 'title', i), 'title', j)]) {
      expect(ledger.fields.title?.winner).toEqual(i);
    }
  });

  it('reports a commander Jira cannot hold as untranslatable, and a disagreement no person change explains as unknown', () => {
    const ledger = observePersonChange(baseline(), 'commander', { side: 'impact', value: 'zed@elsewhere.example', at: 5 });
    expect(decideConvergence(ledger, { impact: impactValues({ commander: 'zed@elsewhere.example' }), jira: jiraValues() }, translate, ['commander'])[0]).toMatchObject({ kind: 'untranslatable', side: 'jira' });
    expect(decideConvergence(baseline(), { impact: impactValues({ title: 'x' }), jira: jiraValues() }, translate, ['title'])[0]).toEqual({ field: 'title', kind: 'unknown' });
  });

  it('translates commanders through the user pairs and clears with an empty value', () => {
    expect(translate.agree('commander', 'bob@example.com', 'acc-bob')).toBe(true);
    expect(translate.toJira('commander', 'bob@example.com')).toBe('acc-bob');
    expect(translate.toImpact('commander', 'acc-alice')).toBe('alice@example.com');
    expect(translate.toImpact('commander', '')).toBe('');
    expect(translate.toImpact('commander', 'acc-nobody')).toBeNull();
    expect(translate.toImpact('status', 'Rejected')).toBeNull();
    // Either map relates statuses: OPEN shows as Incoming, and "Pending resolution" stands for OPEN.
    expect(translate.agree('status', 'OPEN', 'incoming')).toBe(true);
    expect(translate.agree('status', 'OPEN', 'pending resolution')).toBe(true);
    expect(translate.agree('status', 'MITIGATED', 'in progress')).toBe(false);
  });
});

/**
 * A model of the whole loop: people edit either side at any time (also between the app's read and its
 * write), events reach the app's lane in any order, Impact writes are conditional (409 → re-read, decide
 * again) and Jira writes are not. Once every event is processed, both sides hold the newest person value,
 * and the app never wrote over a person's value it could have known about.
 */
describe('convergence, as a model of both platforms and the lane', () => {
  type Side = 'impact' | 'jira';
  type Step = { kind: 'edit'; side: Side; value: number } | { kind: 'process'; pick: number; race: { side: Side; value: number } | null };
  const identity: FieldTranslation = { agree: (_f, a, b) => a === b, toJira: (_f, v) => v, toImpact: (_f, v) => v };
  const side = fc.constantFrom<Side>('impact', 'jira');
  const value = fc.integer({ min: 1, max: 5 });
  const step: fc.Arbitrary<Step> = fc.oneof(
    fc.record({ kind: fc.constant('edit' as const), side, value }),
    fc.record({ kind: fc.constant('process' as const), pick: fc.nat(), race: fc.option(fc.record({ side, value }), { nil: null }) }),
  );

  it('ends with both sides on the last person value', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), fc.array(fc.nat(), { maxLength: 60 }), (steps, drainOrder) => {
        let clock = 1;
        // `personAt`: when a person set the value a side shows (null once the app wrote it); `raced`: the
        // edit landed between the app's read and its write, which Jira (no conditional writes) cannot refuse.
        type Cell = { value: string; personAt: number | null; raced: boolean };
        const world: { impact: Cell & { version: number }; jira: Cell } = {
          impact: { value: '3', version: 1, personAt: null, raced: false },
          jira: { value: '3', personAt: null, raced: false },
        };
        let ledger = observeJiraWrite(observeImpactVersion(EMPTY_LEDGER, 1), 'priority', '3', 0);
        const pending: { side: Side; value: string; at: number; version: number }[] = [];
        let last: string | null = null;
        let writes = 0;
        let overwroteNewer = 0;

        const edit = (s: Side, v: number, raced = false) => {
          const next = String(v);
          if (world[s].value === next) return; // no change, no event
          const at = clock++;
          if (s === 'impact') world.impact = { ...world.impact, value: next, personAt: at, raced, version: world.impact.version + 1 };
          else world.jira = { value: next, personAt: at, raced };
          pending.push({ side: s, value: next, at, version: world.impact.version });
          last = next;
        };
        const current = (): CurrentValues => ({
          impact: { ...impactValues({ priority: world.impact.value }, world.impact.version) },
          jira: { ...jiraValues({ priority: world.jira.value }) },
        });
        const process = (index: number, race: { side: Side; value: number } | null) => {
          const [event] = pending.splice(index % pending.length, 1);
          if (!event) return;
          ledger = observePersonChange(ledger, 'priority', event);
          if (event.side === 'impact') ledger = observeImpactVersion(ledger, event.version);
          for (let attempt = 0; attempt < 5; attempt += 1) {
            const readVersion = world.impact.version;
            const [decision] = decideConvergence(ledger, current(), identity, ['priority']);
            if (attempt === 0 && race) edit(race.side, race.value, true); // a person edits between read and write
            if (decision?.kind !== 'write') return;
            let conflict = false;
            for (const w of decision.writes) {
              if (w.side === 'impact' && world.impact.version !== readVersion) {
                conflict = true; // 409: re-read and decide again
                break;
              }
              const target = world[w.side];
              // What the app could not know: a Jira race, or a Jira value back to the one it knew (A → B → A;
              // Jira has no version to tell). Impact's version makes both visible there.
              const hidden = w.side === 'jira' && (target.raced || target.value === ledger.fields.priority?.jira?.value);
              if (target.personAt !== null && target.personAt > decision.winner.at && !hidden) overwroteNewer += 1;
              writes += 1;
              if (w.side === 'impact') {
                world.impact = { ...world.impact, value: w.value, version: world.impact.version + 1, personAt: null };
                ledger = observeImpactVersion(ledger, world.impact.version);
              } else {
                world.jira = { ...world.jira, value: w.value, personAt: null };
                ledger = observeJiraWrite(ledger, 'priority', w.value, clock++);
              }
            }
            if (!conflict) return;
          }
          throw new Error('no decision after 5 conflicts');
        };

        for (const s of steps) {
          if (s.kind === 'edit') edit(s.side, s.value);
          else if (pending.length > 0) process(s.pick, s.race);
        }
        let i = 0;
        while (pending.length > 0) process(drainOrder[i++] ?? 0, null);

        expect(world.impact.value).toBe(last ?? '3');
        expect(world.jira.value).toBe(last ?? '3');
        expect(overwroteNewer).toBe(0);
        expect(writes).toBeLessThan(4 * (steps.length + 1));
      }),
      { numRuns: 2000 },
    );
  });
});
