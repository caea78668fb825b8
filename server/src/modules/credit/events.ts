/**
 * How other modules feed the credit score: one call, in the transaction of the change it describes.
 *
 *   await recordCreditEvent(tx, { orgId, kind: 'trade_cancelled', subjectType: 'trade', subjectId, occurredAt, details });
 *
 * The row lands in credit_events (append-only; one per org, kind and subject, so a replayed step
 * records nothing twice) and the table's trigger writes the `credit.recompute` outbox job for the org
 * in the same transaction (migration 0005_credit.sql). A rollback takes both back.
 *
 * This file imports nothing of other modules, so any module can import it without a cycle.
 */
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { noteOutboxWrite, rows } from '../../db/tx.js';
import type { CreditEventKind } from '../../../../shared/src/schemas/credit.js';

export interface CreditEventInput {
  orgId: string;
  kind: CreditEventKind;
  /** What the event is about: 'trade', 'manifest', 'payment', 'sanction', 'licence'. */
  subjectType: string;
  subjectId: string;
  /** When it happened (the model decays from here). */
  occurredAt: Date;
  details?: Record<string, unknown>;
}

/** Records a credit input; returns false when the same org, kind and subject was recorded before. */
export async function recordCreditEvent(tx: DbOrTx, e: CreditEventInput): Promise<boolean> {
  const inserted = await rows<{ id: string | number }>(
    tx,
    sql`insert into credit_events (org_id, kind, subject_type, subject_id, occurred_at, details)
        values (${e.orgId}, ${e.kind}, ${e.subjectType}, ${e.subjectId}, ${e.occurredAt.toISOString()}::timestamptz, ${JSON.stringify(e.details ?? {})}::jsonb)
        on conflict (org_id, kind, subject_type, subject_id) do nothing
        returning id`,
  );
  // A trigger (migration 0005) wrote the recompute job: wake the relay when this commits.
  if (inserted.length > 0) noteOutboxWrite(tx);
  return inserted.length > 0;
}
