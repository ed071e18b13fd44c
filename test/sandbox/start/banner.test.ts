/**
 * `npm start` (src/sandbox/main.ts, run as the script runs it, minus the UI build) prints where everything is
 * and where the tokens come from, never a token: terminals are shared, recorded and pasted into tickets.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

jest.setTimeout(60_000);

const ROOT = join(__dirname, '../../..');
const AM_TOKEN = 'am-token-4f1c9a7e2b6d8053';
const IMPACT_TOKEN = 'impact-token-91d2c7b05e3a';

test('the start banner names the token settings and prints no token value', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'bridge-banner-'));
  const child = spawn(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'src/sandbox/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, RELAY_PORT: '0', FORGE_HOST_PORT: '0', JIRA_SIM_PORT: '0', IMPACT_SIM_PORT: '0', SANDBOX_DATA_DIR: dataDir, ALERTMANAGER_TOKENS: `${AM_TOKEN},second-token-77aa`, IMPACT_API_TOKEN: IMPACT_TOKEN },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes('Ctrl-C stops everything.')) resolve();
      });
      child.on('exit', (code) => reject(new Error(`sandbox exited (${code}) before its banner: ${stderr.slice(-2000)}`)));
    });
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    rmSync(dataDir, { recursive: true, force: true });
  }
  expect(stdout).toContain('Incident Bridge sandbox is running');
  expect(stdout).toContain('ALERTMANAGER_TOKENS');
  expect(stdout).toContain('IMPACT_API_TOKEN');
  expect(stdout).toContain('$ALERTMANAGER_TOKEN');
  for (const secret of [AM_TOKEN, 'second-token-77aa', IMPACT_TOKEN]) {
    expect(stdout).not.toContain(secret);
    expect(stderr).not.toContain(secret);
  }
});
