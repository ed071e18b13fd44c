/**
 * The sandbox's stand-in for `@forge/bridge` (`invoke`, `view.getContext`, `router`): resolver calls go over
 * HTTP to the local Forge host as the chosen local user; the context is built from the URL the way Jira
 * builds it; an issue link opens that issue's panel page.
 */
import type { Bridge, ForgeContextLike } from './bridge';

export type LocalApp = 'settings' | 'panel';

/** The Jira simulator's seeded users (src/sandbox/jira-sim/seed.ts): alice administers all, bob OPS, dave none. */
export const LOCAL_USERS = [
  { name: 'alice', accountId: '5b10a2844c20165700ede21a', label: 'Alice (admin)' },
  { name: 'bob', accountId: '5b10ac8d82e05b22cc7d4ef5', label: 'Bob (OPS admin)' },
  { name: 'dave', accountId: '60e5a86ab7c1a0006a3f9b12', label: 'Dave (not admin)' },
] as const;
export type LocalUserName = (typeof LOCAL_USERS)[number]['name'];

const MODULE_KEYS: Record<LocalApp, string> = { settings: 'bridge-settings', panel: 'bridge-issue-panel' };
const USER_STORAGE_KEY = 'incident-bridge.local-user';

export function isLocalUserName(value: string | null): value is LocalUserName {
  return LOCAL_USERS.some((u) => u.name === value);
}

export interface LocalBridge extends Bridge {
  readonly user: LocalUserName;
  setUser(name: LocalUserName): void;
}

/** The issue panel's resource on the local Forge host (manifest resource `panel-ui`): the local "issue view". */
export const LOCAL_ISSUE_PAGE = '/static/panel-ui/';

/** The local issue view of `issueKey`, as `user` (so following a link keeps who the page acts as). */
export function localIssueHref(issueKey: string, user: LocalUserName): string {
  return `${LOCAL_ISSUE_PAGE}?${new URLSearchParams({ issueKey, user }).toString()}`;
}

export function createLocalBridge(app: LocalApp, location: Pick<Location, 'search' | 'assign'>, storage: Pick<Storage, 'getItem' | 'setItem'>): LocalBridge {
  const query = new URLSearchParams(location.search);
  const fromQuery = query.get('user');
  const stored = storage.getItem(USER_STORAGE_KEY);
  let user: LocalUserName = isLocalUserName(fromQuery) ? fromQuery : isLocalUserName(stored) ? stored : 'alice';
  const accountId = () => LOCAL_USERS.find((u) => u.name === user)?.accountId ?? '';

  const extension = (): ForgeContextLike['extension'] => {
    if (app === 'settings') return { project: { key: query.get('project') ?? 'OPS' } };
    const issueKey = query.get('issueKey') ?? undefined;
    const projectKey = issueKey?.split('-')[0];
    return { issue: { key: issueKey, id: query.get('issueId') ?? undefined }, ...(projectKey ? { project: { key: projectKey } } : {}) };
  };

  return {
    local: true,
    get user() {
      return user;
    },
    setUser(name) {
      user = name;
      storage.setItem(USER_STORAGE_KEY, name);
    },
    async getContext() {
      return { accountId: accountId(), extension: extension() };
    },
    issues: {
      href: async (issueKey) => localIssueHref(issueKey, user),
      open: async (issueKey) => location.assign(localIssueHref(issueKey, user)),
    },
    async invoke(functionKey, payload) {
      const response = await fetch(`/api/invoke/${MODULE_KEYS[app]}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forge-account-id': accountId() },
        body: JSON.stringify({ functionKey, payload: payload ?? {}, extension: extension() }),
      });
      const body = (await response.json()) as { ok: boolean; result?: unknown; error?: { message?: string } };
      // Forge's bridge rejects when the resolver throws; the shim does the same.
      if (!body.ok) throw new Error(body.error?.message ?? `resolver call failed (HTTP ${response.status})`);
      return body.result;
    },
  };
}
