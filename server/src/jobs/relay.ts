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
  /**
   * Runs a pass soon because rows were just committed (the in-process kick and NOTIFY, ADR 0025).
   * Kicks arriving while a pass runs fold into one more pass after it.
   */
  kick(): void;
}

/**
 * Publishes one topic's rows from the relay itself, without a job runner in between (live events,
 * ADR 0025): the row is marked done only after its publish succeeded, so nothing is lost while
 * Redis is away; rows it did not hand on are handed out again after a short backoff.
 */
export interface DirectPublisher {
  readonly topic: JobName;
  /** False while this process has nowhere to publish (no live feed attached): rows go to the runner. */
  ready(): boolean;
  /** Publishes the jobs in order; resolves with the outbox ids handed on (the rest are retried). */
  publish(jobs: QueuedJob[]): Promise<number[]>;
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
  direct?: DirectPublisher;
}

const BATCH = 200;
/** Backoff after a direct publish failed (Redis away): doubles from the first to the last. */
const DIRECT_BACKOFF_MS = [100, 5_000] as const;
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
  let kicking = false;
  let kickedAgain = false;
  let directFailures = 0;
  let directPausedUntil = 0;

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

  /** Publishes the direct topic's rows; marks done what was handed on, hands the rest out again later. */
  async function publishDirect(direct: DirectPublisher, jobs: QueuedJob[]): Promise<void> {
    const done = new Set(await direct.publish(jobs).catch((err: unknown) => (o.logger.warn({ err }, 'live publish failed'), [])));
    const idList = (ids: number[]) =>
      sql.join(
        ids.map((id) => sql`${id}`),
        sql`, `,
      );
    const published = jobs.filter((j) => done.has(j.outboxId)).map((j) => j.outboxId);
    const left = jobs.filter((j) => !done.has(j.outboxId)).map((j) => j.outboxId);
    if (published.length)
      await o.db.execute(sql`update outbox set done_at = now() where id in (${idList(published)}) and done_at is null`);
    if (left.length) {
      directFailures++;
      const backoff = Math.min(DIRECT_BACKOFF_MS[0] * 2 ** (directFailures - 1), DIRECT_BACKOFF_MS[1]);
      directPausedUntil = Date.now() + backoff;
      await o.db.execute(
        sql`update outbox set dispatched_at = null, attempts = attempts + 1, last_error = 'live publish did not reach the feed'
            where id in (${idList(left)}) and done_at is null`,
      );
      setTimeout(kick, backoff).unref?.();
    } else directFailures = 0;
  }

  async function pass(base: SQL): Promise<number> {
    let n = 0;
    for (let i = 0; i < MAX_BATCHES_PER_TICK; i++) {
      const direct = o.direct?.ready() ? o.direct : undefined;
      // While a direct publish backs off, its rows stay where they are (claiming them would only
      // reorder them behind the ones still failing).
      const where = direct && Date.now() < directPausedUntil ? sql`${base} and topic <> ${direct.topic}` : base;
      const claimed = await claim(where);
      const { redelivered } = claimed;
      if (claimed.jobs.length === 0) break;
      const jobs = direct ? claimed.jobs.filter((j) => j.name !== direct.topic) : claimed.jobs;
      const live = direct ? claimed.jobs.filter((j) => j.name === direct.topic) : [];
      if (jobs.length) await handOff(jobs, redelivered);
      if (live.length) await publishDirect(direct!, live);
      n += claimed.jobs.length;
      if (claimed.jobs.length < BATCH) break;
    }
    return n;
  }

  async function tickOnce(sweep: boolean): Promise<number> {
    let n = await pass(sql`done_at is null and dispatched_at is null and available_at <= now()`);
    if (!sweep) return n;
    const swept = await pass(
      sql`done_at is null and dispatched_at is not null and dispatched_at < now() - make_interval(secs => ${o.stuckAfterSeconds})`,
    );
    if (swept > 0) o.logger.warn({ swept }, 'sweeper re-sent outbox rows handed out long ago and still not done');
    n += swept;
    return n;
  }

  async function tick(sweep = true): Promise<number> {
    // One pass at a time per process; a caller arriving mid-pass waits for it and runs again.
    while (running) await running.catch(() => 0);
    const p = tickOnce(sweep);
    running = p;
    try {
      return await p;
    } finally {
      if (running === p) running = null;
    }
  }

  function kick() {
    if (stopped) return;
    if (kicking) {
      kickedAgain = true;
      return;
    }
    kicking = true;
    // After the current I/O callbacks, so the commits of one burst share a pass.
    setImmediate(async () => {
      try {
        do {
          kickedAgain = false;
          await tick(false);
        } while (kickedAgain && !stopped);
      } catch (err) {
        if (!stopped) o.logger.warn({ err }, 'outbox relay pass failed');
      } finally {
        kicking = false;
      }
    });
  }

  // The sweep reads every row in flight (handed out, not done): under load that is the job backlog,
  // and at every interval it cost as much as the claims (issue 15). A row counts as stuck only after
  // stuckAfterSeconds, so looking four times in that span is enough.
  const sweepEveryMs = Math.max(o.intervalMs, (o.stuckAfterSeconds * 1000) / 4);
  let lastSweep = 0;

  function schedule() {
    if (stopped) return;
    timer = setTimeout(async () => {
      timer = null;
      try {
        const sweep = Date.now() - lastSweep >= sweepEveryMs;
        if (sweep) lastSweep = Date.now();
        await tick(sweep);
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
    tick: () => tick(true),
    kick,
    async pendingCount() {
      const [r] = await rows<{ n: string | number }>(
        o.db,
        sql`select count(*) as n from outbox where done_at is null and available_at <= now()`,
      );
      return Number(r?.n ?? 0);
    },
  };
}
