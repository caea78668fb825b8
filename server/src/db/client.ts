import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import * as schema from './schema.js';
import { PGLITE_CONF } from './pglite-conf.js';

export type Schema = typeof schema;
/** The Drizzle handle both drivers share; services take a Db or a Tx and never know which driver runs. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
export type DbOrTx = Db | Tx;

export interface Database {
  readonly kind: 'postgres' | 'pglite';
  readonly db: Db;
  /** Runs a script of several statements (migrations). */
  exec(script: string): Promise<void>;
  /** Runs `fn` on one connection, for session state such as advisory locks. */
  session<T>(fn: (query: (text: string) => Promise<{ rows: Record<string, unknown>[] }>) => Promise<T>): Promise<T>;
  /**
   * Calls `onNotify` for each NOTIFY on `channel` (from any process on this database), until the
   * returned function is called. On PostgreSQL one dedicated connection, re-opened when it drops.
   */
  listen(channel: string, onNotify: () => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export interface PgliteOptions {
  /** A directory to keep data in; omitted → in memory. */
  dataDir?: string;
  /** A data-dir dump to start from (tests clone a migrated template this way). */
  loadDataDir?: Blob | File;
}

export async function openPglite(options: PgliteOptions = {}): Promise<Database & { client: PGlite }> {
  const client = await PGlite.create({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
    extensions: { pg_trgm },
    postgresqlconf: PGLITE_CONF,
  });
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  return {
    kind: 'pglite',
    db,
    client,
    exec: async (script) => {
      await client.exec(script);
    },
    session: (fn) => fn(async (text) => ({ rows: (await client.exec(text)).at(-1)?.rows ?? [] })),
    listen: async (channel, onNotify) => {
      const unlisten = await client.listen(channel, () => onNotify());
      return async () => {
        if (!client.closed) await unlisten().catch(() => {});
      };
    },
    close: () => client.close(),
  };
}

export async function openPostgres(url: string, poolSize = 10): Promise<Database & { pool: pg.Pool }> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: 10_000 });
  // An idle client that loses its server emits 'error' on the pool; without a listener that kills the process.
  pool.on('error', () => {});
  const db = drizzlePg(pool, { schema }) as unknown as Db;
  return {
    kind: 'postgres',
    db,
    pool,
    exec: async (script) => {
      await pool.query(script);
    },
    session: async (fn) => {
      const conn = await pool.connect();
      try {
        return await fn(async (text) => {
          const r = (await conn.query(text)) as unknown as pg.QueryResult | pg.QueryResult[];
          return { rows: Array.isArray(r) ? (r.at(-1)?.rows ?? []) : r.rows };
        });
      } finally {
        conn.release();
      }
    },
    listen: (channel, onNotify) => listenPostgres(url, channel, onNotify),
    close: () => pool.end(),
  };
}

/** LISTEN on a connection of its own (a pooled one would be handed to queries); re-opened after a drop. */
async function listenPostgres(url: string, channel: string, onNotify: () => void): Promise<() => Promise<void>> {
  let client: pg.Client | null = null;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
  const open = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
    c.on('notification', () => onNotify());
    c.on('error', () => {});
    c.on('end', () => {
      if (client === c) client = null;
      if (!stopped) reopenSoon();
    });
    await c.connect();
    await c.query(`listen ${pg.escapeIdentifier(channel)}`);
    if (stopped) return void c.end().catch(() => {});
    client = c;
    // Rows committed while no connection listened are picked up by the relay's poll.
    onNotify();
  };
  const reopenSoon = () => {
    clearTimeout(retry);
    retry = setTimeout(() => open().catch(() => !stopped && reopenSoon()), 1000);
    retry.unref?.();
  };
  await open();
  return async () => {
    stopped = true;
    clearTimeout(retry);
    await client?.end().catch(() => {});
    client = null;
  };
}
