import type { Outbox } from './outbox/outbox';

export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

export const CLI_USAGE = `usage: npm run relay                       serve (the default)
       npm run relay -- dead-letters      list dead letters (outbox failed), newest first, as JSON lines
       npm run relay -- requeue <id|all>  put one dead letter (or all) back in the forwarding queue`;

/**
 * The operator commands on the outbox RELAY_DB names; a running relay forwards re-queued events at its
 * next poll. Returns the process exit code.
 */
export async function runOutboxCommand(command: string, args: readonly string[], outbox: Outbox, io: CliIo): Promise<number> {
  switch (command) {
    case 'dead-letters': {
      const failed = await outbox.failed(10_000);
      for (const d of failed) io.out(JSON.stringify(d));
      io.err(`${failed.length} dead letter(s)`);
      return 0;
    }
    case 'requeue': {
      const [target, ...rest] = args;
      if (target === undefined || rest.length > 0) {
        io.err(CLI_USAGE);
        return 2;
      }
      const n = target === 'all' ? await outbox.requeueFailed() : await outbox.requeueFailed([target]);
      if (target !== 'all' && n === 0) {
        io.err(`no dead letter with id ${target}`);
        return 1;
      }
      io.out(`requeued ${n} dead letter(s)`);
      return 0;
    }
    default:
      io.err(CLI_USAGE);
      return 2;
  }
}
