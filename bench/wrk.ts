/**
 * The relay's max-throughput phase driven by wrk (Debian package `wrk`, a C load generator). On a 2-core machine a
 * Node load generator (autocannon) takes one core for itself, so its figure measures the pair; wrk needs a fraction
 * of a core and leaves the relay the rest, as a load balancer or Alertmanager fleet on other machines would.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PhaseResult } from './relay';

interface WrkSummary {
  readonly requests: number;
  readonly durationUs: number;
  readonly non2xx: number;
  readonly socketErrors: number;
  readonly p50Us: number;
  readonly p99Us: number;
  readonly maxUs: number;
}

/** Each request is the fixture plus a unique `benchId`, so every one is a new durable outbox row. */
function script(fixturePath: string, token: string): string {
  return `
local f = assert(io.open(${JSON.stringify(fixturePath)}, "r"))
local prefix = f:read("*a"):gsub("%s+$", ""):sub(1, -2)
f:close()
local counter = 0
local thread_id = 0
function setup(thread)
  thread_id = thread_id + 1
  thread:set("tid", thread_id)
end
function request()
  counter = counter + 1
  local body = prefix .. ',"benchId":"wrk-' .. tostring(tid) .. '-' .. counter .. '"}'
  return wrk.format("POST", "/v1/alertmanager", { ["authorization"] = "Bearer ${token}", ["content-type"] = "application/json" }, body)
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRK-RESULT {"requests":%d,"durationUs":%d,"non2xx":%d,"socketErrors":%d,"p50Us":%d,"p99Us":%d,"maxUs":%d}\\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
`;
}

export async function wrkPhase(name: string, baseUrl: string, options: { fixturePath: string; token: string; connections: number; durationSeconds: number; workDir: string }): Promise<PhaseResult> {
  const scriptPath = join(options.workDir, 'relay-bench.lua');
  writeFileSync(scriptPath, script(options.fixturePath, options.token));
  const args = ['-t1', `-c${options.connections}`, `-d${options.durationSeconds}s`, '-s', scriptPath, baseUrl];
  // Asynchronous: the fake web trigger lives in this process and must keep answering the relay's forwarder.
  const stdout = await new Promise<string>((resolve, reject) =>
    execFile('wrk', args, { timeout: (options.durationSeconds + 30) * 1000 }, (error, out) => (error ? reject(error) : resolve(out))),
  );
  const line = stdout.split('\n').find((l) => l.startsWith('WRK-RESULT '));
  if (!line) throw new Error(`wrk printed no result:\n${stdout}`);
  const s = JSON.parse(line.slice('WRK-RESULT '.length)) as WrkSummary;
  const seconds = s.durationUs / 1e6;
  const acks = s.requests - s.non2xx;
  return {
    name,
    connections: options.connections,
    targetRate: null,
    durationSeconds: Math.round(seconds * 10) / 10,
    acks,
    acksPerSecond: Math.round(acks / seconds),
    non2xx: s.non2xx,
    errors: s.socketErrors,
    latencyP50Ms: Math.round(s.p50Us / 100) / 10,
    latencyP99Ms: Math.round(s.p99Us / 100) / 10,
    latencyMaxMs: Math.round(s.maxUs / 100) / 10,
  };
}
