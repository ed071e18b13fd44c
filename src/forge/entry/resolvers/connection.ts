/**
 * Connection tab: relay web trigger and signing keys. Reads are open to anyone who can open the settings page;
 * rotating or retiring a key needs ADMINISTER_PROJECTS in the page's project. No response carries a secret.
 */
import { StorageKeys } from '../../constants';
import { loadSigningKeySet, saveSigningKeys } from '../../adapters/signing-keys';
import {
  MAX_SIGNING_KEYS,
  keyViews,
  lastRotatedAt,
  relayActivity,
  retireInputSchema,
  retireKey,
  rotateInputSchema,
  rotateKeys,
  type KeyChange,
  type LastReceivedRecord,
  type RejectedBatchRecord,
  type StoredSigningKey,
} from '../../domain/connection';
import type { JiraUserPort } from '../../ports/jira';
import type { KeyValueStore, SecretStore } from '../../ports/key-value-store';
import type { CallerContext } from './admin-check';
import {requireAdmin } from './connection-common';
import { impactStatus } from './connection-impact';
import type { ConnectionStatus, SigningStatus } from './contract-connection';
import type { ResolverResult } from './contract';
import { invalidZodInput } from './resolver-errors';

export interface ConnectionStatusDeps {
  readonly store: KeyValueStore;
  readonly secrets: SecretStore;
  readonly env: NodeJS.ProcessEnv;
  readonly webTriggerUrl: () => Promise<string | null>;
}

export interface SigningResolverDeps {
  readonly store: KeyValueStore;
  readonly secrets: SecretStore;
  readonly env: NodeJS.ProcessEnv;
  readonly userJira: JiraUserPort;
  readonly now: () => number;
}

const SOURCES = ['alertmanager', 'impact', 'jira'] as const;

async function lastReceivedRecords(store: KeyValueStore): Promise<Map<string, LastReceivedRecord>> {
  return store.getMany<LastReceivedRecord>(SOURCES.map((s) => StorageKeys.lastReceived(s)));
}

async function signingStatusOf(deps: Pick<SigningResolverDeps, 'store' | 'secrets' | 'env'>, records?: Map<string, LastReceivedRecord>): Promise<{ status: SigningStatus; keys: readonly StoredSigningKey[] }> {
  const set = await loadSigningKeySet(deps.secrets, deps.env);
  const activity = relayActivity([...(records ?? (await lastReceivedRecords(deps.store))).values()]);
  const rejected = await deps.store.get<RejectedBatchRecord>(StorageKeys.lastRejectedBatch);
  return {
    keys: set.keys,
    status: {
      source: set.source,
      keys: keyViews(set.keys, activity),
      lastRotatedAt: lastRotatedAt(set.keys),
      relayKeyId: activity.relayKeyId,
      lastAcceptedAt: activity.lastAcceptedAt,
      lastRejected: rejected ? { at: rejected.at, reason: rejected.reason, keyId: rejected.keyId } : null,
      maxKeys: MAX_SIGNING_KEYS,
    },
  };
}

export async function getConnectionStatus(deps: ConnectionStatusDeps): Promise<ConnectionStatus> {
  const records = await lastReceivedRecords(deps.store);
  const { status: signing } = await signingStatusOf(deps, records);
  const run = await deps.store.get<{ ranAt: string }>(StorageKeys.lastScheduledRun('project-sync'));
  const receivedAt = (source: (typeof SOURCES)[number]) => records.get(StorageKeys.lastReceived(source))?.receivedAt ?? null;
  return {
    webTriggerUrl: await deps.webTriggerUrl(),
    signing,
    impact: await impactStatus(deps),
    lastReceived: { alertmanager: receivedAt('alertmanager'), impact: receivedAt('impact'), jira: receivedAt('jira') },
    lastScheduledRun: run?.ranAt ?? null,
  };
}

async function applyKeyChange(change: KeyChange, deps: SigningResolverDeps): Promise<ResolverResult<SigningStatus>> {
  if (!change.ok) {
    const problems = [{ path: change.path, message: change.message }];
    return { ok: false, error: { code: change.code, message: change.message, problems } };
  }
  // Keys from the Forge variable move into secret storage with the change, so every key keeps verifying.
  await saveSigningKeys(deps.secrets, change.keys);
  return { ok: true, value: (await signingStatusOf(deps)).status };
}

/** Adds a key first in the list (the relay's next key); older keys stay valid until retired. */
export async function rotateSigningKey(input: unknown, caller: CallerContext, deps: SigningResolverDeps): Promise<ResolverResult<SigningStatus>> {
  const parsed = rotateInputSchema.safeParse(input ?? {});
  if (!parsed.success) return invalidZodInput(parsed.error);
  const denied = await requireAdmin(caller, deps.userJira);
  if (denied) return denied;
  const { keys } = await signingStatusOf(deps);
  return applyKeyChange(rotateKeys(keys, parsed.data, new Date(deps.now()).toISOString()), deps);
}

/** Removes a key; never the last one, nor the one the relay signed its newest accepted batch with. */
export async function retireSigningKey(input: unknown, caller: CallerContext, deps: SigningResolverDeps): Promise<ResolverResult<SigningStatus>> {
  const parsed = retireInputSchema.safeParse(input ?? {});
  if (!parsed.success) return invalidZodInput(parsed.error);
  const denied = await requireAdmin(caller, deps.userJira);
  if (denied) return denied;
  const { keys, status } = await signingStatusOf(deps);
  return applyKeyChange(retireKey(keys, parsed.data.keyId, status.relayKeyId), deps);
}
