import { sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Db } from '../db/client.js';
import { rows } from '../db/tx.js';
import type { JobName } from './definitions.js';
import { jobIdFor, type JobRunner, type QueuedJob } from './runner.js';

export interface Relay {
  start(): void;
  stop(): Promise<void>;
  /** One pass: hand due, undispatched rows to the runner, then re-enqueue stuck ones. */
  tick(): Promise<number>;
  pendingCount(): Promise<number>;
}

const BATCH = 200;

/**
 * Moves committed outbox rows to the job runner. A row is marked dispatched only after the runner
 * accepted it, so a crash in between re-sends it (the runner dedupes on the job id). The sweeper
 * half re-enqueues rows dispatched long ago and still not done: what a lost Redis forgot (J1).
 * Rows are claimed with SKIP LOCKED so several relays (API processes) can run at once.
 */
export function createRelay(o: { db: Db; runner: JobRunner; logger: Logger; intervalMs: number; stuckAfterSeconds: number }): Relay {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<number> | null = null;
  let stopped = true;

  async function dispatch(where: ReturnType<typeof sql>): Promise<number> {
    return o.db.transaction(async (tx) => {
      const due = await rows<{ id: string | number; topic: string; payload: unknown }>(
        tx,
        sql`select id, topic, payload from outbox where ${where} order by id limit ${BATCH} for update skip locked`,
      );
      if (due.length === 0) return 0;
      const jobs: QueuedJob[] = due.map((r) => ({
        id: jobIdFor(Number(r.id)),
        name: r.topic as JobName,
        outboxId: Number(r.id),
        payload: r.payload,
      }));
      await o.runner.enqueue(jobs);
      const ids = jobs.map((j) => j.outboxId);
      await tx.execute(
        sql`update outbox set dispatched_at = now(), dispatch_count = dispatch_count + 1 where id in (${sql.join(ids.map((id) => sql`${id}`), sql`, `)})`,
      );
      return due.length;
    });
  }

  async function tickOnce(): Promise<number> {
    let n = 0;
    n += await dispatch(sql`done_at is null and dispatched_at is null and available_at <= now()`);
    n += await dispatch(
      sql`done_at is null and dispatched_at is not null and dispatched_at < now() - make_interval(secs => ${o.stuckAfterSeconds})`,
    );
    return n;
  }

  async function tick(): Promise<number> {
    // One pass at a time per process; a caller arriving mid-pass waits for it and runs again.
    while (running) await running.catch(() => 0);
    running = tickOnce();
    try {
      return await running;
    } finally {
      running = null;
    }
  }

  function schedule() {
    if (stopped) return;
    timer = setTimeout(async () => {
      try {
        const n = await tick();
        if (n === BATCH) return schedule();
      } catch (err) {
        o.logger.warn({ err }, 'outbox relay pass failed');
      }
      schedule();
    }, o.intervalMs);
    timer.unref?.();
  }

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      schedule();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      while (running) await running.catch(() => 0);
    },
    tick,
    async pendingCount() {
      const [r] = await rows<{ n: string | number }>(
        o.db,
        sql`select count(*) as n from outbox where done_at is null and available_at <= now()`,
      );
      return Number(r?.n ?? 0);
    },
  };
}
