import type { JobHandlers, JobName } from './definitions.js';

/** A job handed from the outbox to a runner. Its id is derived from the outbox row, so re-enqueueing dedupes. */
export interface QueuedJob {
  id: string;
  name: JobName;
  outboxId: number;
  payload: unknown;
}

export interface EnqueueOptions {
  /**
   * Set by the sweeper: these rows were handed out before and are still not done. A runner that
   * keeps finished jobs around under the same id (BullMQ's completed/failed sets) must let them run
   * again instead of treating the id as a duplicate.
   */
  redelivery?: boolean;
}

/** How a runner retries a failing job before leaving its row to the sweeper. */
export interface RetryPolicy {
  /** Runs in all, the first included. */
  attempts: number;
  /** Delay before the second run; doubles on each further run. */
  backoffMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 8, backoffMs: 500 };

/** Two implementations behind this interface: BullMQ on Redis and an in-process queue. */
export interface JobRunner {
  readonly kind: 'bullmq' | 'inprocess';
  /** Accepts jobs for later processing; resolves once they are durably queued (or, in process, held). */
  enqueue(jobs: QueuedJob[], options?: EnqueueOptions): Promise<void>;
  /** Starts processing in this process. Every job name must have a handler. */
  startWorkers(handlers: JobHandlers, names: string[]): Promise<void>;
  /** Stops taking new work, lets running jobs finish, releases connections. */
  close(): Promise<void>;
}

export function jobIdFor(outboxId: number): string {
  // BullMQ job ids must not contain ':' (it separates the parts of its Redis keys).
  return `ob-${outboxId}`;
}
