import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { auth, registerOrg } from '../helpers/actors.js';
import { createGenerator, createListing, createRecycler, steelListing } from '../helpers/trading.js';
import { book, order, placeOrder, STEEL } from '../helpers/markets.js';
import { rows } from '../../server/src/db/tx.js';
import type { TTrade } from '../../shared/src/schemas/trades.js';

describe('markets', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(async () => {
    await t?.close();
  });

  async function openKg(orderId: string): Promise<number> {
    const [r] = await rows<{ remaining_kg: string | number }>(
      t.ctx.db,
      sql`select remaining_kg from market_orders where id = ${orderId}`,
    );
    return Number(r!.remaining_kg);
  }

  it('a buy crossing two resting sells fills at their prices in price-time order and makes two trades', async () => {
    const code = 'SW17-01';
    const [a, b, c] = [await createGenerator(t.request), await createGenerator(t.request), await createGenerator(t.request)];
    const buyer = await createRecycler(t.request, { licence: null });
    const sellA = await placeOrder(t.request, a, { side: 'sell', pricePerTonneFen: 257_000, quantityKg: 5_000 });
    const sellB = await placeOrder(t.request, b, { side: 'sell', pricePerTonneFen: 258_000, quantityKg: 5_000 });
    const sellC = await placeOrder(t.request, c, { side: 'sell', pricePerTonneFen: 258_000, quantityKg: 5_000 });
    const buy = await placeOrder(t.request, buyer, { side: 'buy', pricePerTonneFen: 258_000, quantityKg: 10_000 });

    expect(buy.status).to.equal('filled');
    expect(buy.filledKg).to.equal(10_000);
    expect(buy.tradeIds).to.have.length(2);
    const trades: TTrade[] = [];
    for (const id of buy.tradeIds) {
      const res = await t.request.get(`/api/v1/trades/${id}`).set(auth(buyer.token));
      expect(res.status).to.equal(200);
      trades.push(res.body as TTrade);
    }
    // The best price first (A), then at 258 000 the earlier order (B), each at the resting price.
    expect(trades.map((x) => [x.generatorOrgId, x.pricePerTonneFen, x.quantityKg])).to.deep.equal([
      [a.orgId, 257_000, 5_000],
      [b.orgId, 258_000, 5_000],
    ]);
    expect(trades[0]!.orderIds).to.deep.equal([buy.id, sellA.id]);
    expect(trades[1]!.orderIds).to.deep.equal([buy.id, sellB.id]);
    expect(
      trades.every((x) => x.receiverOrgId === buyer.orgId && x.listingId === null && x.status === 'awaiting_payment'),
    ).to.equal(true);
    expect(await openKg(sellC.id)).to.equal(5_000);
    const depth = await book(t.request, code);
    expect(depth.asks).to.deep.equal([{ pricePerTonneFen: 258_000, quantityKg: 5_000, orders: 1 }]);

    const prints = await t.request.get(`/api/v1/markets/${code}/trades`);
    expect(prints.status).to.equal(200);
    expect(prints.body.items.slice(0, 2).map((p: { pricePerTonneFen: number }) => p.pricePerTonneFen)).to.deep.equal([
      258_000, 257_000,
    ]);
    expect(prints.body.items[0]).to.not.have.property('orgId');

    // The resting sell's owner sees its order filled, with its trade.
    const mine = await t.request.get('/api/v1/orders').set(auth(a.token));
    expect(mine.status).to.equal(200);
    expect(mine.body.items[0]).to.include({ id: sellA.id, status: 'filled', filledKg: 5_000 });
    expect(mine.body.items[0].tradeIds).to.deep.equal([buy.tradeIds[0]]);

    // Clean the book for the next tests.
    const del = await t.request.delete(`/api/v1/markets/${code}/orders/${sellC.id}`).set(auth(c.token));
    expect(del.status, JSON.stringify(del.body)).to.equal(200);
    expect(del.body).to.include({ status: 'cancelled', cancelledKg: 5_000, remainingKg: 0 });
    expect((await book(t.request, code)).asks).to.deep.equal([]);
  });

  it('an order from a carrier is refused with FORBIDDEN_ROLE; so is a generator buying', async () => {
    const carrier = await registerOrg(t.request, { roles: ['carrier'] });
    const res = await order(t.request, carrier, { side: 'sell', pricePerTonneFen: 258_000, quantityKg: 5_000 });
    expect(res.status).to.equal(403);
    expect(res.body.error.code).to.equal('FORBIDDEN_ROLE');
    const g = await createGenerator(t.request);
    const buy = await order(t.request, g, { side: 'buy', pricePerTonneFen: 258_000, quantityKg: 5_000 });
    expect(buy.status).to.equal(403);
    expect(buy.body.error.code).to.equal('FORBIDDEN_ROLE');
  });

  it('a price against the usual direction needs a justification and is flagged; one far outside the band is rejected', async () => {
    const g = await createGenerator(t.request);
    // Waste paper (OCC) has no seeded band: only the direction speaks.
    const against = await order(t.request, g, { side: 'sell', pricePerTonneFen: -10_000, quantityKg: 2_000 }, 'SW17-02');
    expect(against.status).to.equal(422);
    expect(against.body.error.code).to.equal('JUSTIFICATION_REQUIRED');
    expect(against.body.error.details.priceCheck.status).to.equal('flagged');
    const justified = await placeOrder(
      t.request,
      g,
      {
        side: 'sell',
        pricePerTonneFen: -10_000,
        quantityKg: 2_000,
        justification: 'wet, contaminated lot; we pay for collection',
      },
      'SW17-02',
    );
    expect(justified.priceCheck.status).to.equal('flagged');
    const [alert] = await rows(t.ctx.db, sql`select kind from alerts where subject_id = ${justified.id}`);
    expect(alert).to.deep.include({ kind: 'price_flagged' });

    const far = await order(t.request, g, { side: 'sell', pricePerTonneFen: 400_000, quantityKg: 5_000 });
    expect(far.status).to.equal(422);
    expect(far.body.error.code).to.equal('PRICE_OUT_OF_RANGE');
    const [stored] = await rows<{ n: string | number }>(
      t.ctx.db,
      sql`select count(*) as n from market_orders where org_id = ${g.orgId} and price_per_tonne_fen = 400000`,
    );
    expect(Number(stored!.n)).to.equal(0);
    await t.request.delete(`/api/v1/markets/SW17-02/orders/${justified.id}`).set(auth(g.token)).expect(200);
  });

  it('self-trade is prevented: an order never fills against its own organisation', async () => {
    const both = await registerOrg(t.request, { roles: ['generator', 'recycler'] });
    const sell = await placeOrder(t.request, both, { side: 'sell', pricePerTonneFen: 258_000, quantityKg: 5_000 });
    const buy = await placeOrder(t.request, both, { side: 'buy', pricePerTonneFen: 258_000, quantityKg: 5_000 });
    expect(buy).to.include({ status: 'cancelled', filledKg: 0, cancelledKg: 5_000 });
    expect(buy.tradeIds).to.deep.equal([]);
    expect(await openKg(sell.id)).to.equal(5_000);
    await t.request.delete(`/api/v1/markets/${STEEL}/orders/${sell.id}`).set(auth(both.token)).expect(200);
  });

  it('an order below the lot, not in whole lots or off the tick is a 400 naming the field', async () => {
    const g = await createGenerator(t.request);
    for (const [body, field] of [
      [{ quantityKg: 4_000, pricePerTonneFen: 258_000 }, 'quantityKg'],
      [{ quantityKg: 7_500, pricePerTonneFen: 258_000 }, 'quantityKg'],
      [{ quantityKg: 5_000, pricePerTonneFen: 258_500 }, 'pricePerTonneFen'],
    ] as const) {
      const res = await order(t.request, g, { side: 'sell', ...body });
      expect(res.status, JSON.stringify(body)).to.equal(400);
      expect(res.body.error.code).to.equal('VALIDATION_FAILED');
      expect(res.body.error.details.fields[0].path).to.equal(field);
    }
    const terms = await t.request.get(`/api/v1/catalog/materials/${STEEL}`);
    expect(terms.body.market).to.deep.equal({ minLotKg: 5_000, priceTickFen: 1_000 });
    const noMarket = await order(t.request, g, { side: 'sell', quantityKg: 5_000, pricePerTonneFen: 1_000 }, 'HW18');
    expect(noMarket.status).to.equal(404);
  });

  it('a watch notifies its owner once when a matching order arrives, not for one outside its limits', async () => {
    const watcher = await createRecycler(t.request, { licence: null });
    const w = await t.request
      .post('/api/v1/watches')
      .set(auth(watcher.token))
      .send({ materialCode: 'HH-01', maxPricePerTonneFen: 26_000 });
    expect(w.status, JSON.stringify(w.body)).to.equal(201);
    const g = await createGenerator(t.request);
    const matching = await placeOrder(t.request, g, { side: 'sell', pricePerTonneFen: 25_000, quantityKg: 500 }, 'HH-01');
    await placeOrder(t.request, g, { side: 'sell', pricePerTonneFen: 29_000, quantityKg: 500 }, 'HH-01');
    await t.ctx.jobs.drain();
    // The same happening announced again tells nobody twice.
    await t.ctx.watches.matchWatches(
      {
        key: `order:${matching.id}`,
        subjectType: 'market',
        subjectId: 'HH-01',
        materialCode: 'HH-01',
        district: g.org.district,
        pricePerTonneFen: 25_000,
        quantityKg: 500,
        what: 'sell_order',
        fromOrgId: g.orgId,
      },
      { outboxId: -1 },
    );
    await t.ctx.jobs.drain();
    const res = await t.request.get('/api/v1/notifications').set(auth(watcher.token));
    expect(res.status).to.equal(200);
    const hits = res.body.items.filter((n: { kind: string }) => n.kind === 'watch_match');
    expect(hits).to.have.length(1);
    expect(hits[0].data).to.include({ what: 'sell_order', pricePerTonneFen: 25_000, materialCode: 'HH-01' });
  });

  it('a watch with a district notifies its owner of a new listing there, not of one elsewhere', async () => {
    const watcher = await createRecycler(t.request, { licence: null });
    const w = await t.request
      .post('/api/v1/watches')
      .set(auth(watcher.token))
      .send({ materialCode: 'SW17-01', district: '330603' });
    expect(w.status, JSON.stringify(w.body)).to.equal(201);
    const g = await createGenerator(t.request);
    const here = await createListing(t.request, g, steelListing({ district: '330603' }));
    await createListing(t.request, g, steelListing({ district: '330681' }));
    await t.ctx.jobs.drain();
    const res = await t.request.get('/api/v1/notifications').set(auth(watcher.token));
    const hits = res.body.items.filter((n: { kind: string }) => n.kind === 'watch_match');
    expect(hits.map((n: { subjectId: string; data: { what: string } }) => [n.subjectId, n.data.what])).to.deep.equal([
      [here.id, 'supply_listing'],
    ]);
    // Only the watch's owner is told, not the other users of its organisation.
    const list = await t.request.get('/api/v1/watches').set(auth(watcher.token));
    expect(list.body.items.map((x: { id: string }) => x.id)).to.deep.equal([w.body.id]);
  });
});
