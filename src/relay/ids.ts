import { randomBytes } from 'node:crypto';

/** Crockford base32: url-safe, sorts in the same order as the numbers it encodes. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const TIME_CHARS = 10;
const RANDOM_CHARS = 16;

export type IdFactory = (nowMs: number) => string;

/**
 * ULID-style ids (26 chars): 48-bit millisecond time then 80 random bits. Within one millisecond the
 * random part is incremented, so ids from one factory are strictly increasing.
 */
export function createIdFactory(random: (bytes: number) => Uint8Array = randomBytes): IdFactory {
  let lastTime = -1;
  let lastRandom: number[] = [];
  return (nowMs) => {
    const time = Math.max(0, Math.floor(nowMs));
    if (time <= lastTime) {
      lastRandom = increment(lastRandom);
    } else {
      lastTime = time;
      lastRandom = Array.from(random(RANDOM_CHARS), (b) => b & 31);
    }
    return encodeTime(lastTime) + lastRandom.map((d) => ALPHABET[d]).join('');
  };
}

function encodeTime(ms: number): string {
  let out = '';
  let rest = ms;
  for (let i = 0; i < TIME_CHARS; i++) {
    out = ALPHABET[rest % 32] + out;
    rest = Math.floor(rest / 32);
  }
  return out;
}

function increment(digits: readonly number[]): number[] {
  const next = [...digits];
  for (let i = next.length - 1; i >= 0; i--) {
    const d = next[i] ?? 0;
    if (d < 31) {
      next[i] = d + 1;
      return next;
    }
    next[i] = 0;
  }
  // 2^80 ids in one millisecond cannot happen; wrapping keeps the id valid regardless.
  return next;
}
