/**
 * Connection tab, Impact part: where the app reaches the Impact API, saving it (admins only) and one test
 * call. The token is write-only: responses say 'set' / 'not set' and when it was saved.
 */
import { IMPACT_CONTRACT_VERSION, IMPACT_CONTRACT_VERSION_HEADER, ImpactApiPaths } from '../../../shared/impact';
import { SecretKeys } from '../../constants';
import { lookupImpactConnection } from '../../adapters/impact-api';
import { CONNECTION_TEST_INCIDENT_ID, checkImpactBaseUrl, interpretProbe, saveImpactInputSchema, type ImpactTestResult } from '../../domain/connection';
import type { JiraUserPort } from '../../ports/jira';
import type { SecretStore } from '../../ports/key-value-store';
import { requireSettingsAdmin, type CallerContext } from './admin-check';
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

export async function impactStatus(deps: Pick<ImpactConnectionDeps, 'secrets' | 'env'>): Promise<ImpactConnectionStatus> {
  const c = await lookupImpactConnection(deps);
  return { source: c.source, baseUrl: c.baseUrl, token: c.token ? 'set' : 'not set', updatedAt: c.updatedAt };
}

/** Stores `{baseUrl, token, updatedAt}` in the `impact-api` secret; an empty token keeps the current one. */
export async function saveImpactConnection(input: unknown, caller: CallerContext, deps: ImpactConnectionDeps): Promise<ResolverResult<ImpactConnectionStatus>> {
  const parsed = saveImpactInputSchema.safeParse(input ?? {});
  if (!parsed.success) return invalidZodInput(parsed.error);
  const url = checkImpactBaseUrl(parsed.data.baseUrl, deps.egress, deps.allowLoopback);
  if (!url.ok) return invalidInput([{ path: 'baseUrl', message: url.message }]);
  const denied = await requireSettingsAdmin(deps.userJira, caller);
  if (denied) return denied;
  const current = await lookupImpactConnection(deps);
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
  const denied = await requireSettingsAdmin(deps.userJira, caller);
  if (denied) return denied;
  const c = await lookupImpactConnection(deps);
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
