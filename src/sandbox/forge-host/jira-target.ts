/** Where `requestJira` goes: an in-process fetch (the simulator), a base URL, or a real Jira Cloud site. */
export type JiraTarget =
  | { readonly kind: 'fetch'; readonly fetch: (request: Request) => Promise<Response> }
  | { readonly kind: 'url'; readonly baseUrl: string }
  | { readonly kind: 'site'; readonly baseUrl: string; readonly email: string; readonly apiToken: string };

/** Who Jira sees: the simulator's contract is the `x-forge-sim-actor` header. */
export type JiraActor = { readonly kind: 'app' } | { readonly kind: 'user'; readonly accountId: string };

export const SIM_ACTOR_HEADER = 'x-forge-sim-actor';

/** A real site when JIRA_BASE_URL, JIRA_EMAIL and JIRA_API_TOKEN are all set; otherwise undefined. */
export function jiraSiteFromEnv(env: Readonly<Record<string, string | undefined>>): JiraTarget | undefined {
  const { JIRA_BASE_URL: baseUrl, JIRA_EMAIL: email, JIRA_API_TOKEN: apiToken } = env;
  return baseUrl && email && apiToken ? { kind: 'site', baseUrl, email, apiToken } : undefined;
}

function join(baseUrl: string, path: string): string {
  return baseUrl.replace(/\/+$/, '') + (path.startsWith('/') ? path : `/${path}`);
}

export async function sendToJira(target: JiraTarget, actor: JiraActor, path: string, init: RequestInit | undefined): Promise<Response> {
  const headers = new Headers(init?.headers);
  switch (target.kind) {
    case 'fetch':
    case 'url': {
      headers.set(SIM_ACTOR_HEADER, actor.kind === 'app' ? 'app' : `user:${actor.accountId}`);
      const base = target.kind === 'url' ? target.baseUrl : 'http://jira.forge-host.local';
      const request = new Request(join(base, path), { ...init, headers });
      return target.kind === 'fetch' ? target.fetch(request) : fetch(request);
    }
    case 'site': {
      // A real site cannot act as the app or as another user: every call uses the API token's account.
      headers.set('authorization', `Basic ${Buffer.from(`${target.email}:${target.apiToken}`).toString('base64')}`);
      return fetch(new Request(join(target.baseUrl, path), { ...init, headers }));
    }
  }
}
