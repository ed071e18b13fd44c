import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { runOutboxCommand } from '../../src/relay/cli';
import { openInProcessOutbox } from '../../src/relay/outbox/in-process';
import { T0, tempOutbox, type TempOutbox } from './helpers';

const run = promisify(execFile);

describe('operator commands: dead-letters, requeue <id|all>', () => {
  let temp: TempOutbox;
  let out: string[];
  let err: string[];
  const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l) };
  beforeEach(() => {
    temp = tempOutbox();
    out = [];
    err = [];
  });
  afterEach(() => temp.cleanup());

  async function deadLetters(n: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const r = await temp.outbox.accept({ source: 'impact', receivedMs: T0 + i, groupKey: `impact:${i}`, bodyJson: JSON.stringify({ i }), dedup: { key: `k${i}`, windowMs: 1000 } });
      ids.push(r.id);
    }
    await temp.outbox.markFailed(ids, 'http-422: event cannot be queued', T0);
    return ids;
  }

  it('lists dead letters as JSON lines and re-queues one by id, leaving the others', async () => {
    const [a, b] = await deadLetters(2);
    expect(await runOutboxCommand('dead-letters', [], temp.outbox, io)).toBe(0);
    expect(out.map((l) => (JSON.parse(l) as { id: string; reason: string; groupKey: string }).id).sort()).toEqual([a, b].sort());
    out = [];
    expect(await runOutboxCommand('requeue', [b ?? ''], temp.outbox, io)).toBe(0);
    expect(out).toEqual(['requeued 1 dead letter(s)']);
    expect((await temp.outbox.pending(10)).map((e) => e.id)).toEqual([b]);
    expect((await temp.outbox.failed(10)).map((e) => e.id)).toEqual([a]);
  });

  it('re-queues all, and fails (exit 1) for an unknown id and (exit 2) for bad usage', async () => {
    await deadLetters(3);
    expect(await runOutboxCommand('requeue', ['NOT-A-DEAD-LETTER'], temp.outbox, io)).toBe(1);
    expect(err).toEqual(['no dead letter with id NOT-A-DEAD-LETTER']);
    expect(await runOutboxCommand('requeue', [], temp.outbox, io)).toBe(2);
    expect(await runOutboxCommand('requeue', ['all'], temp.outbox, io)).toBe(0);
    expect(out).toEqual(['requeued 3 dead letter(s)']);
    expect(await temp.outbox.stats()).toMatchObject({ pending: 3, failed: 0 });
  });

  it('works from the real entry point on the RELAY_DB file: `relay requeue all`', async () => {
    await deadLetters(2);
    await temp.outbox.close();
    const { stdout } = await run('npx', ['tsx', 'src/relay/main.ts', 'requeue', 'all'], { cwd: resolve(__dirname, '../..'), env: { ...process.env, RELAY_DB: temp.path } });
    expect(stdout.trim()).toBe('requeued 2 dead letter(s)');
    const again = openInProcessOutbox({ path: temp.path });
    expect(await again.stats()).toMatchObject({ pending: 2, failed: 0 });
    await again.close();
  }, 30_000);
});
