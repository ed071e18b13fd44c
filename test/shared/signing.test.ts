import { computeSignature, signRequest, verifySignature, constantTimeEqual } from '../../src/shared/signing';

const keys = [
  { id: 'k1', secret: 'old-secret' },
  { id: 'k2', secret: 'new-secret' },
];

describe('relay request signing', () => {
  const body = '{"version":1,"events":[]}';
  const now = 1_800_000_000;

  it.each([
    ['a current key', keys[1]!, now, { ok: true, keyId: 'k2' }],
    ['the previous key during rotation', keys[0]!, now, { ok: true, keyId: 'k1' }],
    ['a timestamp inside the window', keys[1]!, now - 299, { ok: true, keyId: 'k2' }],
    ['a stale timestamp', keys[1]!, now - 301, { ok: false, reason: 'stale-timestamp' }],
    ['a future timestamp', keys[1]!, now + 301, { ok: false, reason: 'stale-timestamp' }],
    ['an unknown key id', { id: 'k9', secret: 'x' }, now, { ok: false, reason: 'unknown-key' }],
  ])('accepts or refuses %s', (_name, key, signedAt, expected) => {
    const headers = signRequest(key, body, signedAt);
    const result = verifySignature(keys, {
      signature: headers['x-bridge-signature'],
      timestamp: headers['x-bridge-timestamp'],
      keyId: headers['x-bridge-key-id'],
      rawBody: body,
      nowSeconds: now,
    });
    expect(result).toEqual(expected);
  });

  it('refuses a body changed after signing', () => {
    const headers = signRequest(keys[1]!, body, now);
    const result = verifySignature(keys, {
      signature: headers['x-bridge-signature'],
      timestamp: headers['x-bridge-timestamp'],
      keyId: 'k2',
      rawBody: body + ' ',
      nowSeconds: now,
    });
    expect(result).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('refuses a signature made with a different timestamp', () => {
    const signature = computeSignature('new-secret', now - 10, body);
    expect(verifySignature(keys, { signature, timestamp: String(now), keyId: 'k2', rawBody: body, nowSeconds: now })).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
  });

  it.each([
    [{ signature: undefined, timestamp: '1', keyId: 'k1' }, 'missing-headers'],
    [{ signature: 'sha256=00', timestamp: 'soon', keyId: 'k1' }, 'bad-timestamp'],
  ])('refuses malformed headers %#', (headers, reason) => {
    expect(verifySignature(keys, { ...headers, rawBody: body, nowSeconds: now })).toEqual({ ok: false, reason });
  });

  it('compares strings exactly', () => {
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual('abc', 'abd')).toBe(false);
    expect(constantTimeEqual('abc', 'abcd')).toBe(false);
  });
});
