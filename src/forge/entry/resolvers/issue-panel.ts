import { z } from 'zod';
import { loadProblems, withMirror } from '../../alerts/problem-store';
import type { KeyValueStore } from '../../ports/key-value-store';
import type { IssueAlertGroup, ResolverResult } from './contract';

/**
 * The issue panel's data: the alert problem an issue was created for. The issue names its problem in the
 * `incident-bridge-problem` entity property (read as the user, so Jira decides whether they may see it);
 * the app's problem state holds the alerts as last seen.
 */
export interface IssuePanelDeps {
  readonly store: KeyValueStore;
  /** The issue's problem property, or null when it has none (not an alert issue). */
  readonly readProblemProperty: (issueKey: string) => Promise<unknown>;
}

const propertySchema = z.object({
  problemKey: z.string().min(1).max(500),
  source: z.literal('alertmanager'),
  grouping: z.enum(['fingerprint', 'group']),
  identity: z.string().max(20_000),
  ruleId: z.string().max(64),
});

/** The issue comes from the module's context (Forge signs it), never from the payload. */
export function issueKeyOf(context: unknown): string | undefined {
  const c = (typeof context === 'object' && context !== null ? context : {}) as { extension?: { issue?: { key?: unknown } } };
  const key = c.extension?.issue?.key;
  return typeof key === 'string' && /^[A-Z][A-Z0-9_]+-\d+$/.test(key) ? key : undefined;
}

export async function getIssueAlertGroup(issueKey: string | undefined, deps: IssuePanelDeps): Promise<ResolverResult<IssueAlertGroup | null>> {
  if (!issueKey) return { ok: false, error: { code: 'invalid-input', message: 'open the panel on an issue' } };
  const raw = await deps.readProblemProperty(issueKey);
  if (raw === null || raw === undefined) return { ok: true, value: null };
  const property = propertySchema.safeParse(raw);
  if (!property.success) return { ok: true, value: null };
  const loaded = (await loadProblems(deps.store, [property.data.problemKey])).get(property.data.problemKey);
  const record = loaded?.record;
  const state = record ? withMirror(record.state, loaded.mirror) : undefined;
  const alerts = Object.entries(state?.alerts ?? {})
    .map(([fingerprint, seen]) => ({ fingerprint, status: seen.status, startsAt: seen.startsAt, endsAt: seen.endsAt }))
    .sort((a, b) => (a.status === b.status ? a.fingerprint.localeCompare(b.fingerprint) : a.status === 'firing' ? -1 : 1));
  return {
    ok: true,
    value: {
      issueKey,
      problemKey: property.data.problemKey,
      grouping: property.data.grouping,
      identity: property.data.identity,
      ruleId: property.data.ruleId,
      currentIssueKey: state?.issue?.key ?? null,
      statusCategory: state?.issue?.statusCategory ?? null,
      previousIssueKeys: state?.previousIssueKeys ?? [],
      firstSeen: state?.firstSeen ?? null,
      lastSeen: state?.updatedAt ?? null,
      alerts,
    },
  };
}
