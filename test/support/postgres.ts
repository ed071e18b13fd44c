/**
 * A real PostgreSQL for tests: initdb on a temp dir, `postgres` on a free loopback port, trust auth for the
 * `relay` role. PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user (Debian's
 * package creates it) or `nobody`, owning the temp dir. Binaries come from PATH or /usr/lib/postgresql/<v>/bin
 * (Debian's `postgresql` package does not put initdb on PATH); scripts/ensure-system-packages.sh installs it.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { freeTcpPort } from './free-port';

export interface TestPostgres {
  /** postgres://relay@127.0.0.1:<port>/relay */
  readonly url: string;
  readonly port: number;
  /** A fresh database on this server (one per test keeps tests independent). */
  createDatabase(name: string): Promise<string>;
  /** Stops the server (fast shutdown) and starts it again on the same port and data. */
  restart(downMs?: number): Promise<void>;
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

export function findPostgresBin(name: 'initdb' | 'postgres'): string {
  const fromPath = (process.env['PATH'] ?? '').split(':').map((dir) => join(dir, name)).find((p) => existsSync(p));
  if (fromPath) return fromPath;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) {
    const candidate = join(root, v, 'bin', name);
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`PostgreSQL's ${name} not found on PATH or in /usr/lib/postgresql/*/bin: run scripts/ensure-system-packages.sh (Debian package postgresql)`);
}

/** The unprivileged user to run PostgreSQL as when we are root. */
function runAsUser(): { name: string; uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const name of ['postgres', 'nobody']) {
    try {
      const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
      return { name, uid, gid };
    } catch {
      // Next candidate.
    }
  }
  throw new Error('running as root and neither a postgres nor a nobody user exists to run PostgreSQL');
}

function command(user: { name: string } | undefined, bin: string, args: readonly string[]): [string, string[]] {
  return user ? ['runuser', ['-u', user.name, '--', bin, ...args]] : [bin, [...args]];
}

async function untilConnects(url: string, child: ChildProcess, log: () => string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`postgres exited (${child.exitCode}): ${log()}`);
    const client = new Client({ connectionString: url, connectionTimeoutMillis: 1000 });
    try {
      await client.connect();
      await client.end();
      return;
    } catch {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) throw new Error(`postgres did not accept connections: ${log()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

export async function startTestPostgres(): Promise<TestPostgres> {
  const initdb = findPostgresBin('initdb');
  const postgres = findPostgresBin('postgres');
  const user = runAsUser();
  const dir = mkdtempSync(join(tmpdir(), 'relay-pg-'));
  const data = join(dir, 'data');
  if (user) {
    chownSync(dir, user.uid, user.gid);
    chmodSync(dir, 0o700);
  }
  const [initCmd, initArgs] = command(user, initdb, ['-D', data, '-U', 'relay', '-A', 'trust', '-E', 'UTF8', '--no-locale', '--no-instructions']);
  execFileSync(initCmd, initArgs, { stdio: 'pipe' });
  const port = await freeTcpPort();
  const base = `postgres://relay@127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let log = '';

  async function start(): Promise<void> {
    log = '';
    const [cmd, args] = command(user, postgres, ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200']);
    const proc = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    proc.stdout?.on('data', (c: Buffer) => (log += c.toString()));
    proc.stderr?.on('data', (c: Buffer) => (log += c.toString()));
    await untilConnects(`${base}/postgres`, proc, () => log);
  }

  async function stop(): Promise<void> {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    // SIGINT to the postmaster itself (runuser does not forward it): fast shutdown, clients disconnected.
    const pidFile = join(data, 'postmaster.pid');
    const postmaster = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').split('\n')[0]) : NaN;
    if (Number.isInteger(postmaster) && postmaster > 0) process.kill(postmaster, 'SIGINT');
    else proc.kill('SIGINT');
    await exited;
  }

  await start();
  const admin = `${base}/postgres`;
  return {
    url: `${base}/relay`,
    port,
    async createDatabase(name) {
      const client = new Client({ connectionString: admin });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${name.replace(/"/g, '')}"`);
      } finally {
        await client.end();
      }
      return `${base}/${name}`;
    },
    async restart(downMs = 0) {
      await stop();
      if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
      await start();
    },
    stop,
    start,
    async close() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
