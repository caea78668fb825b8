import { sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Db } from '../db/client.js';
import { outbox } from '../db/schema.js';
import { logContext, safeErrorMessage } from '../logger.js';
import type { JobHandlers, JobMeta, JobName } from './definitions.js';
import type { QueuedJob } from './runner.js';

export type ExecuteResult = 'done' | 'skipped';

/**
 * Jobs whose handler marks its own row done inside its transaction and whose effect is keyed (a
 * second run writes nothing), so the guard read before and the mark after are two round trips for
 * nothing: notifications.fanout runs once per bid, and those two were a fifth of its statements
 * (issue 15). A redelivered one runs its transaction, finds the row done and its rows written.
 */
const MARKS_OWN_ROW: ReadonlySet<JobName> = new Set<JobName>(['notifications.fanout']);

/**
 * Runs one job for either runner: the database guard every processor goes through. A job whose
 * outbox row is already done (or gone) is skipped, because neither runner's job id is
 * exactly-once: BullMQ forgets ids after removeOnComplete or a flush, and the sweeper re-sends
 * anything not done. Handlers whose effect must happen once mark the row done inside their own
 * transaction (markDone in outbox.ts) and return early when it was already done; every other
 * handler is at-least-once and its row is marked done here after it returns. A throw records the
 * error on the row and is rethrown for the runner's retry.
 */
export async function executeJob(
  db: Db,
  logger: Logger,
  handlers: JobHandlers,
  job: QueuedJob,
  attempt: number,
): Promise<ExecuteResult> {
  return logContext.run({ jobId: job.id, jobName: job.name }, async () => {
    const ownRow = MARKS_OWN_ROW.has(job.name as JobName);
    if (!ownRow) {
      const [row] = await db.select({ doneAt: outbox.doneAt }).from(outbox).where(sql`${outbox.id} = ${job.outboxId}`);
      if (!row || row.doneAt) {
        logger.debug({ jobId: job.id, outboxId: job.outboxId }, 'job skipped: its outbox row is already done');
        return 'skipped';
      }
    }
    try {
      const handler = handlers[job.name as JobName] as ((payload: unknown, meta: JobMeta) => Promise<void>) | undefined;
      if (typeof handler !== 'function') throw new Error(`no handler for job ${job.name}`);
      await handler(job.payload, { outboxId: job.outboxId, attempt });
      if (!ownRow)
        await db
          .update(outbox)
          .set({ doneAt: sql`coalesce(${outbox.doneAt}, now())` })
          .where(sql`${outbox.id} = ${job.outboxId}`);
      return 'done';
    } catch (err) {
      logger.warn({ err, attempt, outboxId: job.outboxId }, 'job failed');
      await db
        .update(outbox)
        .set({ attempts: sql`${outbox.attempts} + 1`, lastError: safeErrorMessage(err).slice(0, 1000) })
        .where(sql`${outbox.id} = ${job.outboxId}`)
        .catch((e: unknown) => logger.warn({ err: e }, 'could not record the job failure'));
      throw err;
    }
  });
}
