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
  type RelayActivity,
  type SigningKeySource,
  type StoredSigningKey,
} from '../../domain/connection';
import type { JiraUserPort } from '../../ports/jira';
import type { KeyValueStore, SecretStore } from '../../ports/key-value-store';
import { requireSettingsAdmin, type CallerContext } from './admin-check';
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

/** What the relay's records say: read once per call and combined with whichever key set the call ends with. */
interface RelayRecords {
  readonly activity: RelayActivity;
  readonly rejected: RejectedBatchRecord | undefined;
}

async function relayRecords(store: KeyValueStore, records: Map<string, LastReceivedRecord>): Promise<RelayRecords> {
  return { activity: relayActivity([...records.values()]), rejected: await store.get<RejectedBatchRecord>(StorageKeys.lastRejectedBatch) };
}

function signingStatus(source: SigningKeySource, keys: readonly StoredSigningKey[], relay: RelayRecords): SigningStatus {
  const { activity, rejected } = relay;
  return {
    source,
    keys: keyViews(keys, activity),
    lastRotatedAt: lastRotatedAt(keys),
    relayKeyId: activity.relayKeyId,
    lastAcceptedAt: activity.lastAcceptedAt,
    lastRejected: rejected ? { at: rejected.at, reason: rejected.reason, keyId: rejected.keyId } : null,
    maxKeys: MAX_SIGNING_KEYS,
  };
}

export async function getConnectionStatus(deps: ConnectionStatusDeps): Promise<ConnectionStatus> {
  const records = await lastReceivedRecords(deps.store);
  const set = await loadSigningKeySet(deps.secrets, deps.env);
  const signing = signingStatus(set.source, set.keys, await relayRecords(deps.store, records));
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

/** The current keys and relay records, each read once, for a rotate or retire. */
async function loadForChange(deps: SigningResolverDeps): Promise<{ keys: readonly StoredSigningKey[]; relay: RelayRecords }> {
  const set = await loadSigningKeySet(deps.secrets, deps.env);
  return { keys: set.keys, relay: await relayRecords(deps.store, await lastReceivedRecords(deps.store)) };
}

async function applyKeyChange(change: KeyChange, relay: RelayRecords, deps: SigningResolverDeps): Promise<ResolverResult<SigningStatus>> {
  if (!change.ok) {
    const problems = [{ path: change.path, message: change.message }];
    return { ok: false, error: { code: change.code, message: change.message, problems } };
  }
  // Keys from the Forge variable move into secret storage with the change, so every key keeps verifying.
  await saveSigningKeys(deps.secrets, change.keys);
  // The answer is built from what was just saved (secret storage now wins), not read back.
  return { ok: true, value: signingStatus('secret-storage', change.keys, relay) };
}

/** Adds a key first in the list (the relay's next key); older keys stay valid until retired. */
export async function rotateSigningKey(input: unknown, caller: CallerContext, deps: SigningResolverDeps): Promise<ResolverResult<SigningStatus>> {
  const parsed = rotateInputSchema.safeParse(input ?? {});
  if (!parsed.success) return invalidZodInput(parsed.error);
  const denied = await requireSettingsAdmin(deps.userJira, caller);
  if (denied) return denied;
  const { keys, relay } = await loadForChange(deps);
  return applyKeyChange(rotateKeys(keys, parsed.data, new Date(deps.now()).toISOString()), relay, deps);
}

/** Removes a key; never the last one, nor the one the relay signed its newest accepted batch with. */
export async function retireSigningKey(input: unknown, caller: CallerContext, deps: SigningResolverDeps): Promise<ResolverResult<SigningStatus>> {
  const parsed = retireInputSchema.safeParse(input ?? {});
  if (!parsed.success) return invalidZodInput(parsed.error);
  const denied = await requireSettingsAdmin(deps.userJira, caller);
  if (denied) return denied;
  const { keys, relay } = await loadForChange(deps);
  return applyKeyChange(retireKey(keys, parsed.data.keyId, relay.activity.relayKeyId), relay, deps);
}
