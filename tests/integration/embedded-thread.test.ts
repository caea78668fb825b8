import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { openPgliteInWorker } from '../../server/src/db/pglite-remote.js';
import { inTransaction, isUniqueViolation, one, rows } from '../../server/src/db/tx.js';
import { publishEvent } from '../../server/src/realtime/publish.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { registerOrg } from '../helpers/actors.js';

/**
 * Issue 15 item 4: the embedded database on a worker thread (ADR 0025). The whole exchange runs on
 * it here (migrations, registration, transactions, errors crossing the thread), and /healthz is
 * answered while a burst of writes runs. Its latency goes in scripts/bench/start.ts, not here.
 */
describe('embedded database on a worker thread (issue 15)', function () {
  this.timeout(120_000);
  let t: TestApp;

  before(async () => {
    const database = await openPgliteInWorker();
    t = await createTestApp({ testDb: { database, url: null, drop: () => database.close() } });
  });

  after(async () => {
    await t?.close();
  });

  it('serves the API from the thread: registration, reads, a rolled-back transaction and a unique violation', async () => {
    const owner = await registerOrg(t.request, { roles: ['recycler'] });
    const me = await t.request.get('/api/v1/listings?limit=5').set('Authorization', `Bearer ${owner.token}`);
    expect(me.status).to.equal(200);
    const before = await one<{ n: number }>(t.ctx.db, sql`select count(*)::int as n from room_seq`);
    const rolledBack = await inTransaction(t.ctx.db, async (tx) => {
      await publishEvent(tx, ['listing:rolled-back'], 'listing.updated', { listingId: randomUUID() });
      throw new Error('roll back');
    }).catch((e: Error) => e.message);
    expect(rolledBack).to.equal('roll back');
    expect(await one<{ n: number }>(t.ctx.db, sql`select count(*)::int as n from room_seq`)).to.deep.equal(before);
    const dup = await t.ctx.db
      .execute(sql`insert into schema_migrations(name) values ('0001_foundation.sql')`)
      .catch((e: unknown) => e);
    expect(isUniqueViolation(dup)).to.equal(true);
    const names = await rows<{ name: string }>(t.ctx.db, sql`select name from schema_migrations order by name`);
    expect(names.length).to.be.greaterThan(10);
  });

  it('answers /healthz while a burst of writes runs', async () => {
    let writing = true;
    const burst = (async () => {
      for (let i = 0; i < 400; i++)
        await inTransaction(t.ctx.db, (tx) =>
          publishEvent(tx, [`listing:burst-${i % 8}`], 'listing.updated', { listingId: randomUUID() }),
        );
      writing = false;
    })();
    // Asked while the burst is still writing; it must complete with 200.
    const answers: number[] = [];
    while (writing && answers.length < 20) answers.push((await t.request.get('/healthz')).status);
    const stillWriting = writing;
    await burst;
    expect(answers.length).to.be.greaterThan(0);
    expect(stillWriting || answers.length === 20, 'the burst ended before /healthz was asked').to.equal(true);
    expect(answers.every((s) => s === 200)).to.equal(true);
    await t.ctx.jobs.drain();
    const n = await one<{ n: number }>(
      t.ctx.db,
      sql`select count(*)::int as n from outbox where topic = 'realtime.publish' and done_at is null`,
    );
    expect(n).to.deep.equal({ n: 0 });
  });
});
