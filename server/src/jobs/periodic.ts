/**
 * Periodic jobs: a job that runs one pass and then writes its own next run into the outbox, in the
 * transaction that marks the finished run done, so exactly one future run is pending whatever
 * crashes where. At start-up each process makes sure one run is scheduled; a transaction-scoped
 * advisory lock per topic makes processes starting at once schedule one run between them.
 *
 * Used by the manifests deadline sweep, the notifications reminder sweep, the credit nightly pass,
 * the prices daily refresh and the Stripe reconciler.
 */
import { sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { advisoryXactLock, dbNow, inTransaction, one } from '../db/tx.js';
import { enqueue, markDone } from './outbox.js';

/** The jobs that schedule themselves (each has an empty payload). */
export type PeriodicTopic =
  | 'manifests.sweep'
  | 'notifications.sweep'
  | 'credit.nightly'
  | 'prices.refreshStale'
  | 'payments.reconcile';

/** When the next run is due; read in the scheduling transaction. */
export type NextRunAt = (tx: Tx) => Date | Promise<Date>;

/**
 * Writes the next run of `topic` unless one is already pending (other than `currentOutboxId`, the
 * run finishing now). The lock is the topic's two parts, `manifests.sweep` → ('manifests', 'sweep').
 */
export async function scheduleNextRun(
  tx: Tx,
  topic: PeriodicTopic,
  currentOutboxId: number | null,
  at: NextRunAt,
): Promise<void> {
  const [namespace, key] = topic.split('.') as [string, string];
  await advisoryXactLock(tx, namespace, key);
  const pending = await one<{ n: number }>(
    tx,
    sql`select count(*)::int as n from outbox where topic = ${topic} and done_at is null and id <> ${currentOutboxId ?? -1}`,
  );
  if ((pending?.n ?? 0) > 0) return;
  await enqueue(tx, topic, {}, { availableAt: await at(tx) });
}

/** The end of a run: marks it done and schedules the next one, in one transaction. */
export async function finishRun(db: Db, topic: PeriodicTopic, outboxId: number, at: NextRunAt): Promise<void> {
  await inTransaction(db, async (tx) => {
    await markDone(tx, outboxId);
    await scheduleNextRun(tx, topic, outboxId, at);
  });
}

/** At start-up: makes sure one run of `topic` is scheduled. */
export async function ensureScheduled(db: Db, topic: PeriodicTopic, at: NextRunAt): Promise<void> {
  await inTransaction(db, (tx) => scheduleNextRun(tx, topic, null, at));
}

/**
 * `ms` after now on the database clock: a test's moved clock must not make the next run due at once,
 * forever.
 */
export const afterOnDbClock =
  (ms: number): NextRunAt =>
  async (tx) =>
    new Date((await dbNow(tx)).getTime() + ms);
