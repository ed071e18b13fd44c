import { z } from 'zod';
import type { SigningKey } from '../../shared/signing';
import type { SecretStore } from '../ports/key-value-store';
import { SecretKeys } from '../constants';

const storedKeysSchema = z.array(z.object({ id: z.string().min(1), secret: z.string().min(16) })).min(1);

/** `kid:secret,kid2:secret2`, the same format the relay's RELAY_SIGNING_KEYS uses. */
export function parseSigningKeyList(value: string): SigningKey[] {
  return value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .map((part) => {
      const colon = part.indexOf(':');
      if (colon <= 0 || colon === part.length - 1) throw new Error('RELAY_SIGNING_KEYS entries must look like kid:secret');
      return { id: part.slice(0, colon), secret: part.slice(colon + 1) };
    });
}

/**
 * Keys that may sign relay batches: Forge secret storage first (set by an admin or the local host),
 * else the encrypted Forge variable RELAY_SIGNING_KEYS (`forge variables set --encrypt`).
 */
export async function loadSigningKeys(secrets: SecretStore, env: NodeJS.ProcessEnv): Promise<SigningKey[]> {
  const stored = storedKeysSchema.safeParse(await secrets.getSecret(SecretKeys.relaySigningKeys));
  if (stored.success) return stored.data;
  const fromEnv = env['RELAY_SIGNING_KEYS'];
  return fromEnv ? parseSigningKeyList(fromEnv) : [];
}
