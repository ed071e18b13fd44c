import { z } from 'zod';
import { recordInstall, type InstallDeps } from '../../alerts/install-record';
import type { RetryRequest } from '../../delivery/retry-policy';
import { describeJiraFailure } from '../../ports/jira';

/** The fields of Forge's `avi:forge:installed:app` event the app reads [D events-reference/life-cycle]. */
const appInstalledEventSchema = z.object({ eventType: z.literal('avi:forge:installed:app') }).loose();

export type AppInstalledResult = { readonly kind: 'recorded'; readonly stateLost: boolean } | { readonly kind: 'ignored' } | { readonly kind: 'retry'; readonly retry: RetryRequest };

/**
 * trigger `app-installed`: note whether Jira already holds issues of an earlier install (install-record.ts).
 * When Jira cannot answer, the event asks to be retried (Forge retries a trigger that returns an InvocationError).
 */
export async function handleAppInstalled(input: unknown, deps: InstallDeps): Promise<AppInstalledResult> {
  if (!appInstalledEventSchema.safeParse(input).success) {
    deps.logger.warn('app-installed trigger got another event');
    return { kind: 'ignored' };
  }
  const result = await recordInstall(deps);
  if (result.ok) return { kind: 'recorded', stateLost: result.record.stateLost };
  deps.logger.warn('could not check Jira for issues of an earlier install', { reason: describeJiraFailure(result.failure) });
  const rateLimited = result.failure.kind === 'rate-limited';
  return { kind: 'retry', retry: { retryAfterSeconds: rateLimited ? Math.max(1, result.failure.retryAfterSeconds) : 30, reason: rateLimited ? 'upstream-rate-limited' : 'retry', retryData: { done: [] } } };
}
