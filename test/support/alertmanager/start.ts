import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findAlertmanagerBinary } from './binary';
import { FIXTURE_TIMINGS, renderAlertmanagerConfig, type RouteTimings, type SubRoute } from './config';
import { freeLoopbackPorts } from './ports';
import { spawnManaged, type ManagedProcess } from './process';
import { fetchWithTimeout, waitForValue, waitUntil } from './wait';

/** Gossip settings for HA replicas: short, so the cluster settles and dedups within a test. */
export interface ClusterTimings {
  readonly peerTimeout: string;
  readonly gossipInterval: string;
  readonly pushpullInterval: string;
  readonly settleTimeout: string;
  readonly reconnectInterval: string;
}

export const FAST_CLUSTER: ClusterTimings = {
  peerTimeout: '500ms',
  gossipInterval: '50ms',
  pushpullInterval: '1s',
  settleTimeout: '3s',
  reconnectInterval: '1s',
};

/** A body for Alertmanager's POST /api/v2/alerts (what Prometheus sends). */
export interface PostableAlert {
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly startsAt?: string;
  /** Omitted while firing (Alertmanager then shows `0001-01-01T00:00:00Z`); in the past to resolve. */
  readonly endsAt?: string;
  readonly generatorURL?: string;
}

export interface StartAlertmanagerOptions {
  /** Where the `bridge` receiver posts; a function gives each replica its own URL (e.g. a recorder path). */
  readonly webhookUrl: string | ((replica: number) => string);
  readonly bearerToken: string;
  readonly replicas?: 1 | 3;
  readonly timings?: Partial<RouteTimings>;
  readonly cluster?: Partial<ClusterTimings>;
  /** Gossip between replicas (HA dedup); default true for 3 replicas. False gives independent instances. */
  readonly clustered?: boolean;
  /** Parent of the temporary working directory (configs, storage, logs); os.tmpdir() by default. */
  readonly dataDir?: string;
  /** Shared `--web.external-url` (as behind one load balancer); each replica's own URL when omitted. */
  readonly externalUrl?: string;
  readonly binary?: string;
  readonly readyTimeoutMs?: number;
  readonly maxLifetimeSeconds?: number;
}

export interface RunningAlertmanager {
  /** Base URL of each replica, `http://127.0.0.1:<port>`. */
  readonly urls: readonly string[];
  readonly timings: RouteTimings;
  /** Null when clustering is disabled (a single instance, or `clustered: false`). */
  readonly cluster: ClusterTimings | null;
  /** Process-group ids, one per replica (the `timeout` wrapper that bounds each alertmanager's life). */
  readonly pids: readonly number[];
  /** Temporary directory holding every replica's config, storage and log; removed by stop(). */
  readonly workDir: string;
  /** Posts to /api/v2/alerts of every replica, as Prometheus does with an HA Alertmanager set. */
  postAlerts(alerts: readonly PostableAlert[]): Promise<void>;
  /**
   * Rewrites every replica's config with these child routes and reloads it (POST /-/reload, as `kill -HUP` does),
   * as an operator changing the routing tree does.
   */
  reload(subRoutes: readonly SubRoute[]): Promise<void>;
  /** Log tails of every replica, for failure messages. */
  logs(lines?: number): string;
  /** Kills every replica and removes the working directory. Safe to call twice. */
  stop(): Promise<void>;
}

