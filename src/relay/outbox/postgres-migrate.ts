import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Pool } from 'pg';

/** Any number fixed for the relay: instances starting together take turns migrating. */
const MIGRATION_LOCK = 71_401_401;

/** The SQL files: next to this module in the sources, or in the repo's sources for the bundled dist/relay. */
export function migrationsDir(): string {
  const candidates = [join(__dirname, 'migrations/postgres'), join(__dirname, '../../src/relay/outbox/migrations/postgres')];
  const found = candidates.find((dir) => existsSync(dir));
  if (!found) throw new Error(`PostgreSQL migrations not found in ${candidates.join(' or ')}`);
  return found;
}

/**
 * Applies the migration files not yet recorded in relay_migrations, in name order, each in its own transaction,
 * under an advisory lock so instances starting at once do not race. Returns the names applied now.
 */
export async function migrate(pool: Pool, dir = migrationsDir()): Promise<string[]> {
  const client = await pool.connect();
  // Checked out, the client's connection errors are ours to handle; the failing query reports them.
  const ignore = () => undefined;
  client.on('error', ignore);
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS relay_migrations (name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())');
    const done = new Set((await client.query<{ name: string }>('SELECT name FROM relay_migrations')).rows.map((r) => r.name));
    const applied: string[] = [];
    for (const name of readdirSync(dir).filter((f) => f.endsWith('.sql')).sort()) {
      if (done.has(name)) continue;
      await client.query('BEGIN');
      try {
        await client.query(readFileSync(join(dir, name), 'utf8'));
        await client.query('INSERT INTO relay_migrations (name) VALUES ($1)', [name]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${name} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
      applied.push(name);
    }
    return applied;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    client.off('error', ignore);
    client.release();
  }
}
