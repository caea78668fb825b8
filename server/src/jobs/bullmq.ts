import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Db } from '../db/client.js';
import type { JobHandlers, JobName } from './definitions.js';
import { executeJob } from './execute.js';
import { quitRedis, within } from '../realtime/emitter.js';
import { DEFAULT_RETRY, type JobRunner, type QueuedJob, type RetryPolicy } from './runner.js';

export const DEFAULT_QUEUE_NAME = 'zwx-jobs';
export const DEFAULT_QUEUE_PREFIX = 'zwx';
/** Inside the process's 10 s shutdown deadline (shutdown.ts): the worker's close, then the queue's. */
const CLOSE_TIMEOUT_MS = 5_000;

export interface BullmqRunnerOptions {
  redisUrl: string;
  logger: Logger;
  db: Db;
  /** Queue name (default zwx-jobs). */
  queueName?: string;
  /** Redis key prefix (default zwx); tests give each file its own so they never share a queue. */
  prefix?: string;
  /** Jobs one worker process runs at once (default 8). */
  concurrency?: number;
  retry?: RetryPolicy;
}

/** What a BullMQ job carries: the outbox row and its payload. The job name is the outbox topic. */
interface JobData {
  outboxId: number;
  payload: unknown;
}

/**
 * BullMQ on Redis (scale-out). Redis only carries copies of outbox rows: job ids are the outbox
 * ids, so re-sending a row while its job still exists in Redis is a no-op; finished jobs are
 * trimmed (removeOnComplete/removeOnFail), after which a re-send runs the processor again and
 * executeJob's database guard skips it. Failed jobs retry with exponential backoff; after the last
 * attempt the job stays in the failed set (bounded) and the row stays undone for the sweeper,
 * which removes the failed job before adding it again.
 */
export async function createBullmqRunner(o: BullmqRunnerOptions): Promise<JobRunner> {
  const queueName = o.queueName ?? DEFAULT_QUEUE_NAME;
  const prefix = o.prefix ?? DEFAULT_QUEUE_PREFIX;
  const retry = o.retry ?? DEFAULT_RETRY;
  const log = o.logger.child({ queue: queueName });

  // The producer side fails a command after a few retries rather than queueing it forever, so a
  // relay pass against a dead Redis ends and its claim is undone (relay.ts).
  const queueConnection = new Redis(o.redisUrl, { maxRetriesPerRequest: 2, connectionName: `${queueName}-queue` });
  queueConnection.on('error', (err) => log.warn({ err: err.message }, 'redis (queue) connection error'));

  const queue = new Queue<JobData>(queueName, {
    connection: queueConnection,
    prefix,
    defaultJobOptions: {
      attempts: retry.attempts,
      backoff: { type: 'exponential', delay: retry.backoffMs },
      // Bounded: Redis is not the record. The outbox row keeps attempts and the last error.
      removeOnComplete: { count: 1000, age: 24 * 3600 },
      removeOnFail: { count: 5000, age: 7 * 24 * 3600 },
    },
  });
  queue.on('error', (err) => log.warn({ err: err.message }, 'bullmq queue error'));

  let worker: Worker<JobData> | null = null;
  let workerConnection: Redis | null = null;

  return {
    kind: 'bullmq',

    async enqueue(jobs: QueuedJob[], options = {}) {
      if (jobs.length === 0) return;
      if (options.redelivery) {
        // A job that finished in Redis but whose row is not done (the processor gave up, or the
        // row's done mark was lost) would otherwise block its id: add() ignores an existing id.
        await Promise.all(
          jobs.map(async (j) => {
            const existing = await queue.getJob(j.id);
            if (!existing) return;
            const state = await existing.getState();
            if (state === 'completed' || state === 'failed') {
              await existing
                .remove()
                .catch((err: unknown) => log.warn({ err, jobId: j.id }, 'could not remove a finished job before re-sending it'));
            }
          }),
        );
      }
      await queue.addBulk(
        jobs.map((j) => ({
          name: j.name,
          data: { outboxId: j.outboxId, payload: j.payload },
          opts: { jobId: j.id },
        })),
      );
    },

    async startWorkers(handlers: JobHandlers) {
      if (worker) return;
      // Workers block on Redis; BullMQ requires these connections to retry forever.
      workerConnection = new Redis(o.redisUrl, { maxRetriesPerRequest: null, connectionName: `${queueName}-worker` });
      workerConnection.on('error', (err) => log.warn({ err: err.message }, 'redis (worker) connection error'));
      worker = new Worker<JobData>(
        queueName,
        async (job: Job<JobData>) => {
          const queued: QueuedJob = {
            id: String(job.id),
            name: job.name as JobName,
            outboxId: job.data.outboxId,
            payload: job.data.payload,
          };
          await executeJob(o.db, log, handlers, queued, job.attemptsMade + 1);
        },
        { connection: workerConnection, prefix, concurrency: o.concurrency ?? 8 },
      );
      worker.on('error', (err) => log.warn({ err: err.message }, 'bullmq worker error'));
      worker.on('failed', (job, err) => {
        if (job && job.attemptsMade >= (job.opts.attempts ?? 1))
          log.error(
            { jobId: job.id, jobName: job.name, attempts: job.attemptsMade, err: err.message },
            'job failed after its last attempt; its outbox row is left for the sweeper',
          );
      });
      await worker.waitUntilReady();
    },

    async close() {
      // Worker first, gracefully: running jobs finish and are acknowledged before connections go.
      // Bounded, because a worker cannot finish gracefully against a Redis that is gone; anything
      // cut short is redelivered by the sweeper and guarded by the database.
      if (worker) {
        const w = worker;
        const graceful = await within(
          w.close().then(() => true),
          CLOSE_TIMEOUT_MS,
        ).catch((err: unknown) => {
          log.warn({ err }, 'closing the bullmq worker failed');
          return false;
        });
        if (!graceful) await within(w.close(true), 1000).catch(() => {});
      }
      await within(queue.close(), 2_000).catch((err: unknown) => log.warn({ err }, 'closing the bullmq queue failed'));
      for (const c of [workerConnection, queueConnection]) if (c) await quitRedis(c);
      worker = null;
      workerConnection = null;
    },
  };
}
