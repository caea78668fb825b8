import type { Logger } from 'pino';
import type { Db } from '../db/client.js';
import type { JobHandlers } from './definitions.js';
import { executeJob } from './execute.js';
import type { JobRunner, QueuedJob } from './runner.js';

const MAX_ATTEMPTS = 8;
const CONCURRENCY = 4;

/**
 * The embedded runner: a queue in memory, fed by the relay from the outbox. Nothing is lost when the
 * process dies, because undone rows stay in the outbox and the sweeper hands them out again.
 * Failed jobs retry with exponential backoff; after the last attempt the row stays undone for the
 * sweeper and the failure is logged.
 */
export function createInProcessRunner(o: { db: Db; logger: Logger }): JobRunner {
  const queued = new Map<string, QueuedJob>();
  const waiting: QueuedJob[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let handlers: JobHandlers | null = null;
  let active = 0;
  let closed = false;

  function pump() {
    while (handlers && !closed && active < CONCURRENCY && waiting.length > 0) {
      const job = waiting.shift()!;
      active++;
      void run(job, 1).finally(() => {
        active--;
        pump();
      });
    }
  }

  async function run(job: QueuedJob, attempt: number): Promise<void> {
    try {
      await executeJob(o.db, o.logger, handlers!, job, attempt);
      queued.delete(job.id);
    } catch {
      if (attempt >= MAX_ATTEMPTS || closed) {
        queued.delete(job.id);
        o.logger.error({ jobId: job.id, name: job.name }, 'job failed after its last attempt; left for the sweeper');
        return;
      }
      const delay = Math.min(100 * 2 ** attempt, 30_000);
      const t = setTimeout(() => {
        timers.delete(t);
        active++;
        void run(job, attempt + 1).finally(() => {
          active--;
          pump();
        });
      }, delay);
      t.unref?.();
      timers.add(t);
    }
  }

  return {
    kind: 'inprocess',
    async enqueue(jobs) {
      for (const job of jobs) {
        if (queued.has(job.id)) continue;
        queued.set(job.id, job);
        waiting.push(job);
      }
      pump();
    },
    async startWorkers(h) {
      handlers = h;
      pump();
    },
    async close() {
      closed = true;
      for (const t of timers) clearTimeout(t);
      while (active > 0) await new Promise((r) => setTimeout(r, 10));
    },
  };
}
