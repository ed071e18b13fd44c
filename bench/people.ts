/**
 * `npm run bench -- people`: the user directory at scale, against the Jira and Impact simulators in process with
 * the real adapters: one run over 10,000 Jira users and 10,000 Impact people (calls, and time modelled at 50 ms per
 * KVS call and 150 ms per Jira or Impact call), then a page of either list, a manual match and the incident sync's
 * commander lookup with real 50 ms sleeps per KVS call.
 */
import { createJiraUserDirectoryPort } from '../src/forge/adapters/jira-users-rest';
import { createImpactDirectoryPort } from '../src/forge/adapters/impact-directory-api';
import { getUserDirectory, type PeopleResolverDeps } from '../src/forge/entry/resolvers/people';
import { directoryVerdict } from '../src/forge/people/directory-store';
import { applyManualChange } from '../src/forge/people/manual-match';
import { runUserDirectory } from '../src/forge/people/run-directory';
import type { KeyValueStore, StoredEntry } from '../src/forge/ports/key-value-store';
import type { Logger } from '../src/forge/ports/logger';
import { createImpactSimulator } from '../src/sandbox/impact-sim';
import { createJiraSimulator, seedSandboxSite } from '../src/sandbox/jira-sim';
import { InMemoryStore } from '../test/support/in-memory-store';

const PEOPLE = 10_000;
const KVS_MS = 50;
const REMOTE_MS = 150;
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined } as unknown as Logger;

/** Counts Forge-shaped KVS calls; `sleepMs` > 0 sleeps that long per call for real. */
function meteredStore(inner: KeyValueStore, sleepMs: number): { store: KeyValueStore; calls: () => number; reset: () => void } {
  let calls = 0;
  const wait = async (n: number) => {
    calls += n;
    if (sleepMs > 0) await new Promise((resolve) => setTimeout(resolve, n * sleepMs));
  };
  const store: KeyValueStore = {
    get: async <T>(key: string) => (await wait(1), inner.get<T>(key)),
    getMany: async <T>(keys: readonly string[]) => (await wait(Math.ceil(keys.length / 20)), inner.getMany<T>(keys)),
    set: async <T>(key: string, value: T, o?: { ttlSeconds?: number }) => (await wait(1), inner.set(key, value, o)),
    setMany: async <T>(entries: readonly StoredEntry<T>[]) => (await wait(Math.ceil(entries.length / 20)), inner.setMany(entries)),
    setIfAbsent: async <T>(key: string, value: T, o?: { ttlSeconds?: number }) => (await wait(1), inner.setIfAbsent(key, value, o)),
    delete: async (key: string) => (await wait(1), inner.delete(key)),
    listByPrefix: async <T>(prefix: string, page: { limit: number; cursor?: string | undefined }) => (await wait(1), inner.listByPrefix<T>(prefix, page)),
  };
  return { store, calls: () => calls, reset: () => (calls = 0) };
}

export async function benchPeople(): Promise<void> {
  const clock = { now: () => Date.now() };
  const jiraSim = createJiraSimulator({ now: clock.now, rateLimits: false });
  seedSandboxSite(jiraSim);
  const token = 'bench-token-0123456789';
  const impactSim = createImpactSimulator({ webhookSecret: 'bench-secret', apiTokens: [{ token, client: 'incident-bridge' }], sleep: async () => undefined });
  // 80 % of the people are in both; every tenth Jira user hides the email (matched by name); 1 % namesakes.
  for (let i = 0; i < PEOPLE; i += 1) {
    const n = String(i).padStart(5, '0');
    const name = i % 100 === 1 ? 'Sam Park' : `Person ${n}`;
    if (i < PEOPLE * 0.8) jiraSim.seed.addUser({ accountId: `acc-${n}`, displayName: name, emailAddress: `p${n}@example.com` }).hideEmail = i % 10 === 0;
    impactSim.admin.addUser({ email: `p${n}@example.com`, name });
  }
  // An account no Impact person matches, for the manual match below.
  jiraSim.seed.addUser({ accountId: 'acc-spare', displayName: 'Spare Account', emailAddress: 'spare@corp.test' });
  let jiraCalls = 0;
  let impactCalls = 0;
  const jira = createJiraUserDirectoryPort({ now: clock.now }, () => ({
    requestJira: async (path, init) => {
      jiraCalls += 1;
      return jiraSim.app.request(path.value, { ...init, headers: { ...init.headers, 'x-forge-sim-actor': 'app' } });
    },
  }));
  const inner = new InMemoryStore();
  const impact = createImpactDirectoryPort({
    secrets: inner,
    env: { IMPACT_API_URL: 'http://impact.local', IMPACT_API_TOKEN: token },
    clock: { now: clock.now },
    fetch: async (url, init) => {
      impactCalls += 1;
      const u = new URL(url);
      return impactSim.app.request(`${u.pathname}${u.search}`, init);
    },
  });

  const counted = meteredStore(inner, 0);
  const started = performance.now();
  const run = await runUserDirectory({ store: counted.store, jira, impact, logger: quiet, now: clock.now });
  const cpu = performance.now() - started;
  const modelled = counted.calls() * KVS_MS + (jiraCalls + impactCalls) * REMOTE_MS;
  console.log(`-- ${PEOPLE * 0.8 + 6} Jira users, ${PEOPLE} Impact people; latency model: KVS ${KVS_MS} ms/call, Jira and Impact ${REMOTE_MS} ms/call`);
  console.log(`directory run: ${run.outcome} (${run.message ?? ''}); Jira calls ${jiraCalls}, Impact calls ${impactCalls}, storage calls ${counted.calls()}; ${(modelled / 1000).toFixed(1)} s modelled + ${(cpu / 1000).toFixed(1)} s CPU`);

  const slow = meteredStore(inner, KVS_MS);
  const deps: PeopleResolverDeps = { store: slow.store, userJira: {} as never, queue: {} as never, userSearch: {} as never, accounts: {} as never, now: clock.now };
  const views: number[] = [];
  for (const [list, offset] of [['unmatched', 0], ['matched', 5_000], ['matched', 7_990]] as const) {
    slow.reset();
    const t = performance.now();
    const page = await getUserDirectory({ list, offset, limit: 25 }, deps);
    views.push(performance.now() - t);
    if (!page.ok || page.value.entries.length === 0) throw new Error(`empty ${list} page`);
  }
  console.log(`list page view (25 people, real ${KVS_MS} ms sleeps): ${slow.calls()} storage calls, ${Math.round(Math.min(...views))}–${Math.round(Math.max(...views))} ms (target < 2,000 ms)`);

  slow.reset();
  let t = performance.now();
  const manual = await applyManualChange(slow.store, { kind: 'match', email: 'p09000@example.com', account: { accountId: 'acc-spare', displayName: 'Spare Account' } }, 'admin', clock.now());
  if (!manual.ok) throw new Error(manual.message);
  console.log(`manual match (with the one-account check over every matched page): ${slow.calls()} storage calls, ${Math.round(performance.now() - t)} ms`);

  slow.reset();
  t = performance.now();
  const verdict = await directoryVerdict(slow.store, 'p04242@example.com');
  console.log(`commander lookup (incident sync, an unknown commander): ${verdict?.kind ?? 'none'}, ${slow.calls()} storage calls, ${Math.round(performance.now() - t)} ms`);
}
