/**
 * Connection tab, Impact part: where the app reaches the Impact API, saving it (admins only) and one test
 * call. The token is write-only: responses say 'set' / 'not set' and when it was saved.
 */
import { IMPACT_CONTRACT_VERSION, IMPACT_CONTRACT_VERSION_HEADER, ImpactApiPaths } from '../../../shared/impact';
import { SecretKeys } from '../../constants';
import { impactConnectionSchema } from '../../adapters/impact-api';
import { CONNECTION_TEST_INCIDENT_ID, checkImpactBaseUrl, interpretProbe, saveImpactInputSchema, type ImpactTestResult } from '../../domain/connection';
import type { JiraUserPort } from '../../ports/jira';
import type { SecretStore } from '../../ports/key-value-store';
import type { CallerContext } from './admin-check';
import {requireAdmin } from './connection-common';
import type { ImpactConnectionStatus } from './contract-connection';
import type { ResolverResult } from './contract';
import { invalidInput, invalidZodInput } from './resolver-errors';

export interface ImpactConnectionDeps {
  readonly secrets: SecretStore;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly userJira: JiraUserPort;
  readonly now: () => number;
  /** manifest.yml egress addresses (IMPACT_EGRESS_PATTERNS). */
  readonly egress: readonly string[];
  /** Only on the local Forge host: accept http(s) loopback URLs (the Impact simulator). */
  readonly allowLoopback: boolean;
  /** Forge's egress fetch. */
  readonly fetch: (url: string, init: RequestInit) => Promise<Response>;
}

const PROBE_TIMEOUT_MS = 10_000;

interface EffectiveConnection {
  readonly source: ImpactConnectionStatus['source'];
  readonly baseUrl: string | null;
  readonly token: string | null;
  readonly updatedAt: string | null;
}

/** Secret storage first, else env IMPACT_API_URL/IMPACT_API_TOKEN: the same order as resolveImpactConnection. */
async function effectiveConnection(deps: Pick<ImpactConnectionDeps, 'secrets' | 'env'>): Promise<EffectiveConnection> {
  const stored = impactConnectionSchema.safeParse(await deps.secrets.getSecret<unknown>(SecretKeys.impactApi));
  if (stored.success) return { source: 'secret-storage', baseUrl: stored.data.baseUrl, token: stored.data.token, updatedAt: stored.data.updatedAt ?? null };
  const fromEnv = impactConnectionSchema.safeParse({ baseUrl: deps.env['IMPACT_API_URL'], token: deps.env['IMPACT_API_TOKEN'] });
  if (fromEnv.success) return { source: 'environment', baseUrl: fromEnv.data.baseUrl, token: fromEnv.data.token, updatedAt: null };
  return { source: 'none', baseUrl: null, token: null, updatedAt: null };
}

export async function impactStatus(deps: Pick<ImpactConnectionDeps, 'secrets' | 'env'>): Promise<ImpactConnectionStatus> {
  const c = await effectiveConnection(deps);
  return { source: c.source, baseUrl: c.baseUrl, token: c.token ? 'set' : 'not set', updatedAt: c.updatedAt };
}

/** Stores `{baseUrl, token, updatedAt}` in the `impact-api` secret; an empty token keeps the current one. */
export async function saveImpactConnection(input: unknown, caller: CallerContext, deps: ImpactConnectionDeps): Promise<ResolverResult<ImpactConnectionStatus>> {
  const parsed = saveImpactInputSchema.safeParse(input ?? {});
  if (!parsed.success) return invalidZodInput(parsed.error);
  const url = checkImpactBaseUrl(parsed.data.baseUrl, deps.egress, deps.allowLoopback);
  if (!url.ok) return invalidInput([{ path: 'baseUrl', message: url.message }]);
  const denied = await requireAdmin(caller, deps.userJira);
  if (denied) return denied;
  const current = await effectiveConnection(deps);
  const token = parsed.data.token ? parsed.data.token : current.token;
  if (!token) return invalidInput([{ path: 'token', message: 'no token is stored yet; enter the Impact API token' }]);
  await deps.secrets.setSecret(SecretKeys.impactApi, { baseUrl: url.baseUrl, token, updatedAt: new Date(deps.now()).toISOString() });
  return { ok: true, value: await impactStatus(deps) };
}

/**
 * One GET of an incident id Impact never issues: 404 proves the URL reaches Impact and the token passed its
 * auth check (the contract checks the token first); 401/403 means the token was refused.
 */
export async function testImpactConnection(caller: CallerContext, deps: ImpactConnectionDeps): Promise<ResolverResult<ImpactTestResult>> {
  const denied = await requireAdmin(caller, deps.userJira);
  if (denied) return denied;
  const c = await effectiveConnection(deps);
  if (!c.baseUrl || !c.token) return { ok: true, value: { outcome: 'not-configured', message: 'no Impact API URL and token are set; save them first' } };
  let status: number;
  try {
    const response = await deps.fetch(`${c.baseUrl.replace(/\/+$/, '')}${ImpactApiPaths.incident(CONNECTION_TEST_INCIDENT_ID)}`, {
      method: 'GET',
      headers: { authorization: `Bearer ${c.token}`, accept: 'application/json', [IMPACT_CONTRACT_VERSION_HEADER]: String(IMPACT_CONTRACT_VERSION) },
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
    });
    status = response.status;
    await response.text().catch(() => '');
  } catch (error) {
    // Only the error's message: it names the host or the failure, never the request headers.
    return { ok: true, value: interpretProbe({ kind: 'network-error', message: error instanceof Error ? error.message : String(error) }) };
  }
  return { ok: true, value: interpretProbe({ kind: 'response', status }) };
}
