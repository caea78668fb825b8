import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { outbox } from '../db/schema.js';
import { noteOutboxWrite } from '../db/tx.js';
import type { JobName, JobPayloads } from './definitions.js';

/**
 * Records work to do after commit. Call it with the transaction that makes the change it
 * announces: if that rolls back, the job never existed (RELIABILITY R1).
 */
export async function enqueue<N extends JobName>(
  tx: DbOrTx,
  name: N,
  payload: JobPayloads[N],
  options: { availableAt?: Date } = {},
): Promise<number> {
  const [row] = await tx
    .insert(outbox)
    .values({ topic: name, payload, ...(options.availableAt ? { availableAt: options.availableAt } : {}) })
    .returning({ id: outbox.id });
  // Wakes this process's relay once the row commits (migration 0023 wakes the others).
  noteOutboxWrite(tx);
  return row!.id;
}

/** Marks an outbox row done, in the handler's own transaction when it has one (the guard against redelivery). */
export async function markDone(tx: DbOrTx, outboxId: number): Promise<boolean> {
  const r = await tx
    .update(outbox)
    .set({ doneAt: sql`now()` })
    .where(sql`${outbox.id} = ${outboxId} and ${outbox.doneAt} is null`)
    .returning({ id: outbox.id });
  return r.length > 0;
}
