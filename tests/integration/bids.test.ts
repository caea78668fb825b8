import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { auth, registerOrg } from '../helpers/actors.js';
import {
  bid,
  countRows,
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

describe('bids', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(async () => {
    await t?.close();
  });

  describe('checks before eligibility, each with its own code', () => {
    it('a generator bidding on a supply listing gets FORBIDDEN_ROLE', async () => {
      const g = await createGenerator(t.request);
      const other = await createGenerator(t.request);
      const l = await createListing(t.request, g, steelListing());
      const res = await bid(t.request, other, l.id, { pricePerTonneFen: 258_500, quantityKg: 10_000 });
      expect(res.status).to.equal(403);
      expect(res.body.error.code).to.equal('FORBIDDEN_ROLE');
      expect(res.body.error.message).to.match(/recycler/);
    });

    it('a recycler offering on a demand listing gets FORBIDDEN_ROLE; a generator may offer', async () => {
      const buyer = await createRecycler(t.request, { licence: null });
      const otherRecycler = await createRecycler(t.request, { licence: null });
      const g = await createGenerator(t.request);
      const l = await createListing(t.request, buyer, steelListing({ side: 'demand' }));
      const res = await bid(t.request, otherRecycler, l.id, { pricePerTonneFen: 258_500, quantityKg: 10_000 });
      expect(res.status).to.equal(403);
      expect(res.body.error.code).to.equal('FORBIDDEN_ROLE');
      const offer = await placeBid(t.request, g, l.id, { pricePerTonneFen: 258_500, quantityKg: 10_000 });
      expect(offer.status).to.equal('won');
    });

    it('an org with both roles bidding on its own listing gets SELF_DEALING', async () => {
      const both = await registerOrg(t.request, { roles: ['generator', 'recycler'] });
      const l = await createListing(t.request, both, steelListing());
      const res = await bid(t.request, both, l.id, { pricePerTonneFen: 258_500, quantityKg: 10_000 });
      expect(res.status).to.equal(403);
      expect(res.body.error.code).to.equal('SELF_DEALING');
    });

    it('a bid on a cancelled or a sold-out listing gets LISTING_NOT_OPEN (422)', async () => {
      const g = await createGenerator(t.request);
      const r = await createRecycler(t.request, { licence: null });
      const cancelled = await createListing(t.request, g, steelListing());
      await t.request.post(`/api/v1/listings/${cancelled.id}/cancel`).set(auth(g.token)).expect(200);
      const a = await bid(t.request, r, cancelled.id, { pricePerTonneFen: 258_500, quantityKg: 10_000 });
      expect(a.status).to.equal(422);
      expect(a.body.error.code).to.equal('LISTING_NOT_OPEN');
      const sold = await createListing(t.request, g, steelListing());
      await placeBid(t.request, r, sold.id, { pricePerTonneFen: 258_500, quantityKg: 10_000 });
      const b = await bid(t.request, r, sold.id, { pricePerTonneFen: 258_500, quantityKg: 10_000 });
      expect(b.status).to.equal(422);
      expect(b.body.error.code).to.equal('LISTING_NOT_OPEN');
    });

    it('role comes before self-dealing and self-dealing before the listing state', async () => {
      const both = await registerOrg(t.request, { roles: ['generator', 'recycler'] });
      const l = await createListing(t.request, both, steelListing());
      await t.request.post(`/api/v1/listings/${l.id}/cancel`).set(auth(both.token)).expect(200);
      expect((await bid(t.request, both, l.id, { pricePerTonneFen: 258_500, quantityKg: 10_000 })).body.error.code).to.equal(
        'SELF_DEALING',
      );
      const g = await createGenerator(t.request);
      expect((await bid(t.request, g, l.id, { pricePerTonneFen: 258_500, quantityKg: 10_000 })).body.error.code).to.equal(
        'FORBIDDEN_ROLE',
      );
    });

    it('a bid on an unknown listing is 404; a carrier is refused by role before anything', async () => {
      const r = await createRecycler(t.request, { licence: null });
      const res = await bid(t.request, r, '00000000-0000-4000-8000-000000000000', { pricePerTonneFen: 1, quantityKg: 1 });
      expect(res.status).to.equal(404);
      const carrier = await registerOrg(t.request, { roles: ['carrier'] });
      expect(
        (await bid(t.request, carrier, '00000000-0000-4000-8000-000000000000', { pricePerTonneFen: 1, quantityKg: 1 })).body.error
          .code,
      ).to.equal('FORBIDDEN_ROLE');
    });
  });

  describe('bad input', () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ['a zero quantity', { pricePerTonneFen: 258_500, quantityKg: 0 }, 'quantityKg'],
      ['a negative quantity', { pricePerTonneFen: 258_500, quantityKg: -1 }, 'quantityKg'],
      ['a price beyond 10^8', { pricePerTonneFen: 100_000_001, quantityKg: 10 }, 'pricePerTonneFen'],
      ['a price beyond -10^8', { pricePerTonneFen: -100_000_001, quantityKg: 10 }, 'pricePerTonneFen'],
      ['a price as a string', { pricePerTonneFen: '258500', quantityKg: 10 }, 'pricePerTonneFen'],
      ['an unknown field', { pricePerTonneFen: 258_500, quantityKg: 10, status: 'won' }, 'status'],
      ['a missing quantity', { pricePerTonneFen: 258_500 }, 'quantityKg'],
    ];
    for (const [what, body, field] of cases) {
      it(`${what} → 400 on ${field}, nothing written`, async () => {
        const g = await createGenerator(t.request);
        const r = await createRecycler(t.request, { licence: null });
        const l = await createListing(t.request, g, steelListing());
        const before = [await countRows(t, 'bids'), await countRows(t, 'trades'), await countRows(t, 'alerts')];
        const res = await bid(t.request, r, l.id, body);
        expect(res.status).to.equal(400);
        expect(res.body.error.details.fields.map((f: { path: string }) => f.path)).to.include(field);
        expect([await countRows(t, 'bids'), await countRows(t, 'trades'), await countRows(t, 'alerts')]).to.deep.equal(before);
      });
    }

    it('a bid below the minimum lot is a 400 on quantityKg saying the lot', async () => {
      const g = await createGenerator(t.request);
      const r = await createRecycler(t.request, { licence: null });
      const l = await createListing(t.request, g, steelListing({ minLotKg: 2_000 }));
      const res = await bid(t.request, r, l.id, { pricePerTonneFen: 258_500, quantityKg: 1_999 });
      expect(res.status).to.equal(400);
      expect(res.body.error.details.fields[0]).to.deep.equal({
        path: 'quantityKg',
        message: "below the listing's minimum lot: bid at least 2000 kg",
      });
    });
  });

  describe('visibility', () => {
    it('on an open auction the owner and other bidders see only the count; each bidder sees its own', async () => {
      const g = await createGenerator(t.request);
      const r1 = await createRecycler(t.request, { licence: null });
      const r2 = await createRecycler(t.request, { licence: null });
      const outsider = await createRecycler(t.request, { licence: null });
      const l = await createListing(
        t.request,
        g,
        steelListing({ mode: 'auction', closesAt: inSeconds(3600), quantityKg: 10_000 }),
      );
      const b1 = await placeBid(t.request, r1, l.id, { pricePerTonneFen: 259_000, quantityKg: 10_000 });
      await placeBid(t.request, r2, l.id, { pricePerTonneFen: 260_000, quantityKg: 10_000 });
      expect(b1.status).to.equal('active');

      const owner = await t.request.get(`/api/v1/listings/${l.id}/bids`).set(auth(g.token)).expect(200);
      expect(owner.body).to.deep.equal({ count: 2, sealed: true, items: [] });
      const mine = await t.request.get(`/api/v1/listings/${l.id}/bids`).set(auth(r1.token)).expect(200);
      expect(mine.body.count).to.equal(2);
      expect(mine.body.items.map((b: TBid) => b.id)).to.deep.equal([b1.id]);
      expect(JSON.stringify(mine.body)).not.to.contain('260000');
      const other = await t.request.get(`/api/v1/listings/${l.id}/bids`).set(auth(outsider.token));
      expect(other.status).to.equal(403);
      expect(other.body.error.code).to.equal('NOT_A_PARTY');
      expect((await t.request.get(`/api/v1/listings/${l.id}/bids`)).status).to.equal(401);
      // The public listing shows the count, never prices.
      expect((await t.request.get(`/api/v1/listings/${l.id}`)).body.bidCount).to.equal(2);
    });

    it('bid.placed on an auction carries only { listingId, bidCount } in every room', async () => {
      const g = await createGenerator(t.request);
      const r = await createRecycler(t.request, { licence: null });
      const l = await createListing(t.request, g, steelListing({ mode: 'auction', closesAt: inSeconds(3600) }));
      await placeBid(t.request, r, l.id, { pricePerTonneFen: 259_123, quantityKg: 10_000 });
      const events = await rows<{ room: string; data: Record<string, unknown> }>(
        t.ctx.db,
        sql`select payload->>'room' as room, payload->'data' as data from outbox
            where topic = 'realtime.publish' and payload->>'type' = 'bid.placed' and payload->'data'->>'listingId' = ${l.id}`,
      );
      expect(events.map((e) => e.room).sort()).to.deep.equal([`listing:${l.id}`, `org:${g.orgId}`]);
      for (const e of events) expect(e.data).to.deep.equal({ listingId: l.id, bidCount: 1 });
    });

    it('on a fixed-price listing the owner sees every bid with its bidder; other bidders see prices but not who', async () => {
      const g = await createGenerator(t.request);
      const r1 = await createRecycler(t.request, { licence: null });
      const r2 = await createRecycler(t.request, { licence: null });
      const l = await createListing(t.request, g, steelListing());
      await placeBid(t.request, r1, l.id, { pricePerTonneFen: 256_000, quantityKg: 10_000 });
      await placeBid(t.request, r2, l.id, { pricePerTonneFen: 257_000, quantityKg: 10_000 });
      const owner = await t.request.get(`/api/v1/listings/${l.id}/bids`).set(auth(g.token)).expect(200);
      expect(owner.body.sealed).to.equal(false);
      expect(owner.body.items.map((b: TBid) => b.orgId)).to.deep.equal([r1.orgId, r2.orgId]);
      const seen = await t.request.get(`/api/v1/listings/${l.id}/bids`).set(auth(r1.token)).expect(200);
      expect(seen.body.items.map((b: TBid) => [b.orgId, b.mine])).to.deep.equal([
        [r1.orgId, true],
        [null, false],
      ]);
    });

    it('GET /bids lists the caller’s own bids, newest first, with a status filter', async () => {
      const g = await createGenerator(t.request);
      const r = await createRecycler(t.request, { licence: null });
      const l1 = await createListing(t.request, g, steelListing());
      const l2 = await createListing(t.request, g, steelListing());
      const a = await placeBid(t.request, r, l1.id, { pricePerTonneFen: 258_500, quantityKg: 10_000 });
      const b = await placeBid(t.request, r, l2.id, { pricePerTonneFen: 256_000, quantityKg: 10_000 });
      const all = await t.request.get('/api/v1/bids').set(auth(r.token)).expect(200);
      expect(all.body.items.map((x: TBid) => x.id)).to.deep.equal([b.id, a.id]);
      expect(all.body.items[1].tradeIds).to.have.length(1);
      const won = await t.request.get('/api/v1/bids').query({ status: 'won' }).set(auth(r.token)).expect(200);
      expect(won.body.items.map((x: TBid) => x.id)).to.deep.equal([a.id]);
    });
  });

  describe('withdrawing', () => {
    it('a bidder withdraws an active bid while the listing is open; the count drops', async () => {
      const g = await createGenerator(t.request);
      const r = await createRecycler(t.request, { licence: null });
      const l = await createListing(t.request, g, steelListing({ mode: 'auction', closesAt: inSeconds(3600) }));
      const b = await placeBid(t.request, r, l.id, { pricePerTonneFen: 259_000, quantityKg: 10_000 });
      const res = await t.request.post(`/api/v1/bids/${b.id}/withdraw`).set(auth(r.token)).send({});
      expect(res.status).to.equal(200);
      expect(res.body.status).to.equal('withdrawn');
      expect((await t.request.get(`/api/v1/listings/${l.id}`)).body.bidCount).to.equal(0);
      const again = await t.request.post(`/api/v1/bids/${b.id}/withdraw`).set(auth(r.token)).send({});
      expect(again.status).to.equal(409);
    });

    it('a fixed-price bid that matched cannot be withdrawn (409 INVALID_STATE)', async () => {
      const g = await createGenerator(t.request);
      const r = await createRecycler(t.request, { licence: null });
      const l = await createListing(t.request, g, steelListing());
      const b = await placeBid(t.request, r, l.id, { pricePerTonneFen: 258_500, quantityKg: 10_000 });
      expect(b.status).to.equal('won');
      const res = await t.request.post(`/api/v1/bids/${b.id}/withdraw`).set(auth(r.token)).send({});
      expect(res.status).to.equal(409);
      expect(res.body.error.code).to.equal('INVALID_STATE');
    });

    it('another org cannot withdraw a bid (404); after the listing is cancelled the bid is lost, not withdrawable', async () => {
      const g = await createGenerator(t.request);
      const r = await createRecycler(t.request, { licence: null });
      const other = await createRecycler(t.request, { licence: null });
      const l = await createListing(t.request, g, steelListing());
      const b = await placeBid(t.request, r, l.id, { pricePerTonneFen: 256_000, quantityKg: 10_000 });
      expect((await t.request.post(`/api/v1/bids/${b.id}/withdraw`).set(auth(other.token)).send({})).status).to.equal(404);
      await t.request.post(`/api/v1/listings/${l.id}/cancel`).set(auth(g.token)).expect(200);
      const res = await t.request.post(`/api/v1/bids/${b.id}/withdraw`).set(auth(r.token)).send({});
      expect(res.status).to.equal(409);
      expect(res.body.error.details.status).to.equal('lost');
    });

    it('withdrawing from an auction that is past its close gets LISTING_NOT_OPEN', async () => {
      const t2 = await createTestApp({ env: { AUCTION_MIN_LEAD_SECONDS: '1' }, startJobs: false });
      try {
        const g = await createGenerator(t2.request);
        const r = await createRecycler(t2.request, { licence: null });
        const l = await createListing(t2.request, g, steelListing({ mode: 'auction', closesAt: inSeconds(1.2) }));
        const b = await placeBid(t2.request, r, l.id, { pricePerTonneFen: 259_000, quantityKg: 10_000 });
        await new Promise((res) => setTimeout(res, 1300));
        const res = await t2.request.post(`/api/v1/bids/${b.id}/withdraw`).set(auth(r.token)).send({});
        expect(res.status).to.equal(422);
        expect(res.body.error.code).to.equal('LISTING_NOT_OPEN');
        const late = await bid(t2.request, r, l.id, { pricePerTonneFen: 259_000, quantityKg: 10_000 });
        expect(late.body.error.code).to.equal('LISTING_NOT_OPEN');
      } finally {
        await t2.close();
      }
    });
  });

  it('a hazardous bid with everything in order is accepted and matched', async () => {
    const g = await createGenerator(t.request);
    const r = await createRecycler(t.request);
    const l = await createListing(t.request, g, flyAshListing());
    const b = await placeBid(t.request, r, l.id, { pricePerTonneFen: -185_000, quantityKg: 5_000 });
    expect(b).to.include({ status: 'won', filledKg: 5_000 });
    expect(b.priceCheck.status).to.equal('ok');
  });
});
