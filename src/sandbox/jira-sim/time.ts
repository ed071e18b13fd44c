const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** Jira's timestamp format, always in UTC here: `2026-11-23T06:14:48.106+0000`. */
export function jiraTimestamp(ms: number): string {
  const d = new Date(ms);
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}` +
    `T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}+0000`
  );
}

/** `yyyy-MM-dd` for date-only fields such as the resolution date's day. */
export function jiraDate(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}
