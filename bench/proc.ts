/**
 * What the relay bench reads from Linux's /proc: CPU time, peak RSS, and where a phase's time went (which thread ran,
 * which waited for a core, how much of the machine stayed idle). The parsers are pure and tested
 * (test/bench/proc.test.ts); the readers around them tolerate threads and processes ending while they look.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Kernel clock ticks per second for /proc/<pid>/stat and /proc/stat times (`getconf CLK_TCK`; 100 on Linux). */
const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** The fields after `(comm)` of a /proc/<pid>/stat line: comm may hold spaces and parentheses, so split after the last ')'. */
function statFields(stat: string): string[] {
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** utime + stime ticks of a /proc/<pid>[/task/<tid>]/stat line (proc(5): fields 14 and 15). */
export function parseStatCpuTicks(stat: string): number {
  const fields = statFields(stat);
  return Number(fields[11]) + Number(fields[12]);
}

/** The parent pid of a /proc/<pid>/stat line (field 4). */
export function parseStatParent(stat: string): number {
  return Number(statFields(stat)[1]);
}

/** A thread's /proc/<pid>/task/<tid>/schedstat: nanoseconds on a CPU, and waiting on a run queue for one. */
export interface SchedTimes {
  readonly runNs: number;
  readonly waitNs: number;
}

export function parseSchedstat(text: string): SchedTimes {
  const [run, wait] = text.trim().split(/\s+/).map(Number);
  if (run === undefined || wait === undefined || !Number.isFinite(run) || !Number.isFinite(wait)) throw new Error(`unexpected schedstat: ${text}`);
  return { runNs: run, waitNs: wait };
}

/** /proc/stat: ticks all CPUs spent idle (idle + iowait) and in total (its first line), over `cpus` CPUs (its cpuN lines). */
export interface MachineTicks {
  readonly idle: number;
  readonly total: number;
  readonly cpus: number;
}

export function parseProcStatCpu(text: string): MachineTicks {
  const line = text.split('\n', 1)[0] ?? '';
  const [label, ...values] = line.trim().split(/\s+/);
  if (label !== 'cpu' || values.length < 4) throw new Error(`unexpected /proc/stat: ${line}`);
  const ticks = values.map(Number);
  // user nice system idle iowait irq softirq steal; guest time is already counted in user.
  const counted = ticks.slice(0, 8);
  const cpus = text.split('\n').filter((l) => /^cpu\d+\s/.test(l)).length;
  return { idle: (ticks[3] ?? 0) + (ticks[4] ?? 0), total: counted.reduce((a, b) => a + b, 0), cpus };
}

function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    // The thread or process ended while we looked.
    return undefined;
  }
}

/**
 * CPU milliseconds (user + system) the process has used so far, summed over its threads (the outbox worker and
 * libuv's pool included). On a machine shared with other work this is the figure that moves least: acks/s
 * falls when other processes take the cores, CPU per ack much less.
 */
export function cpuMs(pid: number): number {
  let ticks = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    const stat = readOrUndefined(`/proc/${pid}/task/${tid}/stat`);
    if (stat !== undefined) ticks += parseStatCpuTicks(stat);
  }
  return (ticks * 1000) / CLK_TCK;
}

/** Peak RSS over the child's process tree (npx → tsx → node): the relay is the largest. */
export function peakRssMb(rootPid: number): number {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readOrUndefined(`/proc/${entry}/stat`);
    if (stat !== undefined) parents.set(Number(entry), parseStatParent(stat));
  }
  const tree = new Set([rootPid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, ppid] of parents) {
      if (tree.has(ppid) && !tree.has(pid)) {
        tree.add(pid);
        grew = true;
      }
    }
  }
  let peakKb = 0;
  for (const pid of tree) {
    const match = /VmHWM:\s+(\d+) kB/.exec(readOrUndefined(`/proc/${pid}/status`) ?? '');
    peakKb = Math.max(peakKb, Number(match?.[1] ?? 0));
  }
  return Math.round((peakKb / 1024) * 10) / 10;
}

export interface ShareSnapshot {
  readonly atNs: bigint;
  readonly threads: ReadonlyMap<string, SchedTimes>;
  readonly machine: MachineTicks;
}

function snapshot(pid: number): ShareSnapshot {
  const threads = new Map<string, SchedTimes>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    const text = readOrUndefined(`/proc/${pid}/task/${tid}/schedstat`);
    if (text !== undefined) threads.set(tid, parseSchedstat(text));
  }
  return { atNs: process.hrtime.bigint(), threads, machine: parseProcStatCpu(readFileSync('/proc/stat', 'utf8')) };
}

/** Where a phase's wall time went, each as a share of one core (1 = one core for the whole phase). */
export interface CpuShares {
  /** The process's main thread: the relay's request thread (HTTP, validation, the SQLite accept). */
  readonly requestThreadRun: number;
  /** Time the request thread was ready to run but waited for a core (another thread or process had both). */
  readonly requestThreadWait: number;
  /** Every other thread of the process (forwarder, outbox worker, libuv pool, V8 GC helpers). */
  readonly otherThreadsRun: number;
  /** Idle time of the whole machine, in cores (of `cores`, the CPUs /proc/stat counts the idle time over). */
  readonly machineIdle: number;
  readonly cores: number;
}

/** Shares between two snapshots of one process; threads that started in between count from zero. */
export function sharesBetween(pid: number, before: ShareSnapshot, after: ShareSnapshot): CpuShares {
  const wallNs = Number(after.atNs - before.atNs);
  const main = String(pid);
  let requestRun = 0;
  let requestWait = 0;
  let others = 0;
  for (const [tid, now] of after.threads) {
    const then = before.threads.get(tid) ?? { runNs: 0, waitNs: 0 };
    if (tid === main) {
      requestRun = now.runNs - then.runNs;
      requestWait = now.waitNs - then.waitNs;
    } else {
      others += now.runNs - then.runNs;
    }
  }
  const machineTotal = after.machine.total - before.machine.total;
  const idleFraction = machineTotal > 0 ? (after.machine.idle - before.machine.idle) / machineTotal : 0;
  return {
    requestThreadRun: requestRun / wallNs,
    requestThreadWait: requestWait / wallNs,
    otherThreadsRun: others / wallNs,
    machineIdle: idleFraction * after.machine.cpus,
    cores: after.machine.cpus,
  };
}

/** Runs `phase` and says where the process's and the machine's time went meanwhile. */
export async function measureShares<T>(pid: number, phase: () => Promise<T>): Promise<{ result: T; shares: CpuShares }> {
  const before = snapshot(pid);
  const result = await phase();
  return { result, shares: sharesBetween(pid, before, snapshot(pid)) };
}

const pct = (share: number) => `${Math.round(share * 100)}%`;

/** One line for the bench output. */
export function describeShares(shares: CpuShares): string {
  return (
    `request thread on a core ${pct(shares.requestThreadRun)} of the time, ready but waiting for a core ${pct(shares.requestThreadWait)}; ` +
    `other threads ${pct(shares.otherThreadsRun)} of a core; machine idle ${pct(shares.machineIdle)} of a core (of ${shares.cores})`
  );
}
