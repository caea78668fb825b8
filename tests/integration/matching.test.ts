import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { auth } from '../helpers/actors.js';
import { databaseUrl } from '../helpers/services.js';
import {
  bid,
  createGenerator,
  createListing,
  createRecycler,
  flyAshListing,
  placeBid,
  steelListing,
} from '../helpers/trading.js';
import { rows } from '../../server/src/db/tx.js';
import type { TTrade } from '../../shared/src/schemas/trades.js';
import type { TBid } from '../../shared/src/schemas/bids.js';

describe(`fixed-price matching (${databaseUrl ? 'PostgreSQL' : 'PGlite'})`, () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(async () => {
    await t?.close();
  });

  async function trade(token: string, id: string): Promise<TTrade> {
    const res = await t.request.get(`/api/v1/trades/${id}`).set(auth(token));
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    return res.body as TTrade;
  }

  it('a bid at the ask on scrap steel matches at once: the receiver pays the generator, the payee bears the platform fee, the generator the eco fee', async () => {
    const g = await createGenerator(t.request);
    const r = await createRecycler(t.request, { licence: null });
    const l = await createListing(t.request, g, steelListing());
    // A higher bid still fills at the listing's price.
    const b = await placeBid(t.request, r, l.id, { pricePerTonneFen: 260_000, quantityKg: 10_000 });
    expect(b).to.include({ status: 'won', filledKg: 10_000 });
    expect(b.tradeIds).to.have.length(1);
    const tr = await trade(r.token, b.tradeIds[0]!);
    expect(tr).to.deep.include({
      listingId: l.id,
      bidId: b.id,
      generatorOrgId: g.orgId,
      receiverOrgId: r.orgId,
      payerOrgId: r.orgId,
      payeeOrgId: g.orgId,
      materialCode: 'SW17-01',
      hazardous: false,
      quantityKg: 10_000,
      pricePerTonneFen: 258_500,
      amountFen: 2_585_000,
      platformFeeFen: 25_850,
      // Solid waste leaving its district pays its stream's eco rate too (seed §(五)): 10 t × 1000 fen/t by default.
      ecoCompensationFen: 10_000,
      ecoFenPerTonne: 1_000,
      status: 'awaiting_payment',
      manifestIds: [],
      acceptedKg: 0,
      originDistrict: '330603',
      destinationDistrict: '330604',
    });
    const listing = (await t.request.get(`/api/v1/listings/${l.id}`)).body;
    expect(listing).to.include({ status: 'matched', remainingKg: 0 });
    expect(listing.closedAt).to.be.a('string');
  });

  it('fly ash across districts: the generator pays the disposal fee and the eco compensation; the recycler is payee', async () => {
    const g = await createGenerator(t.request, { district: '330603' });
    const r = await createRecycler(t.request, { district: '330604' });
    const l = await createListing(t.request, g, flyAshListing());
    const b = await placeBid(t.request, r, l.id, { pricePerTonneFen: -185_000, quantityKg: 5_000 });
    const tr = await trade(g.token, b.tradeIds[0]!);
    expect(tr).to.include({
      payerOrgId: g.orgId,
      payeeOrgId: r.orgId,
      pricePerTonneFen: -189_300,
      amountFen: 946_500,
      platformFeeFen: 9_465,
      ecoCompensationFen: 15_000,
      hazardous: true,
      status: 'awaiting_payment',
    });
  });

  it('hazardous waste staying in its district pays no eco compensation', async () => {
    const g = await createGenerator(t.request, { district: '330604' });
    const r = await createRecycler(t.request, { district: '330604' });
    const l = await createListing(t.request, g, flyAshListing({ district: '330604' }));
    const b = await placeBid(t.request, r, l.id, { pricePerTonneFen: -185_000, quantityKg: 5_000 });
    expect((await trade(g.token, b.tradeIds[0]!)).ecoCompensationFen).to.equal(0);
  });

  it('a zero price has no payer or payee and starts funded', async () => {
    const g = await createGenerator(t.request);
    const r = await createRecycler(t.request, { licence: null });
    const l = await createListing(
      t.request,
      g,
      steelListing({ materialCode: 'AG-01', pricePerTonneFen: 0, description: '秸秆，免费自提' }),
    );
    const b = await placeBid(t.request, r, l.id, { pricePerTonneFen: 0, quantityKg: 10_000 });
    expect(await trade(r.token, b.tradeIds[0]!)).to.include({
      payerOrgId: null,
      payeeOrgId: null,
      amountFen: 0,
      platformFeeFen: 0,
      status: 'funded',
    });
  });

  it('fills partially down to the minimum lot and never leaves less than a lot behind', async () => {
    const g = await createGenerator(t.request);
    const r = await createRecycler(t.request);
    const l = await createListing(t.request, g, flyAshListing({ quantityKg: 20_000, minLotKg: 1_000 }));
    expect((await placeBid(t.request, r, l.id, { pricePerTonneFen: -189_300, quantityKg: 5_000 })).filledKg).to.equal(5_000);
    // 14 500 of 15 000 would leave 500 (< 1 lot): it gets 14 000 and leaves one lot.
    const b = await placeBid(t.request, r, l.id, { pricePerTonneFen: -189_300, quantityKg: 14_500 });
    expect(b).to.include({ status: 'won', filledKg: 14_000 });
    expect((await t.request.get(`/api/v1/listings/${l.id}`)).body).to.include({ remainingKg: 1_000, status: 'open' });
    expect((await placeBid(t.request, r, l.id, { pricePerTonneFen: -189_300, quantityKg: 3_000 })).filledKg).to.equal(1_000);
    expect((await t.request.get(`/api/v1/listings/${l.id}`)).body).to.include({ remainingKg: 0, status: 'matched' });
  });

  it('a bid worse than the ask stays active, and is lost when the lot sells to a better bid', async () => {
    const g = await createGenerator(t.request);
    const r1 = await createRecycler(t.request, { licence: null });
    const r2 = await createRecycler(t.request, { licence: null });
    const l = await createListing(t.request, g, steelListing());
    const low = await placeBid(t.request, r1, l.id, { pricePerTonneFen: 257_000, quantityKg: 10_000 });
    expect(low).to.include({ status: 'active', filledKg: 0 });
    expect(low.tradeIds).to.deep.equal([]);
    await placeBid(t.request, r2, l.id, { pricePerTonneFen: 258_500, quantityKg: 10_000 });
    const bids = (await t.request.get(`/api/v1/listings/${l.id}/bids`).set(auth(g.token)).expect(200)).body.items as TBid[];
    expect(bids.map((b) => b.status)).to.deep.equal(['lost', 'won']);
  });

  it('a demand listing matches offers the mirror way: an offer at or below the price fills at the listing price', async () => {
    const buyer = await createRecycler(t.request, { licence: null });
    const g1 = await createGenerator(t.request);
    const g2 = await createGenerator(t.request);
    const l = await createListing(t.request, buyer, steelListing({ side: 'demand', quantityKg: 10_000, minLotKg: 1_000 }));
    const dear = await placeBid(t.request, g1, l.id, { pricePerTonneFen: 260_000, quantityKg: 4_000 });
    expect(dear.status).to.equal('active');
    const cheap = await placeBid(t.request, g2, l.id, { pricePerTonneFen: 255_000, quantityKg: 4_000 });
    expect(cheap.status).to.equal('won');
    const tr = await trade(buyer.token, cheap.tradeIds[0]!);
    expect(tr).to.include({
      generatorOrgId: g2.orgId,
      receiverOrgId: buyer.orgId,
      payerOrgId: buyer.orgId,
      payeeOrgId: g2.orgId,
      pricePerTonneFen: 258_500,
    });
  });

  it('announces trade.created to both parties and the regulator rooms of origin and destination', async () => {
    const g = await createGenerator(t.request, { district: '330681' });
    const r = await createRecycler(t.request, { licence: null, district: '330683' });
    const l = await createListing(t.request, g, steelListing({ district: '330681' }));
    const b = await placeBid(t.request, r, l.id, { pricePerTonneFen: 258_500, quantityKg: 10_000 });
    const events = await rows<{ room: string }>(
      t.ctx.db,
      sql`select payload->>'room' as room from outbox
          where topic = 'realtime.publish' and payload->>'type' = 'trade.created' and payload->'data'->>'tradeId' = ${b.tradeIds[0]!}`,
    );
    expect(events.map((e) => e.room).sort()).to.deep.equal(
      [`org:${g.orgId}`, `org:${r.orgId}`, 'regulator:330681', 'regulator:330683', 'regulator:city'].sort(),
    );
  });

  it('100 concurrent bids on one fixed-price lot never sell more than its quantity', async function () {
    this.timeout(120_000);
    const g = await createGenerator(t.request);
    const recyclers = await Promise.all(Array.from({ length: 10 }, () => createRecycler(t.request, { licence: null })));
    const quantityKg = 50_000;
    const l = await createListing(t.request, g, steelListing({ quantityKg, minLotKg: 1_000 }));
    const seed = Date.now();
    console.log(`    seed ${seed}`);
    const sizes = Array.from({ length: 100 }, (_, i) => 1_000 + ((seed + i * 7919) % 3) * 1_000);
    const results = await Promise.all(
      sizes.map((kg, i) => bid(t.request, recyclers[i % recyclers.length]!, l.id, { pricePerTonneFen: 258_500, quantityKg: kg })),
    );
    for (const res of results) expect([201, 422], JSON.stringify(res.body)).to.include(res.status);
    const [sums] = await rows<{ sold: string | number; n: string | number; remaining: string | number; status: string }>(
      t.ctx.db,
      sql`select coalesce((select sum(quantity_kg) from trades where listing_id = ${l.id}), 0) as sold,
                 (select count(*) from trades where listing_id = ${l.id}) as n,
                 remaining_kg as remaining, status
            from listings where id = ${l.id}`,
    );
    const sold = Number(sums!.sold);
    const remaining = Number(sums!.remaining);
    expect(sold).to.be.at.most(quantityKg);
    expect(remaining).to.be.at.least(0);
    expect(sold + remaining).to.equal(quantityKg);
    // Every won bid has exactly one trade of its filled kg.
    const won = results.filter((r) => r.status === 201 && r.body.status === 'won').map((r) => r.body as TBid);
    expect(won.length).to.equal(Number(sums!.n));
    expect(won.reduce((s, b) => s + b.filledKg, 0)).to.equal(sold);
    // Demand exceeded supply, so the lot sold out exactly.
    expect(sold).to.equal(quantityKg);
    expect(sums!.status).to.equal('matched');
  });
});
