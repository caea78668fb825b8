import { sql, type SQL } from 'drizzle-orm';
import type { Db, DbOrTx, Tx } from './client.js';

const RETRYABLE = new Set(['40001', '40P01']);

function sqlState(err: unknown): string | undefined {
  let e: unknown = err;
  for (let i = 0; i < 4 && e && typeof e === 'object'; i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

export function isUniqueViolation(err: unknown): boolean {
  return sqlState(err) === '23505';
}

/**
 * Runs `fn` in one transaction: everything a use case changes, its audit rows and its outbox rows
 * commit together. Serialization failures and deadlocks are retried a bounded number of times.
 */
export async function inTransaction<T>(
  db: Db,
  fn: (tx: Tx) => Promise<T>,
  options: { isolation?: 'read committed' | 'repeatable read' | 'serializable'; retries?: number } = {},
): Promise<T> {
  const retries = options.retries ?? 5;
  for (let attempt = 0; ; attempt++) {
    try {
      return await db.transaction(fn, { isolationLevel: options.isolation ?? 'read committed' });
    } catch (err) {
      const state = sqlState(err);
      if (attempt < retries && state && RETRYABLE.has(state)) {
        await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * (attempt + 1)));
        continue;
      }
      throw err;
    }
  }
}

/** Rows of a raw query, the same shape on both drivers. */
export async function rows<T = Record<string, unknown>>(db: DbOrTx, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

export async function one<T = Record<string, unknown>>(db: DbOrTx, query: SQL): Promise<T | undefined> {
  return (await rows<T>(db, query))[0];
}

/** Serialises work on one key across every process sharing the database, until the transaction ends. */
export async function advisoryXactLock(tx: Tx, namespace: string, key: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${namespace}), hashtext(${key}))`);
}

/** The database clock, for decisions that must agree across processes (auction close, deadlines). */
export async function dbNow(db: DbOrTx): Promise<Date> {
  const row = await one<{ now: Date | string }>(db, sql`select now() as now`);
  return new Date(row!.now);
}
