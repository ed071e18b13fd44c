import { incidentResponseTimes, incidentTiming, type IncidentTimingInput } from '../../../../src/forge/domain/people';

const T = Date.UTC(2026, 0, 5, 9, 0, 0);
const at = (h: number) => new Date(T + h * 3_600_000).toISOString();
const inc = (id: string, priority: 1 | 2 | 3 | 4 | 5, steps: [string, number][]): IncidentTimingInput => ({
  id,
  priority,
  created_at: at(0),
  status: steps.at(-1)![0] as IncidentTimingInput['status'],
  status_history: steps.map(([status, h]) => ({ status: status as IncidentTimingInput['status'], at: at(h) })),
});

describe('incidentTiming', () => {
  it.each<[string, IncidentTimingInput, number | null, number | null]>([
    ['acknowledged when it leaves OPEN, resolved when mitigated', inc('a', 1, [['OPEN', 0], ['INVESTIGATING', 0.5], ['MITIGATED', 3], ['CLOSED', 10]]), 0.5, 3],
    ['still open: no resolution', inc('b', 1, [['OPEN', 0], ['MITIGATING', 2]]), 2, null],
    ['never acknowledged', inc('c', 2, [['OPEN', 0]]), null, null],
    ['reopened: resolved at its latest resolution', inc('d', 2, [['OPEN', 0], ['INVESTIGATING', 1], ['MITIGATED', 2], ['OPEN', 5], ['MITIGATED', 8], ['POST_MORTEM', 9]]), 1, 8],
    ['reopened and open now: no resolution', inc('e', 2, [['OPEN', 0], ['MITIGATED', 2], ['INVESTIGATING', 5]]), 2, null],
    ['opened straight into INVESTIGATING: acknowledged at creation', inc('f', 3, [['INVESTIGATING', 0], ['CLOSED', 4]]), 0, 4],
  ])('%s', (_n, incident, ack, resolve) => {
    expect(incidentTiming(incident)).toMatchObject({ ackHours: ack, resolveHours: resolve });
  });
});

describe('incidentResponseTimes', () => {
  it('groups by priority, P1 first, with mean and nearest-rank percentiles', () => {
    const result = incidentResponseTimes(
      [inc('a', 2, [['OPEN', 0], ['INVESTIGATING', 1], ['MITIGATED', 4]]), inc('b', 1, [['OPEN', 0], ['INVESTIGATING', 0.25]]), inc('c', 2, [['OPEN', 0], ['INVESTIGATING', 3], ['CLOSED', 10]])],
      T - 1,
      T + 1,
    );
    expect(result.byPriority.map((p) => p.priority)).toEqual([1, 2]);
    expect(result.byPriority[0]).toMatchObject({ incidents: 1, open: 1, acknowledge: { issues: 1, meanHours: 0.25 }, resolve: { issues: 0, meanHours: undefined } });
    expect(result.byPriority[1]).toMatchObject({ incidents: 2, open: 0, acknowledge: { meanHours: 2, p50Hours: 1, p85Hours: 3 }, resolve: { meanHours: 7, p50Hours: 4, p85Hours: 10 } });
  });
});
