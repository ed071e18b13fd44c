/**
 * Best-effort Jira writes (seed 004: "Field validation errors: skip invalid fields"). When Jira refuses a
 * create or edit with 400 naming fields (`errors: { field: message }`), those fields are dropped from the
 * write and it is sent again, so one refused custom field never costs the issue or the other fields. The
 * dropped fields are returned, with Jira's reason, for the delivery log and the panel.
 */
import type { JiraFailure, JiraResult } from '../ports/jira';

export interface DroppedField {
  readonly field: string;
  readonly reason: string;
}

/** `field: message` entries (jira-response.ts `jiraMessages`) naming fields of the write. */
export function refusedFields(failure: JiraFailure, sent: readonly string[]): DroppedField[] {
  if (failure.kind !== 'rejected' || failure.status !== 400) return [];
  return failure.jiraMessages.flatMap((line) => {
    const at = line.indexOf(': ');
    const field = at > 0 ? line.slice(0, at) : '';
    return sent.includes(field) ? [{ field, reason: line.slice(at + 2) }] : [];
  });
}

/** At most this many rounds of dropping: Jira names every invalid field of a request at once. */
const MAX_ROUNDS = 3;

/**
 * Sends `fields`; on a 400 naming some of them (never one of `keep`: the write makes no sense without
 * those), drops them and sends the rest again. `dropped` lists what was left out.
 */
export async function writeBestEffort<T>(
  fields: Readonly<Record<string, unknown>>,
  write: (fields: Readonly<Record<string, unknown>>) => Promise<JiraResult<T>>,
  keep: readonly string[] = [],
): Promise<{ readonly result: JiraResult<T>; readonly dropped: readonly DroppedField[] }> {
  let remaining: Record<string, unknown> = { ...fields };
  const dropped: DroppedField[] = [];
  for (let round = 1; ; round += 1) {
    const result = await write(remaining);
    if (result.ok || round >= MAX_ROUNDS) return { result, dropped };
    const refused = refusedFields(result.failure, Object.keys(remaining));
    if (refused.length === 0 || refused.some((r) => keep.includes(r.field))) return { result, dropped };
    const next = { ...remaining };
    for (const r of refused) delete next[r.field];
    if (Object.keys(next).length === 0) return { result, dropped };
    dropped.push(...refused);
    remaining = next;
  }
}
