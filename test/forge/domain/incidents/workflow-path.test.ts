import fc from 'fast-check';
import { findTransitionPath, type WorkflowGraph, type StatusCategoryKey } from '../../../../src/forge/domain/workflow/workflow-path';
import { incidentWorkflow } from './fixtures';

const ids = (graph: WorkflowGraph, from: string, to: string) => {
  const r = findTransitionPath(graph, from, to);
  return r.ok ? r.steps.map((s) => s.transitionId) : r.reason;
};

describe('shortest transition path', () => {
  it.each([
    ['same status', '1', 'Incoming', []],
    ['one step', '3', 'Reporter validation', ['31']],
    ['multi-step, avoiding the done shortcut via Rejected', '1', 'Reporter validation', ['11', '21', '31']],
    ['case-insensitive target (seed spells "in progress")', '1', 'in progress', ['11', '21']],
    ['global transition to a done target', '3', 'Closed', ['99']],
    ['leaving a done start is allowed', '5', 'Incoming', ['51']],
    ['reopen then walk, never via another done status', '6', 'In Progress', ['61', '41']],
  ])('%s', (_name, from, to, expected) => {
    expect(ids(incidentWorkflow, from, to)).toEqual(expected);
  });

  it('reports no path with the transitions available from the current status', () => {
    const graph: WorkflowGraph = { ...incidentWorkflow, transitions: incidentWorkflow.transitions.filter((t) => t.id !== '21' && t.id !== '99') };
    const result = findTransitionPath(graph, '1', 'Reporter validation');
    expect(result).toEqual({
      ok: false,
      reason: 'no-path',
      fromStatusId: '1',
      target: 'Reporter validation',
      available: [
        { id: '11', name: 'Triage', toStatusId: '2', toStatusName: 'Pending resolution' },
        { id: '12', name: 'Reject', toStatusId: '6', toStatusName: 'Rejected' },
      ],
    });
  });

  it('reports an unknown target status', () => {
    expect(findTransitionPath(incidentWorkflow, '1', 'Resolved')).toMatchObject({ ok: false, reason: 'unknown-status' });
  });
});

/** Brute force: every simple path by DFS, shortest length, done statuses allowed only at the ends. */
function bruteForce(graph: WorkflowGraph, from: string, to: string): number | null {
  const target = graph.statuses.find((s) => s.name === to)!.id;
  if (target === from) return 0;
  const cat = new Map(graph.statuses.map((s) => [s.id, s.category]));
  let best: number | null = null;
  const walk = (at: string, seen: Set<string>, len: number) => {
    for (const t of graph.transitions) {
      if (!(t.from.length === 0 || t.from.includes(at)) || t.to === at || seen.has(t.to)) continue;
      if (t.to === target) {
        best = best === null ? len + 1 : Math.min(best, len + 1);
        continue;
      }
      if (cat.get(t.to) === 'done') continue;
      seen.add(t.to);
      walk(t.to, seen, len + 1);
      seen.delete(t.to);
    }
  };
  walk(from, new Set([from]), 0);
  return best;
}

const graphArb = fc.integer({ min: 2, max: 6 }).chain((n) => {
  const statusIds = Array.from({ length: n }, (_, i) => String(i + 1));
  return fc.record({
    categories: fc.array(fc.constantFrom<StatusCategoryKey>('new', 'indeterminate', 'done'), { minLength: n, maxLength: n }),
    transitions: fc.array(
      fc.record({ from: fc.oneof({ weight: 5, arbitrary: fc.subarray(statusIds, { minLength: 1, maxLength: 2 }) }, { weight: 1, arbitrary: fc.constant([] as string[]) }), to: fc.constantFrom(...statusIds) }),
      { maxLength: 12 },
    ),
    from: fc.constantFrom(...statusIds),
    to: fc.constantFrom(...statusIds),
  }).map(({ categories, transitions, from, to }) => ({
    graph: {
      initialStatusId: '1',
      statuses: statusIds.map((id, i) => ({ id, name: `S${id}`, category: categories[i]! })),
      transitions: transitions.map((t, i) => ({ id: `t${i}`, name: `T${i}`, from: t.from, to: t.to })),
    } satisfies WorkflowGraph,
    from,
    to: `S${to}`,
  }));
});

describe('shortest transition path (properties)', () => {
  it('is minimal, valid, and never has a done intermediate', () => {
    fc.assert(
      fc.property(graphArb, ({ graph, from, to }) => {
        const result = findTransitionPath(graph, from, to);
        const expected = bruteForce(graph, from, to);
        if (!result.ok) return expected === null;
        if (expected === null || result.steps.length !== expected) return false;
        let at = from;
        for (const [i, step] of result.steps.entries()) {
          const t = graph.transitions.find((x) => x.id === step.transitionId)!;
          if (!(t.from.length === 0 || t.from.includes(at)) || t.to !== step.toStatusId) return false;
          const isLast = i === result.steps.length - 1;
          if (!isLast && graph.statuses.find((s) => s.id === step.toStatusId)!.category === 'done') return false;
          at = step.toStatusId;
        }
        return graph.statuses.find((s) => s.id === at)!.name === to;
      }),
      { numRuns: 500 },
    );
  });
});
