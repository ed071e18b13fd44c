import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { IMPACT_EGRESS_PATTERNS } from '../../../../src/forge/constants';
import { checkImpactBaseUrl, interpretProbe, saveImpactInputSchema } from '../../../../src/forge/domain/connection';

describe('IMPACT_EGRESS_PATTERNS', () => {
  it('equals manifest.yml permissions.external.fetch.backend', () => {
    const manifest = parse(readFileSync(join(__dirname, '../../../../manifest.yml'), 'utf8')) as { permissions: { external: { fetch: { backend: ({ address: string } | string)[] } } } };
    const declared = manifest.permissions.external.fetch.backend.map((entry) => (typeof entry === 'string' ? entry : entry.address));
    expect([...IMPACT_EGRESS_PATTERNS]).toEqual(declared);
  });
});

describe('checkImpactBaseUrl', () => {
  const egress = ['https://*.impact.example.com'];
  it.each<[string, string, boolean, string | null]>([
    ['a tenant host', 'https://acme.impact.example.com', false, 'https://acme.impact.example.com'],
    ['a nested host and base path, trailing slash dropped', 'https://eu.acme.impact.example.com/base/', false, 'https://eu.acme.impact.example.com/base'],
    ['the bare domain (the pattern needs a subdomain)', 'https://impact.example.com', false, 'may only reach'],
    ['a look-alike host', 'https://acme.impact.example.com.evil.test', false, 'may only reach'],
    ['a suffix without the dot', 'https://evilimpact.example.com', false, 'may only reach'],
    ['plain http', 'http://acme.impact.example.com', false, 'https'],
    ['credentials in the URL', 'https://user:pw@acme.impact.example.com', false, 'user name or password'],
    ['a query', 'https://acme.impact.example.com/?token=x', false, 'query'],
    ['not a URL', 'acme.impact.example.com', false, 'not a URL'],
    ['loopback http off the local host', 'http://127.0.0.1:8790', false, 'https'],
    ['loopback http on the local host', 'http://127.0.0.1:8790', true, 'http://127.0.0.1:8790'],
    ['localhost on the local host', 'https://localhost:9000/api', true, 'https://localhost:9000/api'],
    ['a LAN host on the local host', 'http://10.0.0.5:8790', true, 'https'],
    ['ftp on the local host', 'ftp://127.0.0.1', true, 'https'],
  ])('%s', (_name, raw, allowLoopback, expected) => {
    const result = checkImpactBaseUrl(raw, egress, allowLoopback);
    if (expected !== null && /^[a-z]+:\/\//.test(expected)) expect(result).toEqual({ ok: true, baseUrl: expected });
    else {
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.message).toContain(expected);
    }
  });
});

describe('saveImpactInputSchema', () => {
  it.each<[string, unknown, boolean]>([
    ['URL and token', { baseUrl: 'https://a.impact.example.com', token: 'tok-12345' }, true],
    ['URL only (keep the token)', { baseUrl: 'https://a.impact.example.com' }, true],
    ['an empty token (keep the token)', { baseUrl: 'https://a.impact.example.com', token: '' }, true],
    ['a 7-character token', { baseUrl: 'https://a.impact.example.com', token: '1234567' }, false],
    ['a 513-character token', { baseUrl: 'https://a.impact.example.com', token: 'x'.repeat(513) }, false],
    ['a token with a space', { baseUrl: 'https://a.impact.example.com', token: 'abc def ghi' }, false],
    ['no URL', { token: 'tok-12345' }, false],
  ])('%s', (_name, input, ok) => {
    expect(saveImpactInputSchema.safeParse(input).success).toBe(ok);
  });
});

describe('interpretProbe', () => {
  it.each<[string, Parameters<typeof interpretProbe>[0], string]>([
    ['404 for the reserved id', { kind: 'response', status: 404 }, 'ok'],
    ['401', { kind: 'response', status: 401 }, 'token-refused'],
    ['403', { kind: 'response', status: 403 }, 'token-refused'],
    ['429', { kind: 'response', status: 429 }, 'unexpected'],
    ['503', { kind: 'response', status: 503 }, 'unexpected'],
    ['400 (not the Impact API)', { kind: 'response', status: 400 }, 'unexpected'],
    ['a network error', { kind: 'network-error', message: 'connect ECONNREFUSED 127.0.0.1:1' }, 'unreachable'],
  ])('%s', (_name, probe, outcome) => {
    expect(interpretProbe(probe).outcome).toBe(outcome);
  });
});
