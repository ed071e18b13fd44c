export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

type Level = 'info' | 'warn' | 'error';
const RANK: Record<Level, number> = { info: 0, warn: 1, error: 2 };

/** The Forge variable BRIDGE_LOG_LEVEL (info by default) is read per call, so a redeploy is not needed. */
function enabled(level: Level): boolean {
  // Read through globalThis: this module is also bundled into the Custom UI pages, where there is no process.
  const configured = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.['BRIDGE_LOG_LEVEL'];
  const threshold: Level = configured === 'warn' || configured === 'error' ? configured : 'info';
  return RANK[level] >= RANK[threshold];
}

/** Forge collects console output as the app's logs. */
export const consoleLogger: Logger = {
  info: (message, fields) => enabled('info') && console.log(JSON.stringify({ level: 'info', message, ...fields })),
  warn: (message, fields) => enabled('warn') && console.warn(JSON.stringify({ level: 'warn', message, ...fields })),
  error: (message, fields) => enabled('error') && console.error(JSON.stringify({ level: 'error', message, ...fields })),
};
