import { expect } from 'chai';
import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import type { JobHandlers, JobMeta, JobName } from '../../server/src/jobs/definitions.js';
import { createJobSystem, type JobSystem } from '../../server/src/jobs/index.js';
import { enqueue, markDone } from '../../server/src/jobs/outbox.js';
import { jobIdFor } from '../../server/src/jobs/runner.js';
import { createRelay } from '../../server/src/jobs/relay.js';
import { inTransaction, one, rows } from '../../server/src/db/tx.js';
import type { Db } from '../../server/src/db/client.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { requireRedis } from '../helpers/services.js';
import { deleteRedisPrefix, testQueuePrefix } from '../helpers/redis.js';
import { sleep, waitFor } from '../helpers/wait.js';

/**
 * One suite, run against both runners: in-process always, BullMQ when REDIS_URL is set. Jobs are
 * test-only names (a cast, not entries in definitions.ts) with handlers that record every run.
 */
type Kind = 'inprocess' | 'bullmq';

interface Harness {
  db: Db;
  jobs: JobSystem;
  /** Run start times per key. */
  runs: Map<string, number[]>;
  logLines: string[];
  add(name: string, payload: Record<string, unknown>, availableAt?: Date): Promise<number>;
}

const RETRY = { attempts: 3, backoffMs: 60 };

function testHandlers(db: Db, runs: Map<string, number[]>): JobHandlers {
  const record = (key: string) => {
    const list = runs.get(key) ?? [];
    list.push(Date.now());
    runs.set(key, list);
    return list.length;
  };
  const handlers: Record<string, (p: never, m: JobMeta) => Promise<void>> = {
    'realtime.publish': async () => {},
    'test.count': async (p: { key: string }) => {
      record(p.key);
    },
    /** Fails its first `failTimes` runs. */
    'test.flaky': async (p: { key: string; failTimes: number }) => {
      const n = record(p.key);
      if (n <= p.failTimes) throw new Error(`flaky failure ${n}`);
    },
    /** The exactly-once pattern: the effect and the done mark commit together. */
    'test.once': async (p: { key: string }, meta: JobMeta) => {
      await inTransaction(db, async (tx) => {
        if (!(await markDone(tx, meta.outboxId))) return;
        await tx.execute(sql`insert into job_effects(key) values (${p.key})`);
      });
      record(p.key);
    },
  };
  return handlers as unknown as JobHandlers;
}

