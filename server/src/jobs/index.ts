import type { Logger } from 'pino';
import type { Db } from '../db/client.js';
import type { JobHandlers } from './definitions.js';
import { createRelay, type Relay } from './relay.js';
import { createInProcessRunner } from './inprocess.js';
import type { JobRunner } from './runner.js';

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
}

export interface JobSystem {
  runner: JobRunner;
  relay: Relay;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Relay what is due now and wait until the runner has drained it (tests, scripts). */
  drain(timeoutMs?: number): Promise<void>;
}

export async function createJobSystem(o: JobSystemOptions): Promise<JobSystem> {
  const names = Object.keys(o.handlers);
  for (const [name, h] of Object.entries(o.handlers))
    if (typeof h !== 'function') throw new Error(`job ${name} has no handler`);
  const runner: JobRunner = o.redisUrl
    ? await (await import('./bullmq.js')).createBullmqRunner({ redisUrl: o.redisUrl, logger: o.logger, db: o.db })
    : createInProcessRunner({ logger: o.logger, db: o.db });
  const relay = createRelay({ db: o.db, runner, logger: o.logger, intervalMs: o.relayIntervalMs, stuckAfterSeconds: o.sweepStuckAfterSeconds });
  return {
    runner,
    relay,
    async start() {
      if (o.runWorkers) await runner.startWorkers(o.handlers, names);
      if (o.runRelay) relay.start();
    },
    async stop() {
      await relay.stop();
      await runner.close();
    },
    async drain(timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        await relay.tick();
        if ((await relay.pendingCount()) === 0) return;
        if (Date.now() > deadline) throw new Error('jobs did not drain in time');
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}
