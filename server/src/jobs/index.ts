import type { Logger } from 'pino';
import type { Db } from '../db/client.js';
import type { JobHandlers } from './definitions.js';
import { onOutboxCommitted } from '../db/tx.js';
import { createRelay, type DirectPublisher, type Relay } from './relay.js';
import { createInProcessRunner, type InProcessRunner } from './inprocess.js';
import type { JobRunner, RetryPolicy } from './runner.js';

export interface JobSystemOptions {
  db: Db;
  logger: Logger;
  handlers: JobHandlers;
  /** BullMQ when set; the in-process runner otherwise. */
  redisUrl?: string;
  /** Process jobs in this process (API with RUN_WORKERS_IN_PROCESS, or the worker). */
  runWorkers: boolean;
  /** Relay outbox rows to the runner from this process. */
  runRelay: boolean;
  relayIntervalMs: number;
  sweepStuckAfterSeconds: number;
  /** BullMQ queue name and Redis key prefix; tests isolate each file with its own prefix. */
  queueName?: string;
  queuePrefix?: string;
  /** Jobs run at once in this process. */
  concurrency?: number;
  /** Attempts and backoff before a row is left to the sweeper (tests shorten the backoff). */
  retry?: RetryPolicy;
  enqueueTimeoutMs?: number;
  /** Live events published by the relay itself (the API process), not through the runner. */
  direct?: DirectPublisher;
  /** Subscribes to the outbox's NOTIFY channel (migration 0023), so rows other processes commit wake this relay. */
  listen?: (onNotify: () => void) => Promise<() => Promise<void>>;
}

export interface JobSystem {
  runner: JobRunner;
  relay: Relay;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Relay what is due now and wait until it is done (tests, scripts). Needs workers somewhere. */
  drain(timeoutMs?: number): Promise<void>;
}

export async function createJobSystem(o: JobSystemOptions): Promise<JobSystem> {
  const names = Object.keys(o.handlers);
  for (const [name, h] of Object.entries(o.handlers)) if (typeof h !== 'function') throw new Error(`job ${name} has no handler`);
  const runner: JobRunner = o.redisUrl
    ? await (await import('./bullmq.js')).createBullmqRunner({
        redisUrl: o.redisUrl,
        logger: o.logger,
        db: o.db,
        queueName: o.queueName,
        prefix: o.queuePrefix,
        concurrency: o.concurrency,
        retry: o.retry,
      })
    : createInProcessRunner({ logger: o.logger, db: o.db, concurrency: o.concurrency, retry: o.retry });
  if (!o.redisUrl && !o.runWorkers)
    o.logger.warn('in-process job runner without workers: outbox jobs will wait until a process runs them');
  const relay = createRelay({
    db: o.db,
    runner,
    logger: o.logger,
    intervalMs: o.relayIntervalMs,
    stuckAfterSeconds: o.sweepStuckAfterSeconds,
    enqueueTimeoutMs: o.enqueueTimeoutMs,
    direct: o.direct,
  });
  let started = false;
  let stopped = false;
  const unsubscribe: (() => unknown)[] = [];
  return {
    runner,
    relay,
    async start() {
      if (started || stopped) return;
      started = true;
      if (o.runWorkers) await runner.startWorkers(o.handlers, names);
      if (o.runRelay) {
        relay.start();
        // Woken on commit: by this process's transactions at once, by the others' through NOTIFY.
        unsubscribe.push(onOutboxCommitted(o.db, relay.kick));
        if (o.listen)
          unsubscribe.push(
            await o.listen(relay.kick).catch((err: unknown) => {
              o.logger.warn({ err }, 'could not LISTEN for outbox commits; the relay polls instead');
              return () => {};
            }),
          );
      }
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const u of unsubscribe.splice(0)) await u();
      await relay.stop();
      await runner.close();
    },
    async drain(timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        await relay.tick();
        const pending = await relay.pendingCount();
        // A row is marked done inside its job, a moment before the in-process runner lets go of the
        // job id; drained means both, so a re-send right after is treated as a new delivery.
        if (pending === 0) return runner.kind === 'inprocess' ? (runner as InProcessRunner).idle() : undefined;
        if (Date.now() > deadline) throw new Error(`jobs did not drain in ${timeoutMs} ms (${pending} outbox rows pending)`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}
