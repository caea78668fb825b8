import { sql, type SQL } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Db } from '../db/client.js';
import { rows } from '../db/tx.js';
import type { JobName } from './definitions.js';
import { jobIdFor, type JobRunner, type QueuedJob } from './runner.js';

export interface Relay {
  start(): void;
  stop(): Promise<void>;
  /** One pass: hand due, undispatched rows to the runner, then re-send stuck ones. Returns rows handed out. */
  tick(): Promise<number>;
  /** Rows due now and not done (what drain() waits for). */
  pendingCount(): Promise<number>;
}

export interface RelayOptions {
  db: Db;
  runner: JobRunner;
  logger: Logger;
  intervalMs: number;
  /** A row handed out this long ago and still not done is handed out again (the sweeper). */
  stuckAfterSeconds: number;
  /** How long the runner may take to accept a batch before the claim is undone (default 10 s). */
  enqueueTimeoutMs?: number;
}

const BATCH = 200;
/** Batches per pass, so a backlog drains without waiting an interval per batch. */
const MAX_BATCHES_PER_TICK = 10;

/**
 * Moves committed outbox rows to the job runner (RELIABILITY R1, J1).
 *
 * A pass claims a batch in one statement (dispatched_at = now(), dispatch_count + 1, rows taken with
 * SKIP LOCKED so several relays can run at once), then hands it to the runner outside any
 * transaction: a slow or unreachable Redis must not hold row locks, and on PGlite a transaction
 * blocks the whole database. If the runner refuses the batch, the claim is undone so the next pass
 * retries at once; if the process dies between claim and hand-off, the sweeper re-sends the rows
 * after stuckAfterSeconds. The sweeper also re-sends what a flushed or lost Redis forgot, and what
 * a runner gave up on after its last attempt. Runners dedupe on the job id and executeJob skips
 * rows already done, so a re-send never runs a finished job again.
 */
export function createRelay(o: RelayOptions): Relay {
  const enqueueTimeoutMs = o.enqueueTimeoutMs ?? 10_000;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<number> | null = null;
  let stopped = true;

  async function claim(where: SQL): Promise<{ jobs: QueuedJob[]; redelivered: Set<string> }> {
    const claimed = await rows<{ id: string | number; topic: string; payload: unknown; dispatch_count: number }>(
      o.db,
      sql`update outbox set dispatched_at = now(), dispatch_count = dispatch_count + 1
          where id in (select id from outbox where ${where} order by id limit ${BATCH} for update skip locked)
          returning id, topic, payload, dispatch_count`,
    );
    claimed.sort((a, b) => Number(a.id) - Number(b.id));
    const jobs = claimed.map((r) => ({
      id: jobIdFor(Number(r.id)),
      name: r.topic as JobName,
      outboxId: Number(r.id),
      payload: r.payload,
    }));
    const redelivered = new Set(claimed.filter((r) => Number(r.dispatch_count) > 1).map((r) => jobIdFor(Number(r.id))));
    return { jobs, redelivered };
  }

  async function handOff(jobs: QueuedJob[], redelivered: Set<string>): Promise<void> {
    const fresh = jobs.filter((j) => !redelivered.has(j.id));
    const again = jobs.filter((j) => redelivered.has(j.id));
    let timeout: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        (async () => {
          if (fresh.length) await o.runner.enqueue(fresh);
          if (again.length) await o.runner.enqueue(again, { redelivery: true });
        })(),
        new Promise<never>((_, reject) => {
          timeout = setTimeout(
            () => reject(new Error(`job runner did not accept ${jobs.length} jobs within ${enqueueTimeoutMs} ms`)),
            enqueueTimeoutMs,
          );
        }),
      ]);
    } catch (err) {
      const ids = jobs.map((j) => sql`${j.outboxId}`);
      await o.db
        .execute(sql`update outbox set dispatched_at = null where id in (${sql.join(ids, sql`, `)}) and done_at is null`)
        .catch((e: unknown) => o.logger.warn({ err: e }, 'could not undo an outbox claim; the sweeper will re-send it'));
      throw err;
    } finally {
      clearTimeout(timeout);
    }
  }

  async function pass(where: SQL): Promise<number> {
    let n = 0;
    for (let i = 0; i < MAX_BATCHES_PER_TICK; i++) {
      const { jobs, redelivered } = await claim(where);
      if (jobs.length === 0) break;
      await handOff(jobs, redelivered);
      n += jobs.length;
      if (jobs.length < BATCH) break;
    }
    return n;
  }

  async function tickOnce(): Promise<number> {
    let n = await pass(sql`done_at is null and dispatched_at is null and available_at <= now()`);
    const swept = await pass(
      sql`done_at is null and dispatched_at is not null and dispatched_at < now() - make_interval(secs => ${o.stuckAfterSeconds})`,
    );
    if (swept > 0) o.logger.warn({ swept }, 'sweeper re-sent outbox rows handed out long ago and still not done');
    n += swept;
    return n;
  }

  async function tick(): Promise<number> {
    // One pass at a time per process; a caller arriving mid-pass waits for it and runs again.
    while (running) await running.catch(() => 0);
    const p = tickOnce();
    running = p;
    try {
      return await p;
    } finally {
      if (running === p) running = null;
    }
  }

  function schedule() {
    if (stopped) return;
    timer = setTimeout(async () => {
      timer = null;
      try {
        await tick();
      } catch (err) {
        if (!stopped) o.logger.warn({ err }, 'outbox relay pass failed');
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
      timer = null;
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