function runnerSuite(kind: Kind) {
  describe(`job runner (${kind})`, function () {
    this.timeout(60_000);
    let testDb: TestDatabase;
    let h: Harness;
    let prefix = '';
    let redisUrl: string | undefined;

    before(async function () {
      if (kind === 'bullmq') redisUrl = requireRedis(this);
      testDb = await createTestDatabase();
      const db = testDb.database.db;
      await testDb.database.exec('create table job_effects (id bigserial primary key, key text not null)');
      const runs = new Map<string, number[]>();
      const logLines: string[] = [];
      const logger = pino(
        { level: 'debug' },
        new Writable({
          write(chunk, _enc, cb) {
            logLines.push(String(chunk));
            cb();
          },
        }),
      );
      prefix = testQueuePrefix('runner');
      const jobs = await createJobSystem({
        db,
        logger,
        handlers: testHandlers(db, runs),
        redisUrl,
        queuePrefix: prefix,
        runWorkers: true,
        runRelay: true,
        relayIntervalMs: 50,
        sweepStuckAfterSeconds: 1,
        retry: RETRY,
      });
      await jobs.start();
      h = {
        db,
        jobs,
        runs,
        logLines,
        add: (name, payload, availableAt) =>
          inTransaction(db, (tx) => enqueue(tx, name as JobName, payload as never, availableAt ? { availableAt } : {})),
      };
    });

    after(async function () {
      await h?.jobs.stop();
      await testDb?.drop();
      if (redisUrl) await deleteRedisPrefix(redisUrl, prefix);
    });

    const outboxRow = (id: number) =>
      one<{ done_at: Date | null; attempts: number; last_error: string | null; dispatch_count: number }>(
        h.db,
        sql`select done_at, attempts, last_error, dispatch_count from outbox where id = ${id}`,
      );

    it('runs a job written to the outbox in a committed transaction exactly once', async () => {
      const id = await h.add('test.count', { key: 'once-1' });
      await h.jobs.drain();
      await sleep(300);
      expect(h.runs.get('once-1')).to.have.length(1);
      const row = await outboxRow(id);
      expect(row?.done_at).to.not.equal(null);
      expect(row?.attempts).to.equal(0);
    });

    it('retries a failing handler with growing backoff until it succeeds', async () => {
      const id = await h.add('test.flaky', { key: 'flaky-1', failTimes: 2 });
      await h.jobs.drain(15_000);
      const runs = h.runs.get('flaky-1')!;
      expect(runs).to.have.length(3);
      const gap1 = runs[1]! - runs[0]!;
      const gap2 = runs[2]! - runs[1]!;
      // Exponential: about backoffMs, then about twice that (timers may fire a little early or late).
      expect(gap1).to.be.at.least(RETRY.backoffMs - 10);
      expect(gap2).to.be.at.least(2 * RETRY.backoffMs - 10);
      const row = await outboxRow(id);
      expect(row?.done_at).to.not.equal(null);
      expect(row?.attempts).to.equal(2);
      expect(row?.last_error).to.equal('flaky failure 2');
    });

    it('skips a redelivered job whose outbox row is already done', async () => {
      const id = await h.add('test.count', { key: 'redeliver-1' });
      await h.jobs.drain();
      expect(h.runs.get('redeliver-1')).to.have.length(1);
      // What a redelivery looks like: the same job id again, after the job finished (BullMQ may
      // have trimmed it, or Redis was flushed).
      await h.jobs.runner.enqueue(
        [{ id: jobIdFor(id), name: 'test.count' as JobName, outboxId: id, payload: { key: 'redeliver-1' } }],
        {
          redelivery: true,
        },
      );
      await waitFor(() => h.logLines.some((l) => l.includes(`"jobId":"${jobIdFor(id)}"`) && l.includes('already done')), {
        what: 'the redelivered job to be skipped',
      });
      expect(h.runs.get('redeliver-1')).to.have.length(1);
    });

    it('runs 200 jobs exactly once while two relays and the sweeper compete for them', async () => {
      // A second relay over the same database and runner: another API process.
      const other = createRelay({
        db: h.db,
        runner: h.jobs.runner,
        logger: pino({ level: 'silent' }),
        intervalMs: 20,
        stuckAfterSeconds: 1,
      });
      other.start();
      try {
        const ids: number[] = [];
        await Promise.all(
          Array.from({ length: 20 }, (_, t) =>
            inTransaction(h.db, async (tx) => {
              for (let i = 0; i < 10; i++) {
                ids.push(await enqueue(tx, 'test.once' as JobName, { key: `many-${t * 10 + i}` } as never));
                ids.push(await enqueue(tx, 'test.count' as JobName, { key: `many-count-${t * 10 + i}` } as never));
              }
            }),
          ),
        );
        await Promise.all([h.jobs.drain(30_000), h.jobs.relay.tick(), other.tick()]);
        // Long enough for a sweep (stuck after 1 s) to re-send anything it wrongly thought stuck.
        await sleep(1500);
        await h.jobs.drain();
        for (let i = 0; i < 200; i++) {
          expect(h.runs.get(`many-${i}`), `many-${i}`).to.have.length(1);
          expect(h.runs.get(`many-count-${i}`), `many-count-${i}`).to.have.length(1);
        }
        const effects = await rows<{ key: string; n: number }>(
          h.db,
          sql`select key, count(*)::int as n from job_effects where key like 'many-%' group by key`,
        );
        expect(effects).to.have.length(200);
        expect(effects.every((e) => e.n === 1)).to.equal(true);
        const notDone = await one<{ n: number }>(h.db, sql`select count(*)::int as n from outbox where done_at is null`);
        expect(notDone?.n).to.equal(0);
      } finally {
        await other.stop();
      }
    });

    it('holds a delayed job until its availableAt, then runs it once', async () => {
      const at = new Date(Date.now() + 1200);
      await h.add('test.count', { key: 'delayed-1' }, at);
      await h.jobs.drain();
      await sleep(600);
      expect(h.runs.get('delayed-1') ?? []).to.have.length(0);
      await waitFor(() => h.runs.get('delayed-1')?.length, { what: 'the delayed job', timeoutMs: 5000 });
      const [ranAt] = h.runs.get('delayed-1')!;
      expect(ranAt).to.be.at.least(at.getTime() - 50);
      await sleep(300);
      expect(h.runs.get('delayed-1')).to.have.length(1);
    });

    it('leaves a job that failed every attempt to the sweeper, which sends it again', async () => {
      const id = await h.add('test.flaky', { key: 'swept-1', failTimes: RETRY.attempts });
      await waitFor(() => (h.runs.get('swept-1')?.length ?? 0) >= RETRY.attempts, { what: 'all attempts' });
      const first = await outboxRow(id);
      expect(first?.done_at).to.equal(null);
      await waitFor(async () => (await outboxRow(id))?.done_at, { what: 'the sweeper to re-send the job', timeoutMs: 10_000 });
      expect(h.runs.get('swept-1')).to.have.length(RETRY.attempts + 1);
      expect((await outboxRow(id))?.dispatch_count).to.be.at.least(2);
    });

    it('never runs a job written in a rolled-back transaction', async () => {
      await inTransaction(h.db, async (tx) => {
        await enqueue(tx, 'test.count' as JobName, { key: 'rolled-back-1' } as never);
        throw new Error('roll back');
      }).catch(() => {});
      await h.jobs.drain();
      await sleep(200);
      expect(h.runs.get('rolled-back-1')).to.equal(undefined);
    });
  });
}

runnerSuite('inprocess');
runnerSuite('bullmq');
