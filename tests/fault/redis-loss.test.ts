import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import type { JobHandlers, JobMeta, JobName } from '../../server/src/jobs/definitions.js';
import { createJobSystem, type JobSystem } from '../../server/src/jobs/index.js';
import { enqueue, markDone } from '../../server/src/jobs/outbox.js';
import { inTransaction, one, rows } from '../../server/src/db/tx.js';
import type { Db } from '../../server/src/db/client.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { skipOrFail } from '../helpers/services.js';
import { redisServerBinary, startPrivateRedis, testQueuePrefix, type PrivateRedis } from '../helpers/redis.js';
import { sleep, waitFor } from '../helpers/wait.js';

/**
 * J1: losing Redis loses nothing. BullMQ on a private redis-server that the test flushes and
 * kills; the outbox relay and its sweeper (stuck after 1 s here) re-send every obligation, and the
 * database guard keeps each effect to exactly one.
 */
describe('fault: Redis lost (J1)', function () {
  this.timeout(120_000);
  let redis: PrivateRedis;
  let testDb: TestDatabase;
  let db: Db;
  let prefix: string;
  const systems: JobSystem[] = [];
  const seed = Number(process.env.FAULT_SEED ?? Date.now() % 100_000);
  /** Handler invocations per key (at-least-once view). */
  const invocations = new Map<string, number>();
  let delayMs = 0;

  const handlers = {
    'realtime.publish': async () => {},
    'fault.effect': async (p: { key: string }, meta: JobMeta) => {
      invocations.set(p.key, (invocations.get(p.key) ?? 0) + 1);
      await inTransaction(db, async (tx) => {
        if (!(await markDone(tx, meta.outboxId))) return;
        await tx.execute(sql`insert into fault_effects(key) values (${p.key})`);
        if (delayMs) await sleep(delayMs);
      });
    },
  } as unknown as JobHandlers;

  /** An API process (relay and sweeper, no workers) or a worker process (workers, no relay). */
  async function process_(role: 'api' | 'worker'): Promise<JobSystem> {
    const s = await createJobSystem({
      db,
      logger: pino({ level: process.env.FAULT_LOG_LEVEL ?? 'silent' }),
      handlers,
      redisUrl: redis.url,
      queuePrefix: prefix,
      runWorkers: role === 'worker',
      runRelay: role === 'api',
      relayIntervalMs: 50,
      sweepStuckAfterSeconds: 1,
      retry: { attempts: 4, backoffMs: 50 },
      enqueueTimeoutMs: 2000,
    });
    systems.push(s);
    await s.start();
    return s;
  }

  async function addJobs(label: string, n: number): Promise<void> {
    for (let i = 0; i < n; i += 50) {
      await inTransaction(db, async (tx) => {
        for (let k = i; k < Math.min(i + 50, n); k++)
          await enqueue(tx, 'fault.effect' as JobName, { key: `${label}-${k}` } as never);
      });
    }
  }

  async function expectExactlyOnce(label: string, n: number) {
    const effects = await rows<{ key: string; n: number }>(
      db,
      sql`select key, count(*)::int as n from fault_effects where key like ${label + '-%'} group by key`,
    );
    expect(effects, `effects for ${label} (seed ${seed})`).to.have.length(n);
    expect(
      effects.filter((e) => e.n !== 1),
      `effects applied more than once (seed ${seed})`,
    ).to.deep.equal([]);
  }

  const notDone = async () => (await one<{ n: number }>(db, sql`select count(*)::int as n from outbox where done_at is null`))!.n;

  before(async function () {
    if (!redisServerBinary()) return skipOrFail(this, 'redis-server is not installed (apt-get install -y redis-server)');
    redis = await startPrivateRedis();
    testDb = await createTestDatabase();
    db = testDb.database.db;
    await testDb.database.exec('create table fault_effects (id bigserial primary key, key text not null)');
    console.log(`    seed ${seed} (FAULT_SEED to replay); private redis on port ${redis.port}`);
  });

  beforeEach(() => {
    prefix = testQueuePrefix('j1');
  });

  afterEach(async () => {
    for (const s of systems.splice(0)) await s.stop().catch(() => {});
  });

  after(async () => {
    await redis?.stop();
    await testDb?.drop();
  });

  it('runs every job exactly once when Redis is flushed after they were queued and before any ran', async () => {
    const n = 100;
    const api = await process_('api');
    await addJobs('flush', n);
    await api.relay.tick();
    expect(
      (await one<{ n: number }>(
        db,
        sql`select count(*)::int as n from outbox where dispatched_at is not null and payload->>'key' like 'flush-%'`,
      ))!.n,
    ).to.equal(n);

    await redis.flushAll();
    await process_('worker');
    await waitFor(async () => (await notDone()) === 0, {
      what: 'the sweeper to re-send and the worker to run every job',
      timeoutMs: 30_000,
    });
    await sleep(1500); // a sweep over the finished set runs nothing again
    await expectExactlyOnce('flush', n);
    expect([...invocations.entries()].filter(([k, v]) => k.startsWith('flush-') && v !== 1)).to.deep.equal([]);
  });

  it('runs every job exactly once when Redis is killed mid-run and comes back empty', async () => {
    const n = 300;
    delayMs = 5;
    try {
      await process_('api');
      await process_('worker');
      await addJobs('kill', n);
      const killAfter = 20 + (seed % 150);
      console.log(`    killing redis after ${killAfter} effects`);
      await waitFor(
        async () =>
          (await one<{ n: number }>(db, sql`select count(*)::int as n from fault_effects where key like 'kill-%'`))!.n >=
          killAfter,
        { what: `${killAfter} effects`, intervalMs: 5, timeoutMs: 30_000 },
      );
      await redis.kill();
      // Work committed while Redis is down stays in the outbox.
      await addJobs('late', 50);
      await sleep(800);
      const pendingWhileDown = await notDone();
      console.log(`    while redis was down: ${pendingWhileDown} rows not done`);
      expect(pendingWhileDown).to.be.greaterThan(0);
      await redis.restart();
      await waitFor(async () => (await notDone()) === 0, { what: 'every row done after Redis came back', timeoutMs: 60_000 });
      await sleep(1500);
      await expectExactlyOnce('kill', n);
      await expectExactlyOnce('late', 50);
    } finally {
      delayMs = 0;
    }
  });
});
