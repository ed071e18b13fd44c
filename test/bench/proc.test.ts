import { describeShares, parseProcStatCpu, parseSchedstat, parseStatCpuTicks, parseStatParent, sharesBetween, type ShareSnapshot } from '../../bench/proc';

// Lines as Linux prints them (taken from this project's CI machine), with the fields the parsers read changed.
const STAT = '16249 (cat) R 16247 16247 7834 0 -1 4194304 101 0 0 0 37 5 0 0 20 0 1 0 4127322 3133440 390 18446744073709551615 0';
const STAT_ODD_COMM = '42 (node (worker) 1) S 7 42 7 0 -1 4194304 101 0 0 0 1200 300 0 0 20 0 11 0 4127322 3133440 390 18446744073709551615 0';
const PROC_STAT = 'cpu  4407772 95099 740734 2793721 47729 0 79520 4073 11 0\ncpu0 2203886 47549 370367 1396860 23864 0 39760 2036 0 0\n';

describe('bench /proc parsers', () => {
  it('reads utime + stime and the parent of a stat line, whatever its comm holds', () => {
    expect(parseStatCpuTicks(STAT)).toBe(42);
    expect(parseStatParent(STAT)).toBe(16247);
    expect(parseStatCpuTicks(STAT_ODD_COMM)).toBe(1500);
    expect(parseStatParent(STAT_ODD_COMM)).toBe(7);
  });

  it('reads run and run-queue wait nanoseconds from schedstat', () => {
    expect(parseSchedstat('203524308 20258277 538\n')).toEqual({ runNs: 203524308, waitNs: 20258277 });
    expect(() => parseSchedstat('')).toThrow(/schedstat/);
    expect(() => parseSchedstat('12 x 3')).toThrow(/schedstat/);
  });

  it('counts idle + iowait as idle, and the first eight columns as the total (guest time is inside user)', () => {
    expect(parseProcStatCpu(PROC_STAT)).toEqual({
      idle: 2793721 + 47729,
      total: 4407772 + 95099 + 740734 + 2793721 + 47729 + 0 + 79520 + 4073,
      cpus: 1,
    });
    expect(parseProcStatCpu(PROC_STAT + 'cpu1 1 2 3 4 5 6 7 8 0 0\nintr 1 2\n').cpus).toBe(2);
    expect(() => parseProcStatCpu('intr 1 2 3\n')).toThrow(/proc\/stat/);
  });
});

describe('sharesBetween', () => {
  const snap = (atMs: number, threads: Record<string, [number, number]>, idle: number, total: number, cpus = 2): ShareSnapshot => ({
    atNs: BigInt(atMs) * 1_000_000n,
    threads: new Map(Object.entries(threads).map(([tid, [runMs, waitMs]]) => [tid, { runNs: runMs * 1e6, waitNs: waitMs * 1e6 }])),
    machine: { idle, total, cpus },
  });

  it('splits the wall time into the main thread, the other threads and the idle machine', () => {
    const before = snap(1_000, { '100': [500, 50], '101': [100, 0], '102': [10, 0] }, 1_000, 10_000);
    // 10 s later: main ran 8 s and waited 1 s; 101 ran 3 s; 103 started meanwhile and ran 0.5 s; 102 ended (gone).
    const after = snap(11_000, { '100': [8_500, 1_050], '101': [3_100, 0], '103': [500, 0] }, 1_500, 12_000);
    const shares = sharesBetween(100, before, after);
    expect(shares.requestThreadRun).toBeCloseTo(0.8);
    expect(shares.requestThreadWait).toBeCloseTo(0.1);
    expect(shares.otherThreadsRun).toBeCloseTo(0.35);
    // 500 of 2,000 ticks idle on 2 cores = half a core.
    expect(shares.machineIdle).toBeCloseTo(0.5);
    expect(describeShares(shares)).toBe(
      'request thread on a core 80% of the time, ready but waiting for a core 10%; other threads 35% of a core; machine idle 50% of a core (of 2)',
    );
  });

  it('reads no idle time when the machine counters did not move', () => {
    const s = snap(0, { '7': [0, 0] }, 10, 10, 4);
    expect(sharesBetween(7, s, { ...s, atNs: 1_000_000n }).machineIdle).toBe(0);
  });
});
