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
      let wroteOutbox = false;
      const result = await db.transaction(
        async (tx) => {
          const r = await fn(tx);
          wroteOutbox = outboxWriters.has(tx);
          return r;
        },
        { isolationLevel: options.isolation ?? 'read committed' },
      );
      if (wroteOutbox) outboxCommitted(db);
      return result;
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

const commitListeners = new WeakMap<object, Set<() => void>>();
const outboxWriters = new WeakSet<object>();

/**
 * Calls `listener` after each transaction on `db` that wrote an outbox row commits (the relay's
 * in-process kick, ADR 0025). Returns a function that removes it.
 */
export function onOutboxCommitted(db: Db, listener: () => void): () => void {
  let set = commitListeners.get(db);
  if (!set) commitListeners.set(db, (set = new Set()));
  set.add(listener);
  return () => set.delete(listener);
}

/** Called by enqueue(): on a transaction, the listeners run after it commits; on the Db, now. */
export function noteOutboxWrite(dbOrTx: DbOrTx): void {
  if (commitListeners.has(dbOrTx)) outboxCommitted(dbOrTx as Db);
  else outboxWriters.add(dbOrTx);
}

function outboxCommitted(db: Db): void {
  const set = commitListeners.get(db);
  if (set?.size) for (const l of set) l();
  else notifyOtherProcesses(db);
}

/** The channel relays LISTEN on (server/src/jobs/index.ts). */
export const OUTBOX_CHANNEL = 'zwx_outbox';
const notifyPending = new WeakSet<object>();

/**
 * A process that runs no relay of its own (a script, the migration command) wakes the others' after
 * its commit: one NOTIFY per burst, in a statement of its own. Never inside the writing transaction
 * (migration 0025: there it serialises every commit of the cluster behind one lock).
 */
function notifyOtherProcesses(db: Db): void {
  if (notifyPending.has(db)) return;
  notifyPending.add(db);
  setTimeout(() => {
    notifyPending.delete(db);
    // Best effort: a relay that misses it finds the rows at its next poll.
    db.execute(sql`select pg_notify(${OUTBOX_CHANNEL}, '')`).catch(() => {});
  }, 5).unref?.();
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
