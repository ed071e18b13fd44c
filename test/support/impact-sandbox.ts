/**
 * One sandbox with its Jira and Impact simulators shared by a whole suite, for the incident-sync suites:
 * started in the suite's beforeAll, closed in its afterAll, plus the lookups those suites all make.
 */
import type { ResolverResult } from '../../src/forge/entry/resolvers/contract';
import { IncidentKeys, type IncidentRecord } from '../../src/forge/incidents/incident-store';
import type { ImpactSimulator } from '../../src/sandbox/impact-sim';
import { SANDBOX_USERS, type JiraSimulator } from '../../src/sandbox/jira-sim';
import type { Sandbox, SandboxOptions } from '../../src/sandbox/sandbox';
import { settleWithImpact, startTestSandbox, type TestSandbox } from './sandbox-harness';

export interface ImpactSuiteSandbox {
  /** The running sandbox; only inside hooks and tests (it starts in beforeAll). */
  readonly sandbox: Sandbox;
  readonly impact: ImpactSimulator;
  readonly jira: JiraSimulator;
  /** Until Impact's webhooks, the relay and the Forge queue are all quiet (`settleWithImpact`). */
  settleAll(): Promise<void>;
  /**
   * For end states that take the long way (Jira → trigger → Impact → webhook → relay → consumer): polls
   * `check` every 25 ms (at most 15 s, then fails naming `what`), then settles everything.
   */
  until(check: () => boolean | Promise<boolean>, what: string): Promise<void>;
  /** The app's KVS value stored under exactly `key`. */
  kvsValue<T>(key: string): T | undefined;
  /** The Jira issue the app linked to this Impact incident; throws when there is none. */
  issueKeyOf(incidentId: string): string;
  /** A settings-page resolver called as alice (admin of OPS) through the Forge host; throws when the call fails. */
  settingsResolver<T>(functionKey: string, payload?: Record<string, unknown>): Promise<T>;
  /** Calls an issue panel resolver on `issueKey` as `user`, the way the panel's bridge does. */
  panelResolver<T>(functionKey: string, issueKey: string, payload?: Record<string, unknown>, user?: keyof typeof SANDBOX_USERS): Promise<ResolverResult<T>>;
}

/** Registers the beforeAll/afterAll that start and close the suite's sandbox; call at the top of a test file. */
export function impactSandboxForSuite(overrides: Partial<SandboxOptions> = {}): ImpactSuiteSandbox {
  let running: TestSandbox | undefined;
  beforeAll(async () => {
    running = await startTestSandbox(overrides);
  });
  afterAll(async () => {
    await running?.close();
  });

  const sandbox = (): Sandbox => {
    if (!running) throw new Error('the suite sandbox is not running (use it inside hooks and tests)');
    return running.sandbox;
  };
  const settleAll = (): Promise<void> => settleWithImpact(sandbox());
  const kvsValue = <T>(key: string): T | undefined => {
    const page = sandbox().forge.kvs.query(key, 20, undefined);
    if (!page.ok) throw new Error(page.failure.message);
    return page.value.items.find((item) => item.key === key)?.value as T | undefined;
  };

  return {
    get sandbox() {
      return sandbox();
    },
    get impact() {
      const impact = sandbox().impact;
      if (!impact) throw new Error('this sandbox runs no Impact simulator');
      return impact;
    },
    get jira() {
      const jira = sandbox().jira;
      if (!jira) throw new Error('this sandbox runs against a real Jira site');
      return jira;
    },
    settleAll,
    async until(check, what) {
      const deadline = Date.now() + 15_000;
      while (!(await check())) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 25));
      }
      await settleAll();
    },
    kvsValue,
    issueKeyOf(incidentId) {
      const record = kvsValue<IncidentRecord>(IncidentKeys.record(incidentId));
      if (!record?.link) throw new Error(`${incidentId} has no Jira issue`);
      return record.link.issueKey;
    },
    async settingsResolver<T>(functionKey: string, payload: Record<string, unknown> = {}): Promise<T> {
      const response = await sandbox().forge.request(
        new Request('http://host.local/api/invoke/bridge-settings', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forge-account-id': SANDBOX_USERS.alice.accountId },
          body: JSON.stringify({ functionKey, payload, extension: { project: { key: 'OPS', id: '10000' } } }),
        }),
      );
      const json = (await response.json()) as { ok: boolean; result?: T; error?: { message: string } };
      if (!json.ok) throw new Error(`resolver ${functionKey} failed: ${json.error?.message}`);
      return json.result as T;
    },
    async panelResolver<T>(functionKey: string, issueKey: string, payload: Record<string, unknown> = {}, user: keyof typeof SANDBOX_USERS = 'alice'): Promise<ResolverResult<T>> {
      const response = await fetch(`${sandbox().urls.forgeHost}/api/invoke/bridge-issue-panel`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forge-account-id': SANDBOX_USERS[user].accountId },
        body: JSON.stringify({ functionKey, payload, extension: { issue: { key: issueKey }, project: { key: issueKey.split('-')[0] } } }),
      });
      const body = (await response.json()) as { ok: boolean; result?: ResolverResult<T>; error?: { message?: string } };
      if (!body.ok || !body.result) throw new Error(`${functionKey}: ${body.error?.message ?? response.status}`);
      return body.result;
    },
  };
}
