/**
 * Weeks as the site's people see them: Monday 00:00 to Monday 00:00 in the site's time zone (the app user's
 * profile zone, read from `/myself`), keyed by that Monday's local date. Pure: zone rules come from Intl.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric', weekday: 'short', hourCycle: 'h23' });
    formatters.set(timeZone, f);
  }
  return f;
}

const WEEKDAY: Readonly<Record<string, number>> = { Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6 };
const DAY = 86_400_000;

/** A local calendar day as a UTC midnight (ms), so calendar arithmetic never meets a zone offset. */
function localDay(ms: number, timeZone: string): { dayMs: number; weekday: number } {
  let year = 0;
  let month = 0;
  let day = 0;
  let weekday = 0;
  for (const part of formatter(timeZone).formatToParts(ms)) {
    if (part.type === 'year') year = Number(part.value);
    else if (part.type === 'month') month = Number(part.value);
    else if (part.type === 'day') day = Number(part.value);
    else if (part.type === 'weekday') weekday = WEEKDAY[part.value] ?? 0;
  }
  return { dayMs: Date.UTC(year, month - 1, day), weekday };
}

/**
 * Every zone offset in use since 1970 is a multiple of 15 minutes, so a local day never changes inside a
 * 15-minute slice of UTC: the week of each slice is computed once (Intl is slow for 50,000 issues).
 */
const SLICE = 15 * 60_000;
const weekCache = new Map<string, Map<number, string>>();

/** `YYYY-MM-DD` of the local Monday starting the week that contains `ms` in `timeZone`. */
export function localWeekStart(ms: number, timeZone: string): string {
  let cache = weekCache.get(timeZone);
  if (!cache) {
    cache = new Map();
    weekCache.set(timeZone, cache);
  }
  const slice = Math.floor(ms / SLICE);
  const cached = cache.get(slice);
  if (cached !== undefined) return cached;
  const { dayMs, weekday } = localDay(slice * SLICE, timeZone);
  const week = new Date(dayMs - weekday * DAY).toISOString().slice(0, 10);
  if (cache.size > 200_000) cache.clear();
  cache.set(slice, week);
  return week;
}

/** Every week key from `first` to `last` (inclusive, both Mondays as `YYYY-MM-DD`), one per 7 calendar days. */
export function weeksBetween(first: string, last: string): string[] {
  const out: string[] = [];
  const end = Date.parse(`${last}T00:00:00Z`);
  for (let t = Date.parse(`${first}T00:00:00Z`); t <= end; t += 7 * DAY) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

/** True when Intl knows the zone. */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}
