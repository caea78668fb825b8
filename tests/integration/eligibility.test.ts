import { expect } from 'chai';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { adminToken, auth, submitLicence } from '../helpers/actors.js';
import {
  DAY,
  alertsOf,
  bid,
  countRows,
  createGenerator,
  createListing,
  createRecycler,
  flyAshListing,
  inSeconds,
  placeBid,
  steelListing,
  withCreditLevels,
} from '../helpers/trading.js';
import { shanghaiDate } from '../../shared/src/calendar.js';
import type { CreditLevel } from '../../server/src/modules/credit/read-model.js';

describe('eligibility through HTTP (DESIGN §5.2)', () => {
  let t: TestApp;
  let admin: string;
  before(async () => {
    t = await createTestApp();
    admin = await adminToken(t.request);
  });
  after(async () => {
    await t?.close();
  });

  const flyAshBid = { pricePerTonneFen: -185_000, quantityKg: 5_000 };

  it('a recycler without any licence bidding on fly ash gets LICENCE_REQUIRED (403), and nothing is written', async () => {
    const g = await createGenerator(t.request);
    const r = await createRecycler(t.request, { licence: null });
    const l = await createListing(t.request, g, flyAshListing());
    const before = await countRows(t, 'bids');
    const res = await bid(t.request, r, l.id, flyAshBid);
    expect(res.status).to.equal(403);
    expect(res.body.error.code).to.equal('LICENCE_REQUIRED');
    expect(res.body.error.message).to.match(/approved disposal licence covering 772-002-18 or HW18/);
    expect(await countRows(t, 'bids')).to.equal(before);
  });

  it('a licence still pending review does not count: LICENCE_REQUIRED', async () => {
    const g = await createGenerator(t.request);
    const r = await createRecycler(t.request, { licence: null });
    await submitLicence(t.request, r, { wasteCodes: ['HW18'] });
    const l = await createListing(t.request, g, flyAshListing());
    expect((await bid(t.request, r, l.id, flyAshBid)).body.error.code).to.equal('LICENCE_REQUIRED');
  });

  it('an approved licence for waste mineral oil only: LICENCE_SCOPE, telling what to add', async () => {
    const g = await createGenerator(t.request);
    const r = await createRecycler(t.request, { licence: { wasteCodes: ['HW08', '900-249-08'] }, admin });
    const l = await createListing(t.request, g, flyAshListing());
    const res = await bid(t.request, r, l.id, flyAshBid);
    expect(res.status).to.equal(403);
    expect(res.body.error.code).to.equal('LICENCE_SCOPE');
    expect(res.body.error.message).to.equal(
      'your disposal licences do not cover 772-002-18 (HW18); add the code or HW18 to a licence and have it approved',
    );
  });

  it('a licence naming the exact code (not the category) covers it', async () => {
    const g = await createGenerator(t.request);
    const r = await createRecycler(t.request, { licence: { wasteCodes: ['772-002-18'] }, admin });
    const l = await createListing(t.request, g, flyAshListing());
    expect((await placeBid(t.request, r, l.id, flyAshBid)).status).to.equal('won');
  });

  it('a suspended covering licence: LICENCE_SUSPENDED', async () => {
    const g = await createGenerator(t.request);
    const r = await createRecycler(t.request, { admin });
    await t.request.post(`/api/v1/licences/${r.licenceId}/suspend`).set(auth(admin)).send({}).expect(200);
    const l = await createListing(t.request, g, flyAshListing());
    const res = await bid(t.request, r, l.id, flyAshBid);
    expect(res.status).to.equal(403);
    expect(res.body.error.code).to.equal('LICENCE_SUSPENDED');
    expect(res.body.error.message).to.match(/suspended/);
  });

  it('a licence that ends before the pickup window does: LICENCE_EXPIRED with both date ranges', async () => {
    const g = await createGenerator(t.request);
    const validTo = shanghaiDate(new Date(Date.now() + 3 * DAY * 1000));
    const r = await createRecycler(t.request, { licence: { validFrom: '2020-01-01', validTo }, admin });
    const l = await createListing(t.request, g, flyAshListing({ pickupTo: inSeconds(10 * DAY) }));
    const res = await bid(t.request, r, l.id, flyAshBid);
    expect(res.status).to.equal(403);
    expect(res.body.error.code).to.equal('LICENCE_EXPIRED');
    expect(res.body.error.message).to.contain(validTo);
    expect(res.body.error.details).to.include({ validTo });
  });

  it('remaining calendar-year capacity below the bid: CAPACITY_EXCEEDED (422), counting trades already made', async () => {
    const g = await createGenerator(t.request);
    const r = await createRecycler(t.request, { licence: { annualCapacityKg: 25_000 }, admin });
    const first = await createListing(t.request, g, flyAshListing());
    expect((await placeBid(t.request, r, first.id, { pricePerTonneFen: -185_000, quantityKg: 20_000 })).status).to.equal('won');
    const second = await createListing(t.request, g, flyAshListing());
    const res = await bid(t.request, r, second.id, { pricePerTonneFen: -185_000, quantityKg: 10_000 });
    expect(res.status).to.equal(422);
    expect(res.body.error.code).to.equal('CAPACITY_EXCEEDED');
    expect(res.body.error.details).to.include({
      annualCapacityKg: 25_000,
      usedKg: 20_000,
      remainingKg: 5_000,
      requestedKg: 10_000,
    });
    expect((await placeBid(t.request, r, second.id, { pricePerTonneFen: -185_000, quantityKg: 5_000 })).status).to.equal('won');
  });

  it('a black-level bidder on hazardous waste: CREDIT_BARRED; on scrap steel it may still trade', async () => {
    const g = await createGenerator(t.request);
    const r = await createRecycler(t.request, { admin });
    const request = withCreditLevels(t, new Map<string, CreditLevel>([[r.orgId, 'black']]));
    const l = await createListing(t.request, g, flyAshListing());
    const res = await bid(request, r, l.id, flyAshBid);
    expect(res.status).to.equal(403);
    expect(res.body.error.code).to.equal('CREDIT_BARRED');
    const steel = await createListing(t.request, g, steelListing());
    expect((await bid(request, r, steel.id, { pricePerTonneFen: 258_500, quantityKg: 10_000 })).status).to.equal(201);
  });

  it('a black-level generator may not post hazardous waste: CREDIT_BARRED', async () => {
    const g = await createGenerator(t.request);
    const request = withCreditLevels(t, new Map<string, CreditLevel>([[g.orgId, 'black']]));
    const res = await request.post('/api/v1/listings').set(auth(g.token)).send(flyAshListing());
    expect(res.status).to.equal(403);
    expect(res.body.error.code).to.equal('CREDIT_BARRED');
  });

  it('a trade with a red-level party raises a red_party alert', async () => {
    const g = await createGenerator(t.request);
    const r = await createRecycler(t.request, { admin });
    const request = withCreditLevels(t, new Map<string, CreditLevel>([[g.orgId, 'red']]));
    const l = await createListing(t.request, g, flyAshListing());
    const b = await placeBid(request, r, l.id, flyAshBid);
    const alerts = (await alertsOf(t, 'red_party')).filter((a) => a.subject_id === b.tradeIds[0]);
    expect(alerts).to.have.length(1);
    expect(alerts[0]!.details).to.include({ orgId: g.orgId, level: 'red' });
  });

  it('on a demand listing the receiver is the listing’s owner: an offer fails when the owner’s licence is suspended', async () => {
    const buyer = await createRecycler(t.request, { admin });
    const l = await createListing(t.request, buyer, flyAshListing({ side: 'demand', pricePerTonneFen: -189_300 }));
    await t.request.post(`/api/v1/licences/${buyer.licenceId}/suspend`).set(auth(admin)).send({}).expect(200);
    const g = await createGenerator(t.request);
    const res = await bid(t.request, g, l.id, {
      pricePerTonneFen: -195_000,
      quantityKg: 5_000,
      hazard: { characteristics: ['T'], form: 'solid', packaging: 'ton_bag' },
    });
    expect(res.status).to.equal(403);
    expect(res.body.error.code).to.equal('LICENCE_SUSPENDED');
    expect(res.body.error.message).to.match(/^the receiving party's disposal licence/);
  });

  it('eligibility comes before the reserve and the price check', async () => {
    const g = await createGenerator(t.request);
    const r = await createRecycler(t.request, { licence: null });
    const l = await createListing(t.request, g, flyAshListing({ mode: 'auction', closesAt: inSeconds(3600) }));
    // Below the reserve and far beyond the band, but the licence is what is missing.
    const res = await bid(t.request, r, l.id, { pricePerTonneFen: -900_000, quantityKg: 5_000 });
    expect(res.body.error.code).to.equal('LICENCE_REQUIRED');
    expect(await alertsOf(t, 'price_rejected').then((a) => a.filter((x) => x.details.listingId === l.id))).to.deep.equal([]);
  });

  it('non-hazardous material needs no licence', async () => {
    const g = await createGenerator(t.request);
    const r = await createRecycler(t.request, { licence: null });
    const l = await createListing(t.request, g, steelListing());
    expect((await placeBid(t.request, r, l.id, { pricePerTonneFen: 258_500, quantityKg: 10_000 })).status).to.equal('won');
  });
});
