import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { adminToken, auth } from '../helpers/actors.js';
import { sleep } from '../helpers/wait.js';
import {
  bid,
  createGenerator,
  createListing,
  createRecycler,
  flyAshListing,
  inSeconds,
  placeBid,
  steelListing,
} from '../helpers/trading.js';
import { rows } from '../../server/src/db/tx.js';
import type { TBid } from '../../shared/src/schemas/bids.js';
import type { TTrade } from '../../shared/src/schemas/trades.js';
import type { TListing } from '../../shared/src/schemas/listings.js';

describe('sealed-bid auctions', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp({ env: { AUCTION_MIN_LEAD_SECONDS: '1' } });
  });
  after(async () => {
    await t?.close();
  });

  /** Waits until the auction's closesAt has passed and lets the job runner close it. */
  async function closeOf(l: TListing): Promise<TListing> {
    await sleep(Math.max(0, Date.parse(l.closesAt!) - Date.now()) + 50);
    await t.ctx.jobs.drain();
    return (await t.request.get(`/api/v1/listings/${l.id}`).expect(200)).body as TListing;
  }

  async function tradesOf(token: string, ids: string[]): Promise<TTrade[]> {
    return Promise.all(
      ids.map(async (id) => (await t.request.get(`/api/v1/trades/${id}`).set(auth(token)).expect(200)).body as TTrade),
    );
  }

  it('at close the quantity goes to the best bids in price-time order, each at its own price; the rest lose', async () => {
    const g = await createGenerator(t.request);
    const [r1, r2, r3, r4] = await Promise.all([1, 2, 3, 4].map(() => createRecycler(t.request, { licence: null })));
    const l = await createListing(
      t.request,
      g,
      steelListing({ mode: 'auction', closesAt: inSeconds(2), quantityKg: 20_000, minLotKg: 5_000 }),
    );
    const b1 = await placeBid(t.request, r1!, l.id, { pricePerTonneFen: 259_000, quantityKg: 10_000 });
    const b2 = await placeBid(t.request, r2!, l.id, { pricePerTonneFen: 261_000, quantityKg: 10_000 });
    // Same price as b1 but later: b1 keeps time priority.
    const b3 = await placeBid(t.request, r3!, l.id, { pricePerTonneFen: 259_000, quantityKg: 10_000 });
    const b4 = await placeBid(t.request, r4!, l.id, { pricePerTonneFen: 258_500, quantityKg: 5_000 });
    expect([b1, b2, b3, b4].map((b) => b.status)).to.deep.equal(['active', 'active', 'active', 'active']);

    const closed = await closeOf(l);
    expect(closed).to.include({ status: 'matched', remainingKg: 0 });
    const all = (await t.request.get(`/api/v1/listings/${l.id}/bids`).set(auth(g.token)).expect(200)).body;
    expect(all.sealed).to.equal(false);
    const byId = new Map((all.items as TBid[]).map((b) => [b.id, b]));
    expect(byId.get(b2.id)).to.include({ status: 'won', filledKg: 10_000 });
    expect(byId.get(b1.id)).to.include({ status: 'won', filledKg: 10_000 });
    expect(byId.get(b3.id)).to.include({ status: 'lost', filledKg: 0 });
    expect(byId.get(b4.id)).to.include({ status: 'lost' });
    const [t2] = await tradesOf(r2!.token, byId.get(b2.id)!.tradeIds);
    const [t1] = await tradesOf(r1!.token, byId.get(b1.id)!.tradeIds);
    expect(t2).to.include({ pricePerTonneFen: 261_000, quantityKg: 10_000, payerOrgId: r2!.orgId, payeeOrgId: g.orgId });
    expect(t1).to.include({ pricePerTonneFen: 259_000, quantityKg: 10_000 });
  });

  it('bids are sealed until the close, then every bidder sees them', async () => {
    const g = await createGenerator(t.request);
    const [r1, r2] = await Promise.all([1, 2].map(() => createRecycler(t.request, { licence: null })));
    const l = await createListing(t.request, g, steelListing({ mode: 'auction', closesAt: inSeconds(1.5) }));
    await placeBid(t.request, r1!, l.id, { pricePerTonneFen: 259_000, quantityKg: 10_000 });
    await placeBid(t.request, r2!, l.id, { pricePerTonneFen: 260_000, quantityKg: 10_000 });
    expect((await t.request.get(`/api/v1/listings/${l.id}/bids`).set(auth(g.token))).body).to.deep.equal({
      count: 2,
      sealed: true,
      items: [],
    });
    expect((await t.request.get(`/api/v1/listings/${l.id}/bids`).set(auth(r1!.token))).body.items).to.have.length(1);
    await closeOf(l);
    const after = (await t.request.get(`/api/v1/listings/${l.id}/bids`).set(auth(r1!.token)).expect(200)).body;
    expect(after.sealed).to.equal(false);
    expect(after.items.map((b: TBid) => [b.pricePerTonneFen, b.status, b.mine])).to.deep.equal([
      [259_000, 'lost', true],
      [260_000, 'won', false],
    ]);
  });

  it('a bid worse than the reserve gets BELOW_RESERVE (422)', async () => {
    const g = await createGenerator(t.request);
    const r = await createRecycler(t.request, { licence: null });
    const l = await createListing(t.request, g, steelListing({ mode: 'auction', closesAt: inSeconds(3600) }));
    const res = await bid(t.request, r, l.id, { pricePerTonneFen: 258_499, quantityKg: 10_000 });
    expect(res.status).to.equal(422);
    expect(res.body.error.code).to.equal('BELOW_RESERVE');
    expect(res.body.error.details.reservePerTonneFen).to.equal(258_500);
  });

  it('a negative-price fly-ash auction awards the lowest disposal fee and makes the generator the payer', async () => {
    const g = await createGenerator(t.request, { district: '330603' });
    const [cheap, middle, dear] = await Promise.all([1, 2, 3].map(() => createRecycler(t.request, { district: '330604' })));
    // The generator will pay at most 1 893 yuan/t (the reserve); recyclers compete on a lower fee.
    const l = await createListing(
      t.request,
      g,
      flyAshListing({ mode: 'auction', closesAt: inSeconds(2), quantityKg: 20_000, minLotKg: 10_000 }),
    );
    const bDear = await placeBid(t.request, dear!, l.id, { pricePerTonneFen: -185_000, quantityKg: 10_000 });
    const bCheap = await placeBid(t.request, cheap!, l.id, { pricePerTonneFen: -160_000, quantityKg: 10_000 });
    const bMiddle = await placeBid(t.request, middle!, l.id, { pricePerTonneFen: -170_000, quantityKg: 10_000 });
    // A fee above the reserve is refused outright.
    expect((await bid(t.request, dear!, l.id, { pricePerTonneFen: -190_000, quantityKg: 10_000 })).body.error.code).to.equal(
      'BELOW_RESERVE',
    );

    const closed = await closeOf(l);
    expect(closed.status).to.equal('matched');
    const bids = (await t.request.get(`/api/v1/listings/${l.id}/bids`).set(auth(g.token)).expect(200)).body.items as TBid[];
    const status = Object.fromEntries(bids.map((b) => [b.id, b.status]));
    expect(status).to.deep.equal({ [bDear.id]: 'lost', [bCheap.id]: 'won', [bMiddle.id]: 'won' });
    const trades = await tradesOf(
      g.token,
      bids.flatMap((b) => b.tradeIds),
    );
    expect(trades.map((tr) => tr.pricePerTonneFen).sort((a, b) => a - b)).to.deep.equal([-170_000, -160_000]);
    for (const tr of trades) {
      expect(tr.payerOrgId).to.equal(g.orgId);
      expect(tr.generatorOrgId).to.equal(g.orgId);
      expect(tr.payeeOrgId).to.equal(tr.receiverOrgId);
      expect(tr.amountFen).to.equal(Math.abs(tr.pricePerTonneFen) * 10);
      expect(tr.ecoCompensationFen).to.equal(30_000);
    }
  });

  it('a hazardous bidder whose licence is suspended before the close does not win; the next best does', async () => {
    const admin = await adminToken(t.request);
    const g = await createGenerator(t.request);
    const [best, next] = await Promise.all([1, 2].map(() => createRecycler(t.request, { admin })));
    const l = await createListing(
      t.request,
      g,
      flyAshListing({ mode: 'auction', closesAt: inSeconds(2), quantityKg: 10_000, minLotKg: 10_000 }),
    );
    const bBest = await placeBid(t.request, best!, l.id, { pricePerTonneFen: -160_000, quantityKg: 10_000 });
    const bNext = await placeBid(t.request, next!, l.id, { pricePerTonneFen: -175_000, quantityKg: 10_000 });
    await t.request.post(`/api/v1/licences/${best!.licenceId}/suspend`).set(auth(admin)).send({}).expect(200);
    expect((await closeOf(l)).status).to.equal('matched');
    const bids = (await t.request.get(`/api/v1/listings/${l.id}/bids`).set(auth(g.token)).expect(200)).body.items as TBid[];
    expect(Object.fromEntries(bids.map((b) => [b.id, b.status]))).to.deep.equal({ [bBest.id]: 'lost', [bNext.id]: 'won' });
  });

  it('an auction without a winning bid closes as closed', async () => {
    const g = await createGenerator(t.request);
    const l = await createListing(t.request, g, steelListing({ mode: 'auction', closesAt: inSeconds(1.2) }));
    const closed = await closeOf(l);
    expect(closed).to.include({ status: 'closed', remainingKg: 10_000 });
    expect(closed.closedAt).to.be.a('string');
  });

  it('the close job run before closesAt does nothing and re-schedules itself for closesAt', async () => {
    const g = await createGenerator(t.request);
    const closesAt = inSeconds(3600);
    const l = await createListing(t.request, g, steelListing({ mode: 'auction', closesAt }));
    const r = await t.ctx.bids.closeAuction(l.id);
    expect(r.closed).to.equal(false);
    expect((await t.request.get(`/api/v1/listings/${l.id}`)).body.status).to.equal('open');
    const jobs = await rows<{ available_at: string | Date }>(
      t.ctx.db,
      sql`select available_at from outbox where topic = 'auction.close' and payload->>'listingId' = ${l.id}`,
    );
    expect(jobs).to.have.length(2);
    for (const j of jobs) expect(new Date(j.available_at).toISOString()).to.equal(closesAt);
  });

  it('closing an auction twice in a row creates its trades once', async () => {
    // Jobs stopped, so this test calls the close itself.
    const t2 = await createTestApp({ env: { AUCTION_MIN_LEAD_SECONDS: '1' }, startJobs: false });
    try {
      const g = await createGenerator(t2.request);
      const r = await createRecycler(t2.request, { licence: null });
      const l = await createListing(t2.request, g, steelListing({ mode: 'auction', closesAt: inSeconds(1.2) }));
      await placeBid(t2.request, r, l.id, { pricePerTonneFen: 259_000, quantityKg: 10_000 });
      await sleep(1300);
      const first = await t2.ctx.bids.closeAuction(l.id);
      const second = await t2.ctx.bids.closeAuction(l.id);
      expect(first.closed).to.equal(true);
      expect(first.tradeIds).to.have.length(1);
      expect(second).to.deep.equal({ closed: false, tradeIds: [] });
      const [n] = await rows<{ n: string | number }>(t2.ctx.db, sql`select count(*) as n from trades where listing_id = ${l.id}`);
      expect(Number(n!.n)).to.equal(1);
    } finally {
      await t2.close();
    }
  });

  it('an earlier closesAt set by the owner before any bid schedules an earlier close', async () => {
    const g = await createGenerator(t.request);
    const l = await createListing(t.request, g, steelListing({ mode: 'auction', closesAt: inSeconds(3600) }));
    const res = await t.request
      .patch(`/api/v1/listings/${l.id}`)
      .set(auth(g.token))
      .send({ closesAt: inSeconds(1.2) });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    const closed = await closeOf(res.body);
    expect(closed.status).to.equal('closed');
  });
});