export async function startAlertmanager(options: StartAlertmanagerOptions): Promise<RunningAlertmanager> {
  const binary = options.binary ?? findAlertmanagerBinary();
  const replicas = options.replicas ?? 1;
  const timings: RouteTimings = { ...FIXTURE_TIMINGS, ...options.timings };
  const cluster = replicas > 1 && options.clustered !== false ? { ...FAST_CLUSTER, ...options.cluster } : null;
  const workDir = mkdtempSync(join(options.dataDir ?? tmpdir(), 'alertmanager-e2e-'));
  // One draw for every port: two separate draws can each be distinct and still share a port (the kernel hands a
  // released port out again), which once gave replica 1's web port to replica 2's gossip (bind: address already in use).
  const ports = await freeLoopbackPorts(cluster ? 2 * replicas : replicas, cluster !== null);
  const webPorts = ports.slice(0, replicas);
  const clusterPorts = cluster ? ports.slice(replicas) : [];
  const urls = webPorts.map((port) => `http://127.0.0.1:${port}`);
  const processes: ManagedProcess[] = [];
  const killOnExit = (): void => processes.forEach((p) => p.killNow());
  process.once('exit', killOnExit);

  let stopped = false;
  const logs = (lines = 30): string => processes.map((p, i) => `--- alertmanager replica ${i} (pid ${p.pid}) ---\n${p.logTail(lines)}`).join('\n');
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    // One at a time: replicas told to stop together each wait for the others to ack their gossip leave.
    const failures: unknown[] = [];
    for (const p of processes) await p.stop(2_000).catch((error: unknown) => failures.push(error));
    process.removeListener('exit', killOnExit);
    rmSync(workDir, { recursive: true, force: true });
    if (failures.length > 0) throw new AggregateError(failures, 'some alertmanager replicas could not be stopped');
  };

  const writeConfig = (i: number, subRoutes: readonly SubRoute[]): string => {
    const dir = join(workDir, `replica-${i}`);
    const webhookUrl = typeof options.webhookUrl === 'function' ? options.webhookUrl(i) : options.webhookUrl;
    writeFileSync(join(dir, 'alertmanager.yml'), renderAlertmanagerConfig({ webhookUrl, bearerToken: options.bearerToken, timings, subRoutes }));
    return dir;
  };

  try {
    for (let i = 0; i < replicas; i++) {
      mkdirSync(join(workDir, `replica-${i}`, 'data'), { recursive: true });
      const dir = writeConfig(i, []);
      const args = [
        `--config.file=${join(dir, 'alertmanager.yml')}`,
        `--storage.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${webPorts[i]}`,
        `--web.external-url=${options.externalUrl ?? urls[i]}`,
        '--log.level=debug',
        ...clusterArgs(cluster, clusterPorts, i),
      ];
      processes.push(spawnManaged({ binary, args, cwd: dir, logFile: join(dir, 'alertmanager.log'), maxLifetimeSeconds: options.maxLifetimeSeconds ?? 300 }));
    }
    await waitReady(urls, processes, cluster !== null, options.readyTimeoutMs ?? 20_000, logs);
  } catch (error) {
    // The wait errors already carry the log tails; the processes and temp dir must not outlive the failure.
    await stop();
    throw error;
  }

  return {
    urls,
    timings,
    cluster,
    pids: processes.map((p) => p.pid),
    workDir,
    async postAlerts(alerts) {
      await Promise.all(urls.map((url) => postTo(url, alerts)));
    },
    async reload(subRoutes) {
      for (let i = 0; i < urls.length; i++) {
        writeConfig(i, subRoutes);
        const response = await fetchWithTimeout(`${urls[i]}/-/reload`, { method: 'POST' }, 5_000);
        if (!response.ok) throw new Error(`POST ${urls[i]}/-/reload: ${response.status} ${await response.text()}\n${logs(10)}`);
      }
    },
    logs,
    stop,
  };
}

function clusterArgs(cluster: ClusterTimings | null, ports: readonly number[], index: number): string[] {
  // An empty listen address disables clustering: a single instance must not wait for peers.
  if (!cluster) return ['--cluster.listen-address='];
  const own = ports[index];
  return [
    `--cluster.listen-address=127.0.0.1:${own}`,
    `--cluster.advertise-address=127.0.0.1:${own}`,
    ...ports.filter((_, i) => i !== index).map((port) => `--cluster.peer=127.0.0.1:${port}`),
    `--cluster.peer-timeout=${cluster.peerTimeout}`,
    `--cluster.gossip-interval=${cluster.gossipInterval}`,
    `--cluster.pushpull-interval=${cluster.pushpullInterval}`,
    `--cluster.settle-timeout=${cluster.settleTimeout}`,
    `--cluster.reconnect-interval=${cluster.reconnectInterval}`,
  ];
}

interface ClusterStatus {
  readonly cluster?: { readonly status?: string; readonly peers?: readonly unknown[] };
}

async function waitReady(urls: readonly string[], processes: readonly ManagedProcess[], clustered: boolean, timeoutMs: number, logs: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const remaining = (): number => Math.max(1, deadline - Date.now());
  const exited = (): string | undefined => {
    const dead = processes.findIndex((p) => p.exited());
    return dead >= 0 ? `alertmanager replica ${dead} exited during startup` : undefined;
  };
  for (const url of urls) {
    await waitUntil(
      async () => {
        return (await fetchWithTimeout(`${url}/-/ready`)).ok;
      },
      { timeoutMs: remaining(), what: `${url}/-/ready`, detail: logs, abortIf: exited },
    );
  }
  if (!clustered) return;
  // Notifications wait for the gossip to settle; tests should start only once every replica sees all peers.
  for (const url of urls) {
    await waitForValue(
      async () => {
        const status = (await (await fetchWithTimeout(`${url}/api/v2/status`)).json()) as ClusterStatus;
        return status.cluster?.status === 'ready' && status.cluster.peers?.length === urls.length ? true : undefined;
      },
      { timeoutMs: remaining(), intervalMs: 100, what: `${url} cluster ready with ${urls.length} peers`, detail: logs, abortIf: exited },
    );
  }
}

async function postTo(url: string, alerts: readonly PostableAlert[]): Promise<void> {
  const response = await fetchWithTimeout(`${url}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alerts) }, 5_000);
  if (!response.ok) throw new Error(`POST ${url}/api/v2/alerts: ${response.status} ${await response.text()}`);
}
