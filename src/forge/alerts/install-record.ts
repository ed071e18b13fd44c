import { z } from 'zod';
import { StorageKeys } from '../constants';
import type { Clock } from '../ports/clock';
import type { JiraFailure, JiraPort } from '../ports/jira';
import type { KeyValueStore } from '../ports/key-value-store';
import type { Logger } from '../ports/logger';

/**
 * How the app knows its state was lost. A reinstall starts with empty app storage ("data from the previous
 * installation is not automatically restored" [D forge storage-reference]) while Jira keeps the issues and
 * their `incident-bridge-problem` property. On `avi:forge:installed:app` the app asks Jira once whether such
 * issues exist: if they do, the KVS state of their problems is gone, and each problem that has no record is
 * looked up by its property once, before its first create (the kept `creating:` marker then says it was).
 * A site with no earlier issues (a first install), or an install that predates this record, looks nothing up:
 * in steady state a first fire costs one Jira call.
 */
const installRecordSchema = z.object({
  installedAt: z.string(),
  stateLost: z.boolean(),
  /**
   * How problems were keyed when this install began: `rule-labels` (rule + group labels, not Alertmanager's groupKey).
   * KVS starts empty on install, so such an install holds no record under an old groupKey-based key and never
   * looks one up (one KVS read less for each new problem). Absent on installs made before: they still carry over.
   */
  problemIdentity: z.literal('rule-labels').optional(),
});
export type InstallRecord = z.infer<typeof installRecordSchema>;

export interface InstallDeps {
  readonly store: KeyValueStore;
  readonly jira: Pick<JiraPort, 'hasProblemIssues'>;
  readonly clock: Clock;
  readonly logger: Logger;
}

export async function recordInstall(deps: InstallDeps): Promise<{ readonly ok: true; readonly record: InstallRecord } | { readonly ok: false; readonly failure: JiraFailure }> {
  const found = await deps.jira.hasProblemIssues();
  if (!found.ok) return found;
  const record: InstallRecord = { installedAt: new Date(deps.clock.now()).toISOString(), stateLost: found.value, problemIdentity: 'rule-labels' };
  await deps.store.set(StorageKeys.installRecord, record);
  deps.logger.info('app installed', { stateLost: record.stateLost });
  return { ok: true, record };
}

/** The install record, or undefined for an install that predates it. */
export async function readInstallRecord(store: KeyValueStore): Promise<InstallRecord | undefined> {
  const parsed = installRecordSchema.safeParse(await store.get(StorageKeys.installRecord));
  return parsed.success ? parsed.data : undefined;
}

/** True when the install found issues of an earlier install: problems without a record must be looked up. */
export async function stateWasLost(store: KeyValueStore): Promise<boolean> {
  return (await readInstallRecord(store))?.stateLost ?? false;
}
