import fc from 'fast-check';
import {
  MAX_SIGNING_KEYS,
  lastRotatedAt,
  retireKey,
  rotateInputSchema,
  rotateKeys,
  safeKeyId,
  type StoredSigningKey,
} from '../../../../src/forge/domain/connection';

const NOW = '2026-11-23T09:00:00.000Z';
const secret = (n: number) => `s${String(n).padStart(3, '0')}-`.padEnd(40, 'x');
const key = (id: string, n: number, createdAt?: string): StoredSigningKey => ({ id, secret: secret(n), ...(createdAt ? { createdAt } : {}) });

describe('rotate input', () => {
  it.each<[string, unknown, string | null]>([
    ['a good key', { keyId: 'k-20261123', secret: 'A'.repeat(32) }, null],
    ['url-safe base64 secret', { keyId: 'k.1_2-3', secret: 'abcDEF012_-'.repeat(4) }, null],
    ['a key id with a colon', { keyId: 'k:1', secret: 'A'.repeat(32) }, 'keyId'],
    ['an empty key id', { keyId: '', secret: 'A'.repeat(32) }, 'keyId'],
    ['a 65-character key id', { keyId: 'k'.repeat(65), secret: 'A'.repeat(32) }, 'keyId'],
    ['a 31-character secret', { keyId: 'k', secret: 'A'.repeat(31) }, 'secret'],
    ['a 257-character secret', { keyId: 'k', secret: 'A'.repeat(257) }, 'secret'],
    ['a secret with a comma', { keyId: 'k', secret: 'A'.repeat(31) + ',' }, 'secret'],
    ['a secret with a space', { keyId: 'k', secret: 'A'.repeat(31) + ' ' }, 'secret'],
    ['a secret with a non-ASCII letter', { keyId: 'k', secret: 'A'.repeat(31) + 'é' }, 'secret'],
    ['an unknown field', { keyId: 'k', secret: 'A'.repeat(32), createdAt: NOW }, ''],
  ])('%s', (_name, input, problemPath) => {
    const parsed = rotateInputSchema.safeParse(input);
    if (problemPath === null) expect(parsed.success).toBe(true);
    else {
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues[0]?.path.join('.')).toBe(problemPath);
    }
  });
});

describe('rotateKeys', () => {
  it('puts the new key first with the given time and keeps the old ones', () => {
    const result = rotateKeys([key('old', 1)], { keyId: 'new', secret: secret(2) }, NOW);
    expect(result).toEqual({ ok: true, keys: [{ id: 'new', secret: secret(2), createdAt: NOW }, key('old', 1)] });
  });

  it.each<[string, StoredSigningKey[], { keyId: string; secret: string }, string, string]>([
    ['a duplicate id', [key('a', 1)], { keyId: 'a', secret: secret(2) }, 'invalid-input', 'already exists'],
    ['a secret already in use', [key('a', 1)], { keyId: 'b', secret: secret(1) }, 'invalid-input', 'already in use'],
    ['a sixth key', [1, 2, 3, 4, 5].map((n) => key(`k${n}`, n)), { keyId: 'k6', secret: secret(6) }, 'conflict', 'retire a key first'],
  ])('refuses %s', (_name, keys, input, code, message) => {
    const result = rotateKeys(keys, input, NOW);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.code).toBe(code);
      expect(result.message).toContain(message);
      expect(result.message).not.toContain(input.secret);
    }
  });

  it('never drops a key, never duplicates an id, never holds more than the maximum', () => {
    const id = fc.stringMatching(/^[a-z0-9]{1,6}$/);
    fc.assert(
      fc.property(fc.uniqueArray(id, { maxLength: 7 }), fc.array(id, { maxLength: 10 }), (initialIds, newIds) => {
        let keys: readonly StoredSigningKey[] = initialIds.slice(0, MAX_SIGNING_KEYS).map((k, i) => key(k, i));
        let n = 100;
        for (const newId of newIds) {
          const before = keys;
          const result = rotateKeys(keys, { keyId: newId, secret: secret(n++) }, NOW);
          if (result.ok) keys = result.keys;
          for (const old of before) expect(keys.some((k) => k.id === old.id && k.secret === old.secret)).toBe(true);
          expect(new Set(keys.map((k) => k.id)).size).toBe(keys.length);
          expect(keys.length).toBeLessThanOrEqual(MAX_SIGNING_KEYS);
          if (result.ok) expect(keys[0]?.id).toBe(newId);
        }
      }),
    );
  });
});

describe('retireKey', () => {
  const keys = [key('new', 2, NOW), key('old', 1)];

  it('removes a key the relay no longer signs with', () => {
    expect(retireKey(keys, 'old', 'new')).toEqual({ ok: true, keys: [key('new', 2, NOW)] });
  });

  it('refuses the key the relay signed its newest batch with, saying what to do', () => {
    const result = retireKey(keys, 'old', 'old');
    expect(result).toMatchObject({ ok: false, code: 'conflict' });
    if (!result.ok) expect(result.message).toMatch(/give the relay the new key first.*restart it/);
  });

  it('refuses the last key and an unknown key', () => {
    expect(retireKey([key('only', 1)], 'only', null)).toMatchObject({ ok: false, code: 'conflict' });
    expect(retireKey(keys, 'nope', null)).toMatchObject({ ok: false, code: 'not-found' });
  });

  it('never leaves zero keys and removes exactly the named one', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.stringMatching(/^[a-z]{1,3}$/), { minLength: 1, maxLength: 5 }), fc.nat(), fc.option(fc.nat()), (ids, pick, relayPick) => {
        const all = ids.map((id, i) => key(id, i));
        const target = ids[pick % ids.length]!;
        const relay = relayPick === null ? null : ids[relayPick % ids.length]!;
        const result = retireKey(all, target, relay);
        if (result.ok) {
          expect(result.keys.length).toBe(all.length - 1);
          expect(result.keys.some((k) => k.id === target)).toBe(false);
          expect(target).not.toBe(relay);
        } else expect(all.length === 1 || target === relay).toBe(true);
      }),
    );
  });
});

describe('helpers', () => {
  it('lastRotatedAt is the newest createdAt, null when none is known', () => {
    expect(lastRotatedAt([key('a', 1), key('b', 2, '2026-11-01T00:00:00.000Z'), key('c', 3, NOW)])).toBe(NOW);
    expect(lastRotatedAt([key('a', 1)])).toBeNull();
  });

  it('safeKeyId keeps only well-formed ids from a header', () => {
    expect(safeKeyId('k-1')).toBe('k-1');
    expect(safeKeyId(undefined)).toBeNull();
    expect(safeKeyId('<script>')).toBeNull();
    expect(safeKeyId('k'.repeat(65))).toBeNull();
  });
});
