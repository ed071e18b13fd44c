import fc from 'fast-check';
import {
  EMPTY_LEARNED_WORKFLOW,
  findTransitionPath,
  graphOf,
  learnFrom,
  nextMove,
  withStatuses,
  type LearnedWorkflow,
  type NextMove,
  type OfferedTransition,
  type StatusCategoryKey,
  type WorkflowGraph,
  type WorkflowStatus,
} from '../../../../src/forge/domain/workflow';
import { EMPTY_GUARD_STATE, planImpactToJira, type IncidentSyncConfig, DEFAULT_INCIDENT_SYNC_CONFIG } from '../../../../src/forge/domain/incidents';
import { incident, incidentWorkflow, updated } from '../incidents/fixtures';

/** What Jira offers from a status of `graph` (the workflow as Jira holds it). */
const offered = (graph: WorkflowGraph, from: string): OfferedTransition[] =>
  graph.transitions
    .filter((t) => (t.from.length === 0 || t.from.includes(from)) && t.to !== from)
    .map((t) => {
      const to = graph.statuses.find((s) => s.id === t.to)!;
      return { id: t.id, name: t.name, to: { id: to.id, name: to.name, category: to.category } };
    });

/** Everything learned: every status's transitions read once. */
const fullyLearned = (graph: WorkflowGraph): LearnedWorkflow =>
  graph.statuses.reduce((l, s) => learnFrom(l, s.id, offered(graph, s.id)), withStatuses(EMPTY_LEARNED_WORKFLOW, graph.statuses));

const status = (graph: WorkflowGraph, id: string): WorkflowStatus => graph.statuses.find((s) => s.id === id)!;
const summary = (m: NextMove): string | readonly string[] => {
  switch (m.kind) {
    case 'path':
      return m.steps.map((s) => s.transitionId);
    case 'explore':
      return `explore ${m.step.transitionId}`;
    case 'learn':
      return `learn ${m.fromStatusId}`;
    default:
      return m.kind;
  }
};

describe('the engine’s next move (pure)', () => {
  const statusesOnly = withStatuses(EMPTY_LEARNED_WORKFLOW, incidentWorkflow.statuses);
  const fromIncoming = learnFrom(statusesOnly, '1', offered(incidentWorkflow, '1'));
  it.each([
    ['already there (names compare as people read them)', fullyLearned(incidentWorkflow), '3', ' in  progress ', 'arrived'],
    ['never read from here: learn first', statusesOnly, '1', 'Reporter validation', 'learn 1'],
    ['the known shortest path, as findTransitionPath plans it', fullyLearned(incidentWorkflow), '1', 'Reporter validation', ['11', '21', '31']],
    ['target not reachable on what is known: one step toward its category, never into a done status', fromIncoming, '1', 'In Progress', 'explore 11'],
    ['target unknown to the project: stuck', fullyLearned(incidentWorkflow), '1', 'Resolved', 'stuck'],
  ] as const)('%s', (_name, learned, from, target, expected) => {
    expect(summary(nextMove(learned, status(incidentWorkflow, from), target, new Set([from])))).toEqual(expected);
  });

  it('does not explore back into a status already visited', () => {
    const learned = learnFrom(fromIncoming, '2', offered(incidentWorkflow, '2'));
    // From Pending resolution the only non-done way is Start → In Progress; Incoming was visited.
    expect(summary(nextMove(learned, status(incidentWorkflow, '2'), 'Reporter validation', new Set(['1', '2'])))).toBe('explore 21');
    const stuckGraph = learnFrom(statusesOnly, '2', [{ id: '99', name: 'Back', to: { id: '1', name: 'Incoming', category: 'new' } }]);
    expect(summary(nextMove(stuckGraph, status(incidentWorkflow, '2'), 'Reporter validation', new Set(['1', '2'])))).toBe('stuck');
  });

  it('learning a status again replaces what was known from it', () => {
    const once = learnFrom(statusesOnly, '1', offered(incidentWorkflow, '1'));
    const again = learnFrom(once, '1', [{ id: '12', name: 'Reject', to: { id: '6', name: 'Rejected', category: 'done' } }]);
    expect(again.transitions).toEqual([{ id: '12', name: 'Reject', from: ['1'], to: '6' }]);
    expect(again.knownFrom).toEqual(['1']);
    expect(learnFrom(again, '1', offered(incidentWorkflow, '1'))).toEqual(once);
  });
});

