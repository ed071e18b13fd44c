/**
 * The sync's JQL. JQL date literals have no zone: Jira reads them in the searching user's time zone
 * (for an app, the app user's profile zone, from GET /myself), so the instant is rendered in that zone.
 * Dates have minute precision, so the instant is floored to the minute: the window only ever grows.
 */
export const DEFAULT_LOOKBACK_MS = 15 * 60_000;

/** Quotes a JQL string literal. */
export function jqlQuote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** `yyyy-MM-dd HH:mm` of an instant as seen in an IANA time zone (unknown zones fall back to UTC). */
export function formatJqlDate(instantMs: number, timeZone: string): string {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  } catch {
    format = new Intl.DateTimeFormat('en-CA', { timeZone: 'UTC', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  }
  const parts = Object.fromEntries(format.formatToParts(new Date(instantMs)).map((p) => [p.type, p.value]));
  return `${parts['year']}-${parts['month']}-${parts['day']} ${parts['hour']}:${parts['minute']}`;
}

export interface SyncJqlInput {
  readonly projectKey: string;
  /** Start of the last complete sync; undefined means a full sync. */
  readonly sinceMs: number | undefined;
  readonly lookbackMs: number;
  readonly timeZone: string;
}

/** `project = KEY [AND updated >= "<since - lookback>"] ORDER BY updated ASC, key ASC`. */
export function buildSyncJql(input: SyncJqlInput): string {
  const project = `project = ${jqlQuote(input.projectKey)}`;
  const window = input.sinceMs === undefined ? '' : ` AND updated >= ${jqlQuote(formatJqlDate(input.sinceMs - input.lookbackMs, input.timeZone))}`;
  return `${project}${window} ORDER BY updated ASC`;
}
