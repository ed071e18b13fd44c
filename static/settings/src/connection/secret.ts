/** Browser-side helpers for key rotation: the secret is made here and never comes back from the server. */

/** 32 random bytes, base64url without padding (43 characters of [A-Za-z0-9_-]). */
export function generateSigningSecret(random: Pick<Crypto, 'getRandomValues'> = crypto): string {
  const bytes = random.getRandomValues(new Uint8Array(32));
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** A fresh key id for today, e.g. `k-20261123`; `-2`, `-3`… when that id is taken. */
export function suggestKeyId(nowMs: number, taken: readonly string[]): string {
  const d = new Date(nowMs);
  const base = `k-${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}`;
  if (!taken.includes(base)) return base;
  for (let n = 2; ; n++) if (!taken.includes(`${base}-${n}`)) return `${base}-${n}`;
}

/** The relay's env line: the new key first (it signs), then the old ids with `<unchanged>` where the relay keeps its current secret (this page never knows it). */
export function relayEnvLine(keyId: string, secret: string, oldKeyIds: readonly string[]): string {
  return `RELAY_SIGNING_KEYS=${[`${keyId}:${secret}`, ...oldKeyIds.map((id) => `${id}:<unchanged>`)].join(',')}`;
}
