import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import type { JobHandlers, JobMeta, JobName } from '../../server/src/jobs/definitions.js';
import { createJobSystem, type JobSystem } from '../../server/src/jobs/index.js';
import { enqueue, markDone } from '../../server/src/jobs/outbox.js';
import { createRelay } from '../../server/src/jobs/relay.js';
import type { JobRunner } from '../../server/src/jobs/runner.js';
import { publishEvent } from '../../server/src/realtime/publish.js';
import { inTransaction, one, OUTBOX_CHANNEL, rows } from '../../server/src/db/tx.js';
import * as schema from '../../server/src/db/schema.js';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import type pg from 'pg';
import type { PGlite } from '@electric-sql/pglite';
import type { Db } from '../../server/src/db/client.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { sleep, waitFor } from '../helpers/wait.js';
import { FrameRooms } from '../../shared/src/realtime.js';

/**
 * Acceptance for the outbox (RELIABILITY R1): a change and its announcement commit together; a
 * committed announcement is delivered even when the relay or the process holding the job goes
 * away; realtime seqs are gap-free per room however many transactions publish at once.
 */
describe('outbox', function () {
  this.timeout(60_000);
  let t: TestApp;
  let db: Db;
  const silent = pino({ level: 'silent' });
  const systems: JobSystem[] = [];
  /** Runs per key, counted in memory (at-least-once view) and in a table next to the done mark. */
  const runs = new Map<string, number>();
  /** Handlers wait on these gates (keyed) before finishing. */
  const gates = new Map<string, Promise<void>>();

  const handlers = {
    'realtime.publish': async () => {},
    'test.effect': async (p: { key: string }, meta: JobMeta) => {
      runs.set(p.key, (runs.get(p.key) ?? 0) + 1);
      await gates.get(p.key);
      await inTransaction(db, async (tx) => {
        if (!(await markDone(tx, meta.outboxId))) return;
        await tx.execute(sql`insert into outbox_effects(key) values (${p.key})`);
      });
    },
  } as unknown as JobHandlers;

  async function jobSystem(o: { runWorkers?: boolean; runRelay?: boolean; stuck?: number } = {}): Promise<JobSystem> {
    const s = await createJobSystem({
      db,
      logger: silent,
      handlers,
      runWorkers: o.runWorkers ?? true,
      runRelay: o.runRelay ?? false,
      relayIntervalMs: 30,
      sweepStuckAfterSeconds: o.stuck ?? 300,
      retry: { attempts: 3, backoffMs: 20 },
    });
    systems.push(s);
    await s.start();
    return s;
  }

  const effects = async (key: string) =>
    (await one<{ n: number }>(db, sql`select count(*)::int as n from outbox_effects where key = ${key}`))!.n;
  const add = (key: string) => inTransaction(db, (tx) => enqueue(tx, 'test.effect' as JobName, { key } as never));

  before(async () => {
    // The app's own job system stays off until the seq test: these tests run their own, with test handlers.
    t = await createTestApp({ startJobs: false });
    db = t.ctx.db;
    await t.ctx.database.exec('create table outbox_effects (id bigserial primary key, key text not null)');
  });

  afterEach(async () => {
    for (const s of systems.splice(0)) await s.stop().catch(() => {});
  });

  after(async () => {
    await t?.close();
  });

  it('never dispatches an outbox row written in a transaction that rolled back', async () => {
    const before = (await one<{ n: number }>(db, sql`select count(*)::int as n from outbox`))!.n;
    await inTransaction(db, async (tx) => {
      await enqueue(tx, 'test.effect' as JobName, { key: 'rolled-back' } as never);
      throw new Error('the use case failed');
    }).catch(() => {});
    const s = await jobSystem();
    await s.drain();
    await s.relay.tick();
    await sleep(100);
    expect((await one<{ n: number }>(db, sql`select count(*)::int as n from outbox`))!.n).to.equal(before);
    expect(runs.get('rolled-back')).to.equal(undefined);
  });

  it('runs a committed job once when its relay restarts after handing it off and before it is done', async () => {
    let release!: () => void;
    gates.set('restart', new Promise<void>((r) => (release = r)));
    const s = await jobSystem();
    const id = await add('restart');
    await s.relay.tick();
    await waitFor(() => runs.get('restart'), { what: 'the job to start' });
    // The relay goes away mid-job; a new one (another process's, or this one restarted) takes over.
    await s.relay.stop();
    const second = createRelay({ db, runner: s.runner, logger: silent, intervalMs: 20, stuckAfterSeconds: 300 });
    second.start();
    try {
      await sleep(200);
      release();
      await waitFor(
        async () => (await one<{ done_at: Date | null }>(db, sql`select done_at from outbox where id = ${id}`))?.done_at,
        {
          what: 'the row to be done',
        },
      );
      await sleep(200);
      expect(runs.get('restart')).to.equal(1);
      expect(await effects('restart')).to.equal(1);
    } finally {
      await second.stop();
    }
  });

  it('hands a batch out again at once when the runner refuses it (Redis down), and runs it once', async () => {
    const s = await jobSystem();
    const refusing: JobRunner = {
      kind: 'bullmq',
      enqueue: async () => {
        throw new Error('ECONNREFUSED');
      },
      startWorkers: async () => {},
      close: async () => {},
    };
    const id = await add('refused');
    const broken = createRelay({ db, runner: refusing, logger: silent, intervalMs: 20, stuckAfterSeconds: 300 });
    await broken.tick().catch(() => {});
    const row = await one<{ dispatched_at: Date | null }>(db, sql`select dispatched_at from outbox where id = ${id}`);
    expect(row?.dispatched_at, 'the claim is undone').to.equal(null);
    await s.drain();
    expect(runs.get('refused')).to.equal(1);
    expect(await effects('refused')).to.equal(1);
  });

  it('runs a job once when the process holding it dies before running it (the sweeper re-sends it)', async () => {
    // Process A relays the row to its in-memory runner and dies before any worker runs it.
    const a = await jobSystem({ runWorkers: false });
    const id = await add('orphaned');
    await a.relay.tick();
    await a.stop();
    expect(
      (await one<{ dispatched_at: Date | null }>(db, sql`select dispatched_at from outbox where id = ${id}`))?.dispatched_at,
    ).to.not.equal(null);
    // Process B starts; its sweeper finds the row handed out and not done.
    const b = await jobSystem({ runRelay: true, stuck: 1 });
    await waitFor(async () => (await effects('orphaned')) === 1, { what: 'the orphaned job to run', timeoutMs: 10_000 });
    await sleep(1500);
    await b.relay.tick();
    await sleep(100);
    expect(runs.get('orphaned')).to.equal(1);
    expect(await effects('orphaned')).to.equal(1);
  });

  it('wakes another process’s relay after a commit from a process that runs none, with no NOTIFY inside the transaction', async () => {
    // NOTIFY inside a writing transaction serialises every commit of the cluster (migration 0025).
    const triggers = await rows(db, sql`select tgname from pg_trigger where tgrelid = 'outbox'::regclass and not tgisinternal`);
    expect(triggers).to.deep.equal([]);
    // This relay polls once a minute: only the NOTIFY can wake it within the wait below.
    const relaying = await createJobSystem({
      db,
      logger: silent,
      handlers,
      runWorkers: true,
      runRelay: true,
      relayIntervalMs: 60_000,
      sweepStuckAfterSeconds: 300,
      retry: { attempts: 3, backoffMs: 20 },
      listen: (onNotify) => t.ctx.database.listen(OUTBOX_CHANNEL, onNotify),
    });
    systems.push(relaying);
    await relaying.start();
    // Another process's handle on the same database: no relay of this process hears its commits.
    const database = t.ctx.database as typeof t.ctx.database & { pool?: pg.Pool; client?: PGlite };
    const other = (database.pool
      ? drizzlePg(database.pool, { schema })
      : drizzlePglite(database.client!, { schema })) as unknown as Db;
    await inTransaction(other, (tx) => enqueue(tx, 'test.effect' as JobName, { key: 'woken' } as never));
    await waitFor(async () => (await effects('woken')) === 1, { what: 'the job, its relay woken by NOTIFY', timeoutMs: 10_000 });
  });

  it('allocates realtime seqs gap-free per room across 20 concurrent publishers, rolled-back ones included', async () => {
    const seen: { room: string; event: string; payload: Record<string, unknown> }[] = [];
    const previous = t.ctx.broadcaster;
    // What a socket taking one frame per event receives: batch frames go only to the others.
    t.ctx.broadcaster = {
      emit: (room, event, payload, except) => {
        if (except !== FrameRooms.single) seen.push({ room, event, payload });
      },
    };
    await t.ctx.jobs.start();
    try {
      const listing = 'c0ffee00-0000-4000-8000-000000000001';
      const rooms = [`listing:${listing}`, 'public:listings'];
      // 20 commit, 5 roll back after taking a seq: the rolled-back increments vanish with them.
      const results = await Promise.allSettled(
        Array.from({ length: 25 }, (_, i) =>
          inTransaction(t.ctx.db, async (tx) => {
            await publishEvent(tx, i % 2 ? rooms : [...rooms].reverse(), 'listing.updated', { listingId: listing, n: i });
            if (i % 5 === 4) throw new Error('rolled back');
          }),
        ),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).to.have.length(20);
      await t.ctx.jobs.drain(20_000);
      for (const room of rooms) {
        const events = seen.filter((e) => e.room === room);
        expect(events.map((e) => e.payload.seq).sort((x, y) => Number(x) - Number(y))).to.deep.equal(
          Array.from({ length: 20 }, (_, i) => i + 1),
        );
        for (const e of events) {
          expect(e.event).to.equal('listing.updated');
          expect(e.payload).to.include({ room, type: 'listing.updated', listingId: listing });
          expect(e.payload.at).to.be.a('string');
          expect(Number(e.payload.n) % 5).to.not.equal(4);
        }
      }
      const stored = await rows<{ room: string; seq: number }>(
        t.ctx.db,
        sql`select room, seq::int as seq from room_seq where room in (${rooms[0]}, ${rooms[1]}) order by room`,
      );
      expect(stored.map((r) => r.seq)).to.deep.equal([20, 20]);
    } finally {
      t.ctx.broadcaster = previous;
    }
  });
});
