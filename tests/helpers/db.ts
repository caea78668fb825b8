import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openPglite, openPostgres, type Database } from '../../server/src/db/client.js';
import { migrate, migrationsFingerprint } from '../../server/src/db/migrate.js';
import { databaseUrl } from './services.js';

/**
 * Each test file gets its own database (DESIGN §9). PostgreSQL: CREATE DATABASE … TEMPLATE of a
 * migrated template named after the migrations' fingerprint. PGlite: a fresh instance loaded from a
 * dump of a migrated one (made once per process).
 */
export interface TestDatabase {
  database: Database;
  /** A connection URL for child processes (PostgreSQL only). */
  url: string | null;
  drop(): Promise<void>;
}

let pgliteTemplate: Promise<Blob> | null = null;

async function pgliteTemplateDump(): Promise<Blob> {
  pgliteTemplate ??= (async () => {
    const db = await openPglite();
    await migrate(db);
    const dump = await db.client.dumpDataDir('none');
    await db.close();
    return dump;
  })();
  return pgliteTemplate;
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function adminQuery(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

const templateReady = new Map<string, Promise<string>>();

async function postgresTemplate(url: string): Promise<string> {
  // Per role: a database is copied only by its owner (or a superuser), and CI's role differs from a
  // developer's, so each role keeps its own template of the current migrations.
  const role = decodeURIComponent(new URL(url).username || 'default')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
    .slice(0, 16);
  const name = `zwx_tpl_${role}_${await migrationsFingerprint()}`;
  if (!templateReady.has(name)) {
    templateReady.set(
      name,
      (async () => {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        try {
          // Several test processes may race to build the same template.
          await client.query('select pg_advisory_lock(7306002)');
          const exists = await client.query('select 1 from pg_database where datname = $1', [name]);
          if (exists.rowCount === 0) {
            await client.query(`create database ${name}`);
            const db = await openPostgres(withDatabase(url, name), 2);
            try {
              await migrate(db);
            } catch (err) {
              await db.close();
              await client.query(`drop database if exists ${name}`);
              throw err;
            }
            await db.close();
          }
          // Templates of older migration sets of this role are no longer used by anything.
          const stale = await client.query(
            `select datname from pg_database where datname like $1 and datname <> $2 and pg_get_userbyid(datdba) = current_user`,
            [`zwx_tpl_${role}_%`, name],
          );
          for (const r of stale.rows as { datname: string }[])
            await client.query(`drop database if exists ${r.datname}`).catch(() => {});
          await client.query('select pg_advisory_unlock(7306002)');
        } finally {
          await client.end();
        }
        return name;
      })(),
    );
  }
  return templateReady.get(name)!;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  if (databaseUrl) {
    const template = await postgresTemplate(databaseUrl);
    const name = `zwx_t_${randomBytes(6).toString('hex')}`;
    await adminQuery(databaseUrl, `create database ${name} template ${template}`);
    const url = withDatabase(databaseUrl, name);
    const database = await openPostgres(url, 20);
    return {
      database,
      url,
      async drop() {
        await database.close().catch(() => {});
        await adminQuery(databaseUrl!, `drop database if exists ${name} with (force)`);
      },
    };
  }
  const database = await openPglite({ loadDataDir: await pgliteTemplateDump() });
  return { database, url: null, drop: () => database.close().catch(() => {}) };
}

/**
 * An empty database (no migrations applied), for tests of a migration against rows written under the
 * schema before it: apply the earlier migrations, insert the rows, then run migrate().
 */
export async function createEmptyTestDatabase(): Promise<TestDatabase> {
  if (databaseUrl) {
    const name = `zwx_t_${randomBytes(6).toString('hex')}`;
    await adminQuery(databaseUrl, `create database ${name}`);
    const url = withDatabase(databaseUrl, name);
    const database = await openPostgres(url, 5);
    return {
      database,
      url,
      async drop() {
        await database.close().catch(() => {});
        await adminQuery(databaseUrl!, `drop database if exists ${name} with (force)`);
      },
    };
  }
  const database = await openPglite();
  return { database, url: null, drop: () => database.close().catch(() => {}) };
}
