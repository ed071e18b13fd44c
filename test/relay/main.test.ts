import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { relayBatchSchema } from '../../src/shared/relay-envelope';
import { verifySignature } from '../../src/shared/signing';
import { fixture, startFakeWebTrigger, type FakeWebTrigger } from './helpers';

/** The real entry point as the sandbox and the bench start it: `npx tsx src/relay/main.ts`. */
describe('relay main.ts', () => {
  let dir: string;
  let trigger: FakeWebTrigger;
  let child: ChildProcess | undefined;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'relay-main-'));
    trigger = await startFakeWebTrigger();
  });
  afterEach(async () => {
    // npx → tsx → node: signal the whole process group this test started.
    if (child?.pid) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    await trigger.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts, accepts a webhook, forwards it signed, and exits cleanly on SIGTERM', async () => {
    child = spawn('npx', ['tsx', 'src/relay/main.ts'], {
      cwd: resolve(__dirname, '../..'),
      env: { ...process.env, RELAY_PORT: '0', RELAY_DB: join(dir, 'relay.sqlite'), WEBTRIGGER_URL: trigger.url, RELAY_SIGNING_KEYS: 'kid1:main-test-signing-secret' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const proc = child;
    let stderr = '';
    proc.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    const baseUrl = await new Promise<string>((done, fail) => {
      let out = '';
      const timer = setTimeout(() => fail(new Error(`no ready line; stderr: ${stderr}`)), 25_000);
      proc.stdout?.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /^relay listening on (http:\/\/127\.0\.0\.1:\d+)$/m.exec(out);
        if (m?.[1]) {
          clearTimeout(timer);
          done(m[1]);
        }
      });
    });
    const res = await fetch(`${baseUrl}/v1/alertmanager`, {
      method: 'POST',
      headers: { authorization: 'Bearer dev-alertmanager-token', 'content-type': 'application/json' },
      body: fixture('01-checkout-first-firing.json'),
    });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    const deadline = Date.now() + 10_000;
    while (trigger.requests.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const [req] = trigger.requests;
    expect(relayBatchSchema.parse(JSON.parse(req?.body ?? '')).events.map((e) => e.id)).toEqual([id]);
    const check = verifySignature([{ id: 'kid1', secret: 'main-test-signing-secret' }], {
      signature: req?.headers['x-bridge-signature'] as string,
      timestamp: req?.headers['x-bridge-timestamp'] as string,
      keyId: req?.headers['x-bridge-key-id'] as string,
      rawBody: req?.body ?? '',
      nowSeconds: Math.floor(Date.now() / 1000),
    });
    expect(check.ok).toBe(true);
    expect(stderr).not.toContain('main-test-signing-secret');
    await new Promise<void>((done) => {
      proc.once('exit', () => done());
      process.kill(-(proc.pid ?? 0), 'SIGTERM');
    });
    // The relay itself (a grandchild) stops listening after a graceful shutdown.
    const stopDeadline = Date.now() + 10_000;
    let listening = true;
    while (listening && Date.now() < stopDeadline) {
      listening = await fetch(`${baseUrl}/healthz`).then(
        () => true,
        () => false,
      );
      if (listening) await new Promise((r) => setTimeout(r, 50));
    }
    expect(listening).toBe(false);
    // The line was written before the server closed, but the pipe may deliver it after the refused connection.
    const logDeadline = Date.now() + 5_000;
    while (!stderr.includes('relay stopping') && Date.now() < logDeadline) await new Promise((r) => setTimeout(r, 20));
    expect(stderr).toContain('relay stopping');
  }, 45_000);
});
