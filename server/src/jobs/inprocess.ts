import type { Logger } from 'pino';
import type { Db } from '../db/client.js';
import type { JobHandlers } from './definitions.js';
import { executeJob } from './execute.js';
import { DEFAULT_RETRY, type JobRunner, type QueuedJob, type RetryPolicy } from './runner.js';

export interface InProcessRunnerOptions {
  db: Db;
  logger: Logger;
  concurrency?: number;
  retry?: RetryPolicy;
}

export interface InProcessRunner extends JobRunner {
  readonly kind: 'inprocess';
  /** Jobs held: waiting, running or waiting for a retry. */
  size(): number;
  /** Resolves when nothing is held (tests). */
  idle(): Promise<void>;
}

interface Entry {
  job: QueuedJob;
  attempt: number;
  state: 'waiting' | 'active' | 'retrying';
}

/**
 * The embedded runner: a queue in memory, fed by the relay from the outbox. Nothing is lost when the
 * process dies, because undone rows stay in the outbox and the sweeper hands them out again.
 * A job id is held from enqueue until its last run ends, so a sweep that re-sends a job still
 * waiting, running or between retries does not start a second copy next to it. Failed jobs retry
 * with exponential backoff; after the last attempt the id is released and the row stays undone
 * for the sweeper.
 */
export function createInProcessRunner(o: InProcessRunnerOptions): InProcessRunner {
  const concurrency = Math.max(1, o.concurrency ?? 4);
  const retry = o.retry ?? DEFAULT_RETRY;
  const entries = new Map<string, Entry>();
  const waiting: Entry[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let idleWaiters: (() => void)[] = [];
  let handlers: JobHandlers | null = null;
  let active = 0;
  let closed = false;

  function release(entry: Entry) {
    entries.delete(entry.job.id);
    if (entries.size === 0) {
      const w = idleWaiters;
      idleWaiters = [];
      for (const resolve of w) resolve();
    }
  }

  function pump() {
    while (handlers && !closed && active < concurrency && waiting.length > 0) {
      const entry = waiting.shift()!;
      entry.state = 'active';
      active++;
      void run(entry).finally(() => {
        active--;
        pump();
      });
    }
  }

  async function run(entry: Entry): Promise<void> {
    try {
      await executeJob(o.db, o.logger, handlers!, entry.job, entry.attempt);
      release(entry);
    } catch {
      if (entry.attempt >= retry.attempts || closed) {
        release(entry);
        if (!closed)
          o.logger.error(
            { jobId: entry.job.id, jobName: entry.job.name, attempts: entry.attempt },
            'job failed after its last attempt; its outbox row is left for the sweeper',
          );
        return;
      }
      const delay = Math.min(retry.backoffMs * 2 ** (entry.attempt - 1), 60_000);
      entry.attempt++;
      entry.state = 'retrying';
      const t = setTimeout(() => {
        timers.delete(t);
        if (closed) return;
        entry.state = 'waiting';
        waiting.push(entry);
        pump();
      }, delay);
      t.unref?.();
      timers.add(t);
    }
  }

  return {
    kind: 'inprocess',
    async enqueue(jobs) {
      if (closed) throw new Error('job runner is closed');
      for (const job of jobs) {
        if (entries.has(job.id)) continue;
        const entry: Entry = { job, attempt: 1, state: 'waiting' };
        entries.set(job.id, entry);
        waiting.push(entry);
      }
      pump();
    },
    async startWorkers(h) {
      handlers = h;
      pump();
    },
    size: () => entries.size,
    idle() {
      if (entries.size === 0) return Promise.resolve();
      return new Promise<void>((resolve) => idleWaiters.push(resolve));
    },
    async close() {
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      waiting.length = 0;
      while (active > 0) await new Promise((r) => setTimeout(r, 10));
      entries.clear();
      const w = idleWaiters;
      idleWaiters = [];
      for (const resolve of w) resolve();
    },
  };
}
