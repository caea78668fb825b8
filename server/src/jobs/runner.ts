import type { JobHandlers, JobName } from './definitions.js';

/** A job handed from the outbox to a runner. Its id is derived from the outbox row, so re-enqueueing dedupes. */
export interface QueuedJob {
  id: string;
  name: JobName;
  outboxId: number;
  payload: unknown;
}

/** Two implementations behind this interface: BullMQ on Redis and an in-process queue. */
export interface JobRunner {
  readonly kind: 'bullmq' | 'inprocess';
  enqueue(jobs: QueuedJob[]): Promise<void>;
  startWorkers(handlers: JobHandlers, names: string[]): Promise<void>;
  close(): Promise<void>;
}

export function jobIdFor(outboxId: number): string {
  // BullMQ job ids must not contain ':'.
  return `ob-${outboxId}`;
}
