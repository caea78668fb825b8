import { readdir, readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { Database } from './client.js';

const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');
const MIGRATION_LOCK = 7306001;

export interface Migration {
  name: string;
  sql: string;
}

export async function loadMigrations(): Promise<Migration[]> {
  const files = (await readdir(MIGRATIONS_DIR)).filter((f) => f.endsWith('.sql')).sort();
  return Promise.all(files.map(async (name) => ({ name, sql: await readFile(path.join(MIGRATIONS_DIR, name), 'utf8') })));
}

/** A fingerprint of the migration set; tests key their template databases on it. */
export async function migrationsFingerprint(): Promise<string> {
  const h = createHash('sha256');
  for (const m of await loadMigrations()) h.update(m.name).update('\0').update(m.sql);
  return h.digest('hex').slice(0, 12);
}

/**
 * Applies pending migrations in order, each in its own transaction, on one connection. A session
 * advisory lock keeps two processes starting at once from applying the same migration twice.
 */
export async function migrate(database: Database, log: (msg: string) => void = () => {}): Promise<string[]> {
  const migrations = await loadMigrations();
  return database.session(async (query) => {
    const applied: string[] = [];
    await query(`select pg_advisory_lock(${MIGRATION_LOCK})`);
    try {
      await query(
        `create table if not exists schema_migrations (name text primary key, applied_at timestamptz not null default now())`,
      );
      const done = new Set((await query(`select name from schema_migrations`)).rows.map((r) => String(r.name)));
      for (const m of migrations) {
        if (done.has(m.name)) continue;
        log(`applying migration ${m.name}`);
        try {
          await query(
            `begin;\n${m.sql}\n;insert into schema_migrations(name) values ('${m.name.replace(/'/g, "''")}');\ncommit;`,
          );
        } catch (err) {
          await query('rollback').catch(() => {});
          throw new Error(`migration ${m.name} failed: ${(err as Error).message}`, { cause: err });
        }
        applied.push(m.name);
      }
    } finally {
      await query(`select pg_advisory_unlock(${MIGRATION_LOCK})`);
    }
    return applied;
  });
}