const CATEGORIES: StatusCategoryKey[] = ['new', 'indeterminate', 'done'];
const graphArb = fc
  .record({
    categories: fc.array(fc.constantFrom(...CATEGORIES), { minLength: 2, maxLength: 7 }),
    edges: fc.array(fc.tuple(fc.nat(6), fc.nat(6)), { maxLength: 20 }),
  })
  .map(({ categories, edges }): WorkflowGraph => {
    const statuses = categories.map((category, i) => ({ id: `s${i}`, name: `Status ${i}`, category }));
    const n = statuses.length;
    const seen = new Set<string>();
    const transitions = edges
      .map(([a, b]) => [a % n, b % n] as const)
      .filter(([a, b]) => a !== b && !seen.has(`${a}>${b}`) && seen.add(`${a}>${b}`))
      .map(([a, b], i) => ({ id: `t${i}`, name: `T${i}`, from: [`s${a}`], to: `s${b}` }));
    return { initialStatusId: 's0', statuses, transitions };
  });
const caseArb = graphArb.chain((graph) => fc.record({ graph: fc.constant(graph), from: fc.nat(graph.statuses.length - 1), to: fc.nat(graph.statuses.length - 1) }));

/** The engine's loop (src/forge/workflow/move-issue.ts) with Jira played by the true graph. */
function walk(truth: WorkflowGraph, start: LearnedWorkflow, from: string, targetName: string): { arrived: boolean; visited: string[] } {
  let learned = start;
  let at = status(truth, from);
  const visited = [at.id];
  for (let guard = 0; guard < 50; guard += 1) {
    const move = nextMove(learned, at, targetName, new Set(visited));
    if (move.kind === 'arrived') return { arrived: true, visited };
    if (move.kind === 'stuck') return { arrived: false, visited };
    if (move.kind === 'learn') {
      learned = learnFrom(learned, move.fromStatusId, offered(truth, move.fromStatusId));
      continue;
    }
    for (const step of move.kind === 'path' ? move.steps : [move.step]) {
      at = status(truth, step.toStatusId);
      visited.push(at.id);
    }
  }
  throw new Error('the walk did not end');
}

describe('properties', () => {
  it('on a fully learned workflow the engine takes exactly the path the incident plan puts in its transition-issue command', () => {
    const config: IncidentSyncConfig = DEFAULT_INCIDENT_SYNC_CONFIG;
    fc.assert(
      fc.property(caseArb, ({ graph, from, to }) => {
        const target = graph.statuses[to]!;
        const start = graph.statuses[from]!;
        const learned = fullyLearned(graph);
        const move = nextMove(learned, start, target.name, new Set([start.id]));
        const path = findTransitionPath(graphOf(learned, start.id), start.id, target.name);
        // The plan: an incident whose status maps to the target's name, planned on the same learned graph.
        const statuses = { ...config.statuses, impactToJira: { ...config.statuses.impactToJira, MITIGATING: target.name } };
        const plan = planImpactToJira({
          webhook: updated(incident({ status: 'MITIGATING' }), { status: { previous: 'OPEN' } }, '2025-11-19T10:15:00Z'),
          config: { ...config, statuses },
          link: { incidentId: 'INC-7', issueId: '10001', issueKey: 'INC-12', postMortem: null },
          jiraStatusId: start.id,
          workflow: graphOf(learned, start.id),
          users: [],
          guard: EMPTY_GUARD_STATE,
          now: Date.parse('2025-11-19T12:00:00Z'),
        });
        const planned = plan.commands.find((c) => c.kind === 'transition-issue');
        if (move.kind === 'path') {
          expect(path).toEqual({ ok: true, steps: move.steps });
          expect(planned).toMatchObject({ steps: move.steps });
        } else {
          expect(planned).toBeUndefined();
          if (move.kind === 'arrived') expect(start.id).toBe(target.id);
          else expect(path.ok).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('learning as it goes, the walk ends, passes no done status on the way, visits no status twice, and ends on the target when it says so', () => {
    fc.assert(
      fc.property(caseArb, ({ graph, from, to }) => {
        const target = graph.statuses[to]!;
        const result = walk(graph, withStatuses(EMPTY_LEARNED_WORKFLOW, graph.statuses), `s${from}`, target.name);
        expect(new Set(result.visited).size).toBe(result.visited.length);
        for (const id of result.visited.slice(1, -1)) expect(status(graph, id).category).not.toBe('done');
        if (result.arrived) expect(result.visited[result.visited.length - 1]).toBe(target.id);
        // Whenever the workflow has a path, a fully learned walk takes a shortest one.
        const shortest = findTransitionPath(graph, `s${from}`, target.name);
        const full = walk(graph, fullyLearned(graph), `s${from}`, target.name);
        expect(full.arrived).toBe(shortest.ok);
        if (shortest.ok) expect(full.visited.length - 1).toBe(shortest.steps.length);
      }),
      { numRuns: 300 },
    );
  });
});
