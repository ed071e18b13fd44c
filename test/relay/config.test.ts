import { describeConfig, loadRelayConfig, RelayConfigError } from '../../src/relay/config';

describe('loadRelayConfig', () => {
  it('has the documented defaults', () => {
    expect(loadRelayConfig({})).toEqual({
      host: '127.0.0.1',
      port: 8787,
      dbPath: './.data/relay.sqlite',
      alertmanagerTokens: ['dev-alertmanager-token'],
      impactSecrets: ['dev-impact-secret'],
      impactToleranceSeconds: 300,
      webTriggerUrl: 'http://127.0.0.1:8788/x1/ingest',
      signingKeys: [{ id: 'dev', secret: 'dev-relay-signing-secret' }],
      maxBodyBytes: 4 * 1024 * 1024,
      jsonLimits: { maxDepth: 32, maxObjectKeys: 1000, maxValues: 500_000 },
      dedupWindowSeconds: 10,
      impactDedupRetentionSeconds: 7 * 24 * 3600,
      pollIntervalMs: 5000,
      outboxThread: 'main',
      commitWindowMs: 1,
      logLevel: 'info',
      leaseMs: 120_000,
      dbPoolSize: 8,
    });
  });

  it('parses comma lists and kid:secret pairs (first key signs), treating empty values as unset', () => {
    const c = loadRelayConfig({
      RELAY_PORT: '0',
      ALERTMANAGER_TOKENS: ' token-one-123 , token-two-456 ,',
      IMPACT_WEBHOOK_SECRETS: 'secret-aaaaaa,secret-bbbbbb',
      RELAY_SIGNING_KEYS: 'k2:new-secret-value,k1:old-secret:with-colon',
      RELAY_MAX_BODY_BYTES: '2048',
      RELAY_DEDUP_WINDOW_SECONDS: '30',
      RELAY_DB: '',
    });
    expect(c.port).toBe(0);
    expect(c.alertmanagerTokens).toEqual(['token-one-123', 'token-two-456']);
    expect(c.impactSecrets).toEqual(['secret-aaaaaa', 'secret-bbbbbb']);
    expect(c.signingKeys).toEqual([
      { id: 'k2', secret: 'new-secret-value' },
      { id: 'k1', secret: 'old-secret:with-colon' },
    ]);
    expect([c.maxBodyBytes, c.dedupWindowSeconds, c.dbPath]).toEqual([2048, 30, './.data/relay.sqlite']);
  });

  it.each([
    ['RELAY_PORT', '70000'],
    ['RELAY_MAX_BODY_BYTES', '-1'],
    ['WEBTRIGGER_URL', 'ftp://example.com'],
    ['RELAY_SIGNING_KEYS', 'no-colon-here'],
    ['ALERTMANAGER_TOKENS', 'short'],
  ])('refuses %s=%s', (key, value) => {
    expect(() => loadRelayConfig({ [key]: value })).toThrow(RelayConfigError);
  });

  it('never puts a secret in its error or its log description', () => {
    let message = '';
    try {
      loadRelayConfig({ RELAY_SIGNING_KEYS: 'bad:short', ALERTMANAGER_TOKENS: 'tiny' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).not.toMatch(/short|tiny/);
    const described = JSON.stringify(describeConfig(loadRelayConfig({ ALERTMANAGER_TOKENS: 'very-secret-token' })));
    expect(described).not.toContain('very-secret-token');
    expect(described).not.toContain('dev-relay-signing-secret');
  });

  it('takes a postgres:// RELAY_DB as the shared outbox and never describes its password', () => {
    const c = loadRelayConfig({ RELAY_DB: 'postgres://relay:hunter2-secret@db.internal:5432/relay', RELAY_LEASE_MS: '30000' });
    expect([c.dbPath, c.leaseMs, c.dbPoolSize]).toEqual(['postgres://relay:hunter2-secret@db.internal:5432/relay', 30_000, 8]);
    const described = describeConfig(c);
    expect(described['dbPath']).toBe('postgres://relay:***@db.internal:5432/relay');
    expect(JSON.stringify(described)).not.toContain('hunter2');
  });
});
