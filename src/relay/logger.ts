export type LogFields = Readonly<Record<string, string | number | boolean | null | undefined>>;

/** Structured logger; callers pass fields, never secrets or bodies. */
export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** One JSON line per entry, to the given writer (stderr in main.ts so stdout stays for the ready line). */
export function createJsonLogger(write: (line: string) => void, clock: () => number): Logger {
  const log = (level: string, message: string, fields?: LogFields) =>
    write(JSON.stringify({ time: new Date(clock()).toISOString(), level, message, ...fields }) + '\n');
  return {
    info: (m, f) => log('info', m, f),
    warn: (m, f) => log('warn', m, f),
    error: (m, f) => log('error', m, f),
  };
}

export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };
