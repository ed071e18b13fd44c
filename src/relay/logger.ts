import pino from 'pino';

export type LogFields = Readonly<Record<string, string | number | boolean | null | undefined>>;

/** Structured logger; callers pass fields, never bodies. */
export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/**
 * Field names whose values never reach a log line, at the top level or one object down (pino's redact,
 * applied to every entry): credentials of the webhooks, the web trigger signing keys, the database URL
 * (it may carry a password).
 */
export const REDACTED_FIELDS = [
  'authorization',
  'Authorization',
  'cookie',
  'secret',
  'secrets',
  'token',
  'tokens',
  'password',
  'signingKeys',
  'alertmanagerTokens',
  'impactSecrets',
  'databaseUrl',
  'x-hub-signature-256',
  'x-bridge-signature',
] as const;
const REDACT_PATHS = REDACTED_FIELDS.flatMap((f) => [`[${JSON.stringify(f)}]`, `*[${JSON.stringify(f)}]`]);

/**
 * One JSON line per entry (pino), to the given writer (stderr in main.ts so stdout stays for the ready
 * line): `{"level":"info","time":"…","message":"…",…fields}`.
 */
export function createJsonLogger(write: (line: string) => void, clock: () => number, level: 'info' | 'warn' | 'error' = 'info'): Logger {
  const log = pino(
    {
      level,
      base: undefined,
      messageKey: 'message',
      timestamp: () => `,"time":"${new Date(clock()).toISOString()}"`,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    },
    { write },
  );
  return {
    info: (m, f) => log.info(f ?? {}, m),
    warn: (m, f) => log.warn(f ?? {}, m),
    error: (m, f) => log.error(f ?? {}, m),
  };
}

export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };
