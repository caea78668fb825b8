import { and, asc, desc, eq, inArray, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { orgs, paymentRefunds, payments, stripeEvents, trades } from '../../db/schema.js';

export type PaymentRow = typeof payments.$inferSelect;
export type RefundRow = typeof paymentRefunds.$inferSelect;
export type PaymentStatus = PaymentRow['status'];

export async function insertPayment(dbx: DbOrTx, row: typeof payments.$inferInsert): Promise<PaymentRow> {
  const [inserted] = await dbx.insert(payments).values(row).returning();
  return inserted!;
}

export async function paymentOfTrade(dbx: DbOrTx, tradeId: string, forUpdate = false): Promise<PaymentRow | null> {
  const q = dbx.select().from(payments).where(eq(payments.tradeId, tradeId));
  const [row] = forUpdate ? await q.for('update') : await q;
  return row ?? null;
}

export async function paymentById(dbx: DbOrTx, id: string, forUpdate = false): Promise<PaymentRow | null> {
  const q = dbx.select().from(payments).where(eq(payments.id, id));
  const [row] = forUpdate ? await q.for('update') : await q;
  return row ?? null;
}

export async function paymentByReference(dbx: DbOrTx, reference: string, forUpdate = false): Promise<PaymentRow | null> {
  const q = dbx.select().from(payments).where(eq(payments.reference, reference));
  const [row] = forUpdate ? await q.for('update') : await q;
  return row ?? null;
}

export async function paymentByProviderRef(dbx: DbOrTx, ref: string, forUpdate = false): Promise<PaymentRow | null> {
  const q = dbx.select().from(payments).where(eq(payments.providerRef, ref));
  const [row] = forUpdate ? await q.for('update') : await q;
  return row ?? null;
}

/** Records the provider's id for a payment once; a later answer for the same key carries the same id. */
export async function setPaymentProviderRef(dbx: DbOrTx, id: string, ref: string): Promise<void> {
  await dbx
    .update(payments)
    .set({ providerRef: ref, updatedAt: sql`now()` })
    .where(and(eq(payments.id, id), isNull(payments.providerRef)));
}

const RANK: Record<PaymentStatus, number> = { pending: 0, processing: 1, succeeded: 2, canceled: 2 };

/**
 * Moves a payment's status forward only (pending → processing → succeeded | canceled); a late or
 * repeated event that would move it back changes nothing. Returns whether it moved.
 */
export async function advancePayment(
  dbx: DbOrTx,
  id: string,
  to: PaymentStatus,
  extra: { confirmedBy?: string | null; confirmedAt?: Date } = {},
): Promise<boolean> {
  const lower = (Object.keys(RANK) as PaymentStatus[]).filter((s) => RANK[s] < RANK[to]);
  if (lower.length === 0) return false;
  const r = await dbx
    .update(payments)
    .set({ status: to, updatedAt: sql`now()`, ...extra })
    .where(and(eq(payments.id, id), inArray(payments.status, lower)))
    .returning({ id: payments.id });
  return r.length > 0;
}

/** Open payments of a provider, oldest first (the reconciler's work list). */
export async function openPayments(
  dbx: DbOrTx,
  provider: PaymentRow['provider'],
  limit: number,
  createdBefore?: Date,
): Promise<PaymentRow[]> {
  const conds: SQL[] = [eq(payments.provider, provider), inArray(payments.status, ['pending', 'processing'])];
  if (createdBefore) conds.push(lt(payments.createdAt, createdBefore));
  return dbx
    .select()
    .from(payments)
    .where(and(...conds))
    .orderBy(asc(payments.createdAt))
    .limit(limit);
}

export interface BankTransferListRow {
  payment: PaymentRow;
  payerName: string;
  tradeStatus: string;
  tradeSeq: number;
}

export async function bankTransfers(
  dbx: DbOrTx,
  f: { status?: 'pending' | 'succeeded'; before?: { createdAt: Date; id: string }; limit: number },
): Promise<BankTransferListRow[]> {
  const conds: SQL[] = [eq(payments.provider, 'bank_transfer')];
  if (f.status) conds.push(eq(payments.status, f.status));
  if (f.before)
    conds.push(
      or(
        lt(payments.createdAt, f.before.createdAt),
        and(eq(payments.createdAt, f.before.createdAt), lt(payments.id, f.before.id)),
      )!,
    );
  const found = await dbx
    .select({ payment: payments, payerName: orgs.name, tradeStatus: trades.status, tradeSeq: trades.seq })
    .from(payments)
    .innerJoin(orgs, eq(orgs.id, payments.payerOrgId))
    .innerJoin(trades, eq(trades.id, payments.tradeId))
    .where(and(...conds))
    .orderBy(desc(payments.createdAt), desc(payments.id))
    .limit(f.limit);
  return found;
}

// ── Refunds ──────────────────────────────────────────────────────────────────────────────────

/** Stores a refund (its key included) before any call; the existing one when the trade has one. */
export async function ensureRefund(dbx: DbOrTx, row: typeof paymentRefunds.$inferInsert): Promise<RefundRow> {
  await dbx.insert(paymentRefunds).values(row).onConflictDoNothing({ target: paymentRefunds.tradeId });
  const [stored] = await dbx.select().from(paymentRefunds).where(eq(paymentRefunds.tradeId, row.tradeId));
  return stored!;
}

export async function refundOfTrade(dbx: DbOrTx, tradeId: string): Promise<RefundRow | null> {
  const [row] = await dbx.select().from(paymentRefunds).where(eq(paymentRefunds.tradeId, tradeId));
  return row ?? null;
}

export async function refundByProviderRef(dbx: DbOrTx, ref: string): Promise<RefundRow | null> {
  const [row] = await dbx.select().from(paymentRefunds).where(eq(paymentRefunds.providerRef, ref));
  return row ?? null;
}

export async function countRefundAttempt(dbx: DbOrTx, id: string): Promise<void> {
  await dbx
    .update(paymentRefunds)
    .set({ attempts: sql`${paymentRefunds.attempts} + 1`, updatedAt: sql`now()` })
    .where(eq(paymentRefunds.id, id));
}

const REFUND_RANK: Record<RefundRow['status'], number> = { pending: 0, succeeded: 1, failed: 1, canceled: 1 };

/** Records the provider's answer for a refund: its id once, its status forward only. */
export async function recordRefundResult(
  dbx: DbOrTx,
  id: string,
  r: { providerRef?: string | null; status: RefundRow['status'] },
): Promise<void> {
  if (r.providerRef)
    await dbx
      .update(paymentRefunds)
      .set({ providerRef: r.providerRef, updatedAt: sql`now()` })
      .where(and(eq(paymentRefunds.id, id), isNull(paymentRefunds.providerRef)));
  const lower = (Object.keys(REFUND_RANK) as RefundRow['status'][]).filter((s) => REFUND_RANK[s] < REFUND_RANK[r.status]);
  if (lower.length)
    await dbx
      .update(paymentRefunds)
      .set({ status: r.status, updatedAt: sql`now()` })
      .where(and(eq(paymentRefunds.id, id), inArray(paymentRefunds.status, lower)));
}

export async function openRefunds(dbx: DbOrTx, provider: RefundRow['provider'], limit: number): Promise<RefundRow[]> {
  return dbx
    .select()
    .from(paymentRefunds)
    .where(and(eq(paymentRefunds.provider, provider), eq(paymentRefunds.status, 'pending')))
    .orderBy(asc(paymentRefunds.createdAt))
    .limit(limit);
}

// ── Stripe events ────────────────────────────────────────────────────────────────────────────

/** Stores an event id in the caller's transaction; false when it was stored before (a repeat). */
export async function recordStripeEvent(dbx: DbOrTx, e: { id: string; type: string; objectId: string | null }): Promise<boolean> {
  const r = await dbx
    .insert(stripeEvents)
    .values(e)
    .onConflictDoNothing({ target: stripeEvents.id })
    .returning({ id: stripeEvents.id });
  return r.length > 0;
}
