import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { settlesWithin } from './wait';

/** One spawned Alertmanager, in its own process group, logging to a file. */
export interface ManagedProcess {
  readonly pid: number;
  readonly logFile: string;
  exited(): boolean;
  /** Last lines of its log, for error messages. */
  logTail(lines?: number): string;
  /** SIGTERM the group, SIGKILL it after `graceMs`; resolves once the process has exited. */
  stop(graceMs?: number): Promise<void>;
  /** Synchronous last resort (process 'exit' handler). */
  killNow(): void;
}

export interface SpawnOptions {
  readonly binary: string;
  readonly args: readonly string[];
  readonly logFile: string;
  readonly cwd: string;
  /** Upper bound on the process's life even if this Node process dies without cleaning up. */
  readonly maxLifetimeSeconds: number;
}

export function spawnManaged(options: SpawnOptions): ManagedProcess {
  const fd = openSync(options.logFile, 'a');
  let child: ChildProcess;
  try {
    // coreutils `timeout` bounds the lifetime (no strays if jest's worker is killed hard); `detached`
    // makes a process group we can signal as a whole (timeout + alertmanager).
    child = spawn('timeout', ['--kill-after=5', String(options.maxLifetimeSeconds), options.binary, ...options.args], {
      cwd: options.cwd,
      detached: true,
      stdio: ['ignore', fd, fd],
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    });
  } finally {
    closeSync(fd);
  }
  let hasExited = false;
  const exitedPromise = new Promise<void>((resolve) => {
    const done = (): void => {
      hasExited = true;
      resolve();
    };
    child.once('exit', done);
    child.once('error', done);
  });
  child.unref();
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not spawn timeout ${options.binary}`);

  const signalGroup = (signal: NodeJS.Signals): void => {
    try {
      process.kill(-pid, signal);
    } catch {
      // group already gone
    }
  };

  return {
    pid,
    logFile: options.logFile,
    exited: () => hasExited,
    logTail(lines = 30) {
      try {
        return readFileSync(options.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
      } catch {
        return '(no log)';
      }
    },
    async stop(graceMs = 5_000) {
      if (!hasExited) signalGroup('SIGTERM');
      const exitedInTime = await settlesWithin(exitedPromise, graceMs);
      // Always signal the group once more: `timeout` may have exited while alertmanager lingers.
      signalGroup('SIGKILL');
      if (!exitedInTime && !(await settlesWithin(exitedPromise, 2_000))) throw new Error(`process group ${pid} survived SIGKILL`);
    },
    killNow() {
      signalGroup('SIGKILL');
    },
  };
}
