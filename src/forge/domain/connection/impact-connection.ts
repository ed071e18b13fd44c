/**
 * Impact API connection rules: a base URL the app may reach (Forge only lets functions fetch hosts declared
 * in manifest.yml `permissions.external.fetch.backend`), a write-only token, and what a test call proves.
 */
import { z } from 'zod';

/** Where the Impact connection comes from: the `impact-api` secret, env IMPACT_API_URL/IMPACT_API_TOKEN, or nowhere. */
export type ImpactConnectionSource = 'secret-storage' | 'environment' | 'none';

export const IMPACT_TOKEN_MIN = 8;
export const IMPACT_TOKEN_MAX = 512;

export const impactTokenSchema = z
  .string()
  .min(IMPACT_TOKEN_MIN, `the token must be at least ${IMPACT_TOKEN_MIN} characters`)
  .max(IMPACT_TOKEN_MAX, `the token must be at most ${IMPACT_TOKEN_MAX} characters`)
  .regex(/^[!-~]+$/, 'the token is printable ASCII without spaces');

export const saveImpactInputSchema = z
  .object({
    baseUrl: z.string().trim().min(1, 'the Impact API URL is required').max(2048),
    // Empty or absent: keep the stored token (the page never sees it, so it cannot send it back).
    token: z.union([z.literal(''), impactTokenSchema]).optional(),
  })
  .strict();

function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return host === 'localhost' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** `https://*.impact.example.com`: `*` stands for one or more DNS labels; scheme and host must match. */
export function matchesEgressPattern(url: URL, pattern: string): boolean {
  const withScheme = /^[a-z]+:\/\//i.test(pattern) ? pattern : `https://${pattern}`;
  const match = /^([a-z]+):\/\/([^/:]+)(?::(\d+))?/i.exec(withScheme);
  if (!match) return false;
  const [, scheme, hostPattern, port] = match;
  if (`${scheme!.toLowerCase()}:` !== url.protocol) return false;
  if (port !== undefined && port !== url.port) return false;
  const host = url.hostname.toLowerCase();
  const wanted = hostPattern!.toLowerCase();
  if (!wanted.startsWith('*.')) return host === wanted;
  const suffix = wanted.slice(1); // ".impact.example.com"
  return host.endsWith(suffix) && host.length > suffix.length;
}

export type BaseUrlCheck = { readonly ok: true; readonly baseUrl: string } | { readonly ok: false; readonly message: string };

/**
 * An https URL matching a declared egress pattern; on the local Forge host also http(s) loopback, where the
 * Impact simulator runs. No credentials, query or fragment: the token goes in its own header.
 */
export function checkImpactBaseUrl(raw: string, egress: readonly string[], allowLoopback: boolean): BaseUrlCheck {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, message: 'not a URL; use e.g. https://acme.impact.example.com' };
  }
  if (url.username || url.password) return { ok: false, message: 'the URL must not contain a user name or password; put the token in the token field' };
  if (url.search || url.hash) return { ok: false, message: 'the URL must not have a query or fragment' };
  const loopback = allowLoopback && (url.protocol === 'http:' || url.protocol === 'https:') && isLoopbackHost(url.hostname);
  if (!loopback) {
    if (url.protocol !== 'https:') return { ok: false, message: 'the Impact API URL must use https' };
    if (!egress.some((pattern) => matchesEgressPattern(url, pattern))) {
      return { ok: false, message: `the app may only reach ${egress.join(', ')} (manifest.yml permissions.external.fetch.backend)` };
    }
  }
  return { ok: true, baseUrl: url.toString().replace(/\/+$/, '') };
}

/** An incident id the contract allows but Impact never issues: a GET of it answers 404 once auth passed. */
export const CONNECTION_TEST_INCIDENT_ID = 'incident-bridge-connection-test';

export type ImpactProbe = { readonly kind: 'network-error'; readonly message: string } | { readonly kind: 'response'; readonly status: number };

export type ImpactTestResult =
  | { readonly outcome: 'ok'; readonly message: string }
  | { readonly outcome: 'token-refused'; readonly status: number; readonly message: string }
  | { readonly outcome: 'unreachable'; readonly message: string }
  | { readonly outcome: 'unexpected'; readonly status: number; readonly message: string }
  | { readonly outcome: 'not-configured'; readonly message: string };

export function interpretProbe(probe: ImpactProbe): ImpactTestResult {
  switch (probe.kind) {
    case 'network-error':
      return { outcome: 'unreachable', message: `Impact could not be reached: ${probe.message}` };
    case 'response': {
      const { status } = probe;
      if (status === 404 || (status >= 200 && status < 300)) return { outcome: 'ok', message: 'Impact answered and accepted the token.' };
      if (status === 401 || status === 403) return { outcome: 'token-refused', status, message: `Impact refused the token (HTTP ${status}); save a new token.` };
      if (status === 429) return { outcome: 'unexpected', status, message: 'Impact is rate limiting the app (HTTP 429); try again in a minute.' };
      if (status >= 500) return { outcome: 'unexpected', status, message: `Impact answered with a server error (HTTP ${status}); check its status.` };
      return { outcome: 'unexpected', status, message: `Impact answered HTTP ${status}; check that the URL points at the Impact API.` };
    }
    default:
      return assertNever(probe);
  }
}

function assertNever(x: never): never {
  throw new Error(`unexpected probe ${JSON.stringify(x)}`);
}
