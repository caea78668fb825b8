import { expect } from 'chai';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { auth } from '../helpers/actors.js';
import {
  alertsOf,
  bid,
  countRows,
  createGenerator,
  createListing,
  createRecycler,
  flyAshListing,
  steelListing,
} from '../helpers/trading.js';
import type { TListing } from '../../shared/src/schemas/listings.js';

/**
 * Price checks of DESIGN §6.3 through HTTP, on the seeded fly-ash band −219 500 … −159 100 fen/t
 * (width 60 400: flagged from −279 900 to −98 700, rejected beyond).
 */
describe('price checks through HTTP', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(async () => {
    await t?.close();
  });

  describe('on a listing', () => {
    it('inside the band: ok, stored with the check', async () => {
      const g = await createGenerator(t.request);
      const l = await createListing(t.request, g, flyAshListing({ pricePerTonneFen: -170_000 }));
      expect(l.priceCheck).to.include({ status: 'ok', source: 'seed', deviation: 1020 });
    });

    it('a material without any band: ok with source none', async () => {
      const g = await createGenerator(t.request);
      const l = await createListing(t.request, g, steelListing({ materialCode: 'SW07-01', pricePerTonneFen: -90_000 }));
      expect(l.priceCheck).to.deep.equal({
        status: 'ok',
        band: null,
        source: 'none',
        sampleSize: 0,
        deviation: null,
        reasons: [],
      });
    });

    it('flagged without a justification: 422 JUSTIFICATION_REQUIRED with the check, nothing stored, no alert', async () => {
      const g = await createGenerator(t.request);
      const before = [await countRows(t, 'listings'), await countRows(t, 'alerts')];
      const res = await t.request
        .post('/api/v1/listings')
        .set(auth(g.token))
        .send(flyAshListing({ pricePerTonneFen: -250_000 }));
      expect(res.status).to.equal(422);
      expect(res.body.error.code).to.equal('JUSTIFICATION_REQUIRED');
      expect(res.body.error.details.priceCheck).to.deep.equal({
        status: 'flagged',
        band: { lowFen: -219_500, medianFen: -189_300, highFen: -159_100 },
        source: 'seed',
        sampleSize: 0,
        deviation: -3207,
        reasons: [{ code: 'BELOW_BAND', lowFen: -219_500, highFen: -159_100, source: 'seed' }],
      });
      expect([await countRows(t, 'listings'), await countRows(t, 'alerts')]).to.deep.equal(before);
    });

    it('flagged with a justification: stored as flagged, and a price_flagged alert for the origin district', async () => {
      const g = await createGenerator(t.request);
      const l = await createListing(
        t.request,
        g,
        flyAshListing({ pricePerTonneFen: -250_000, justification: '含水率高，需额外预处理' }),
      );
      expect(l.priceCheck.status).to.equal('flagged');
      expect(l.justification).to.equal('含水率高，需额外预处理');
      const alerts = (await alertsOf(t, 'price_flagged')).filter((a) => a.subject_id === l.id);
      expect(alerts).to.have.length(1);
      expect(alerts[0]).to.include({ subject_type: 'listing', district: '330603' });
      expect(alerts[0]!.details).to.include({ pricePerTonneFen: -250_000, justification: '含水率高，需额外预处理' });
    });

    it('rejected: 422 PRICE_OUT_OF_RANGE, no listing stored, but the price_rejected alert is committed', async () => {
      const g = await createGenerator(t.request);
      const before = await countRows(t, 'listings');
      const alertsBefore = (await alertsOf(t, 'price_rejected')).length;
      // A disposal fee of 300 yuan/t for fly ash: the classic sign of dumping. A justification does not help.
      const res = await t.request
        .post('/api/v1/listings')
        .set(auth(g.token))
        .send(flyAshListing({ pricePerTonneFen: -30_000, justification: 'cheap' }));
      expect(res.status).to.equal(422);
      expect(res.body.error.code).to.equal('PRICE_OUT_OF_RANGE');
      expect(res.body.error.details.priceCheck).to.include({ status: 'rejected', source: 'seed' });
      expect(await countRows(t, 'listings')).to.equal(before);
      const alerts = await alertsOf(t, 'price_rejected');
      expect(alerts).to.have.length(alertsBefore + 1);
      expect(alerts.at(-1)).to.include({ subject_type: 'listing_attempt', district: '330603' });
      expect(alerts.at(-1)!.details).to.include({ orgId: g.orgId, pricePerTonneFen: -30_000, wasteCode: '772-002-18' });
    });

    it('a fee far above the band is rejected too (gouging)', async () => {
      const g = await createGenerator(t.request);
      const res = await t.request
        .post('/api/v1/listings')
        .set(auth(g.token))
        .send(flyAshListing({ pricePerTonneFen: -300_000 }));
      expect(res.body.error.code).to.equal('PRICE_OUT_OF_RANGE');
    });

    it('exactly at the flagged edge (low − width) is flagged, one fen beyond is rejected', async () => {
      const g = await createGenerator(t.request);
      const edge = await t.request
        .post('/api/v1/listings')
        .set(auth(g.token))
        .send(flyAshListing({ pricePerTonneFen: -279_900 }));
      expect(edge.body.error.code).to.equal('JUSTIFICATION_REQUIRED');
      const beyond = await t.request
        .post('/api/v1/listings')
        .set(auth(g.token))
        .send(flyAshListing({ pricePerTonneFen: -279_901 }));
      expect(beyond.body.error.code).to.equal('PRICE_OUT_OF_RANGE');
    });
  });

  describe('on a bid', () => {
    let listing: TListing;
    before(async () => {
      const g = await createGenerator(t.request);
      listing = await createListing(
        t.request,
        g,
        flyAshListing({
          quantityKg: 1_000_000,
          minLotKg: 1_000,
          mode: 'auction',
          closesAt: new Date(Date.now() + 3_600_000).toISOString(),
        }),
      );
    });

    it('ok: 201 with priceCheck ok', async () => {
      const r = await createRecycler(t.request);
      const res = await bid(t.request, r, listing.id, { pricePerTonneFen: -180_000, quantityKg: 1_000 });
      expect(res.status).to.equal(201);
      expect(res.body.priceCheck).to.include({ status: 'ok', deviation: 491 });
    });

    it('flagged without a justification: 422 JUSTIFICATION_REQUIRED with details.priceCheck, no bid stored', async () => {
      const r = await createRecycler(t.request);
      const before = await countRows(t, 'bids');
      const res = await bid(t.request, r, listing.id, { pricePerTonneFen: -120_000, quantityKg: 1_000 });
      expect(res.status).to.equal(422);
      expect(res.body.error.code).to.equal('JUSTIFICATION_REQUIRED');
      expect(res.body.error.details.priceCheck).to.include({ status: 'flagged', deviation: 3661 });
      expect(await countRows(t, 'bids')).to.equal(before);
    });

    it('flagged with a justification: accepted as flagged, with a price_flagged alert on the bid', async () => {
      const r = await createRecycler(t.request);
      const res = await bid(t.request, r, listing.id, {
        pricePerTonneFen: -120_000,
        quantityKg: 1_000,
        justification: '自有回转窑，成本低',
      });
      expect(res.status).to.equal(201);
      expect(res.body.priceCheck.status).to.equal('flagged');
      const alerts = (await alertsOf(t, 'price_flagged')).filter((a) => a.subject_id === res.body.id);
      expect(alerts).to.have.length(1);
      expect(alerts[0]).to.include({ subject_type: 'bid', district: '330603' });
    });

    it('rejected: 422 PRICE_OUT_OF_RANGE, no bid stored, the price_rejected alert committed', async () => {
      const r = await createRecycler(t.request);
      const bidsBefore = await countRows(t, 'bids');
      const res = await bid(t.request, r, listing.id, {
        pricePerTonneFen: -20_000,
        quantityKg: 1_000,
        justification: '就是便宜',
      });
      expect(res.status).to.equal(422);
      expect(res.body.error.code).to.equal('PRICE_OUT_OF_RANGE');
      expect(res.body.error.details.priceCheck.status).to.equal('rejected');
      expect(await countRows(t, 'bids')).to.equal(bidsBefore);
      const alerts = (await alertsOf(t, 'price_rejected')).filter((a) => a.details.listingId === listing.id);
      expect(alerts).to.have.length(1);
      expect(alerts[0]).to.include({ subject_type: 'bid_attempt' });
      expect(alerts[0]!.details).to.include({ orgId: r.orgId, pricePerTonneFen: -20_000 });
    });

    it('a replayed rejected request (same Idempotency-Key) answers the same without a second alert', async () => {
      const r = await createRecycler(t.request);
      const send = () =>
        t.request
          .post(`/api/v1/listings/${listing.id}/bids`)
          .set(auth(r.token))
          .set('Idempotency-Key', `rejected-${r.orgId}`)
          .send({ pricePerTonneFen: -10_000, quantityKg: 1_000 });
      const first = await send();
      const second = await send();
      expect(first.status).to.equal(422);
      expect(second.status).to.equal(422);
      expect(second.body.error.code).to.equal('PRICE_OUT_OF_RANGE');
      const alerts = (await alertsOf(t, 'price_rejected')).filter((a) => a.details.orgId === r.orgId);
      expect(alerts).to.have.length(1);
    });
  });
});
