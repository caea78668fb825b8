import { sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Db } from '../db/client.js';
import { outbox } from '../db/schema.js';
import { logContext } from '../logger.js';
import type { JobHandlers, JobName } from './definitions.js';
import type { QueuedJob } from './runner.js';

/**
 * Runs one job for either runner. A job whose outbox row is already done is skipped (a runner's job
 * id is not exactly-once); handlers that change data mark the row done in their own transaction via
 * markDone, others are marked done here after they return.
 */
export async function executeJob(db: Db, logger: Logger, handlers: JobHandlers, job: QueuedJob, attempt: number): Promise<void> {
  return logContext.run({ jobId: job.id, jobName: job.name }, async () => {
    const [row] = await db.select({ doneAt: outbox.doneAt }).from(outbox).where(sql`${outbox.id} = ${job.outboxId}`);
    if (!row || row.doneAt) return;
    const handler = handlers[job.name as JobName] as (p: unknown, m: { outboxId: number; attempt: number }) => Promise<void>;
    if (!handler) throw new Error(`no handler for job ${job.name}`);
    try {
      await handler(job.payload, { outboxId: job.outboxId, attempt });
      await db.update(outbox).set({ doneAt: sql`coalesce(${outbox.doneAt}, now())` }).where(sql`${outbox.id} = ${job.outboxId}`);
    } catch (err) {
      logger.warn({ err, attempt }, 'job failed');
      await db
        .update(outbox)
        .set({ attempts: sql`${outbox.attempts} + 1`, lastError: String((err as Error)?.message ?? err).slice(0, 1000) })
        .where(sql`${outbox.id} = ${job.outboxId}`);
      throw err;
    }
  });
}
