/**
 * RELIABILITY J2: an auction closes once, at or after its deadline, decided by a conditional update
 * on the database clock — even with two job systems racing on the same close. Two shapes:
 *  - PostgreSQL: two whole contexts (two pools, two job systems, as two worker processes would be)
 *    over the same database call the close handler for the same auctions at the same moment, while
 *    both relays run too;
 *  - PGlite (always): the same handler invoked concurrently in one process, as a redelivered job would.
 * Either way: exactly one set of trades per auction, every bid decided once.
 */
import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { requirePostgres } from '../helpers/services.js';
import { sleep } from '../helpers/wait.js';
import { createGenerator, createListing, createRecycler, inSeconds, placeBid, steelListing } from '../helpers/trading.js';
import { createContext, closeContext, type AppContext } from '../../server/src/context.js';
import { openPostgres } from '../../server/src/db/client.js';
import { rows } from '../../server/src/db/tx.js';
import type { TListing } from '../../shared/src/schemas/listings.js';

const AUCTIONS = 6;

/** Auctions of 20 t with lots of 10 t and three bids each: two win, one loses. */
async function makeAuctions(t: TestApp, closesInSeconds: number): Promise<TListing[]> {
  const g = await createGenerator(t.request);
  const bidders = await Promise.all([1, 2, 3].map(() => createRecycler(t.request, { licence: null })));
  const closesAt = inSeconds(closesInSeconds);
  const out: TListing[] = [];
  for (let i = 0; i < AUCTIONS; i++) {
    const l = await createListing(
      t.request,
      g,
      steelListing({ mode: 'auction', closesAt, quantityKg: 20_000, minLotKg: 10_000 }),
    );
    for (const [j, r] of bidders.entries())
      await placeBid(t.request, r, l.id, { pricePerTonneFen: 259_000 + j * 500, quantityKg: 10_000 });
    out.push(l);
  }
  return out;
}

async function expectClosedOnce(t: TestApp, listings: TListing[]): Promise<void> {
  for (const l of listings) {
    const [s] = await rows<{
      status: string;
      remaining: string | number;
      trades: string | number;
      sold: string | number;
      won: string | number;
      lost: string | number;
      active: string | number;
    }>(
      t.ctx.db,
      sql`select l.status, l.remaining_kg as remaining,
                 (select count(*) from trades where listing_id = l.id) as trades,
                 (select coalesce(sum(quantity_kg), 0) from trades where listing_id = l.id) as sold,
                 (select count(*) from bids where listing_id = l.id and status = 'won') as won,
                 (select count(*) from bids where listing_id = l.id and status = 'lost') as lost,
                 (select count(*) from bids where listing_id = l.id and status = 'active') as active
            from listings l where l.id = ${l.id}`,
    );
    expect({
      ...s,
      remaining: Number(s!.remaining),
      trades: Number(s!.trades),
      sold: Number(s!.sold),
      won: Number(s!.won),
      lost: Number(s!.lost),
      active: Number(s!.active),
    }).to.deep.equal({
      status: 'matched',
      remaining: 0,
      trades: 2,
      sold: 20_000,
      won: 2,
      lost: 1,
      active: 0,
    });
  }
}

describe('fault: an auction closes exactly once with two job runners racing', () => {
  describe('in one process (PGlite or PostgreSQL): the close handler invoked concurrently', () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp({ env: { AUCTION_MIN_LEAD_SECONDS: '1' }, startJobs: false });
    });
    after(async () => {
      await t?.close();
    });

    it('four concurrent closes of each auction produce one set of trades', async () => {
      const listings = await makeAuctions(t, 2.5);
      await sleep(Math.max(0, Date.parse(listings[0]!.closesAt!) - Date.now()) + 100);
      const results = await Promise.all(listings.flatMap((l) => [1, 2, 3, 4].map(() => t.ctx.bids.closeAuction(l.id))));
      expect(results.filter((r) => r.closed)).to.have.length(AUCTIONS);
      await expectClosedOnce(t, listings);
    });

    it('the outbox job and a redelivered copy of it race: one close, and the job row ends done', async () => {
      const [l] = await makeAuctions(t, 2.5);
      const [job] = await rows<{ id: string | number }>(
        t.ctx.db,
        sql`select id from outbox where topic = 'auction.close' and payload->>'listingId' = ${l!.id}`,
      );
      await sleep(Math.max(0, Date.parse(l!.closesAt!) - Date.now()) + 100);
      const outboxId = Number(job!.id);
      const results = await Promise.all([t.ctx.bids.closeAuction(l!.id, outboxId), t.ctx.bids.closeAuction(l!.id, outboxId)]);
      expect(results.map((r) => r.closed).sort()).to.deep.equal([false, true]);
      const [row] = await rows<{ done: boolean }>(
        t.ctx.db,
        sql`select done_at is not null as done from outbox where id = ${outboxId}`,
      );
      expect(row!.done).to.equal(true);
      await expectClosedOnce(t, [l!]);
    });
  });

  describe('two processes over one PostgreSQL database', () => {
    let t: TestApp;
    let other: AppContext;
    before(async function () {
      requirePostgres(this);
      t = await createTestApp({ env: { AUCTION_MIN_LEAD_SECONDS: '1' } });
      // A second, independent context: its own pool, job system and relay, as a second worker process has.
      other = await createContext(t.ctx.config, t.ctx.logger, { database: await openPostgres(t.testDb.url!, 10) });
      await other.jobs.start();
    });
    after(async () => {
      if (other) await closeContext(other);
      await t?.close();
    });

    it('both contexts run the close for every auction at once, with both relays live: one set of trades each', async function () {
      this.timeout(60_000);
      const listings = await makeAuctions(t, 2.5);
      const seed = Date.now();
      console.log(`    seed ${seed}`);
      await sleep(Math.max(0, Date.parse(listings[0]!.closesAt!) - Date.now()) + 50);
      const calls = listings.flatMap((l, i) => {
        const a = () => t.ctx.bids.closeAuction(l.id);
        const b = () => other.bids.closeAuction(l.id);
        return (seed + i) % 2 ? [a(), b()] : [b(), a()];
      });
      const results = await Promise.all([...calls, t.ctx.jobs.drain(), other.jobs.drain()]);
      const closes = results.filter(
        (r): r is { closed: boolean; tradeIds: string[] } => !!r && typeof r === 'object' && 'closed' in r,
      );
      // The relays may have won some closes; every auction still closed exactly once.
      expect(closes.filter((r) => r.closed).length).to.be.at.most(AUCTIONS);
      await t.ctx.jobs.drain();
      await expectClosedOnce(t, listings);
      const [dup] = await rows<{ n: string | number }>(
        t.ctx.db,
        sql`select count(*) as n from (select bid_id from trades where bid_id is not null group by bid_id having count(*) > 1) d`,
      );
      expect(Number(dup!.n)).to.equal(0);
    });
  });
});
