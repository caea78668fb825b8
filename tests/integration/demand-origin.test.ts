/**
 * Issue 12 items 1 and 2: a trade made from a demand (wanted) listing takes its origin from where the
 * shipper's material is — the district the offer states, by default the offering org's — not from the
 * demand listing (the receiver's district); and every hazardous lot carries its hazard declaration,
 * from the side that ships, onto the manifest. DESIGN §5.4 (eco fee), §6.3 (origin of a trade).
 */
import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { adminToken, auth, createRegulator, type OrgActor } from '../helpers/actors.js';
import {
  DAY,
  bid,
  countRows,
  createGenerator,
  createListing,
  createRecycler,
  flyAshListing,
  inSeconds,
  placeBid,
} from '../helpers/trading.js';
import { createCarrier, creditEventsOf, fund, openTrip, step, trade } from '../helpers/manifests.js';
import { perTonneFen } from '../../shared/src/money.js';
import { one } from '../../server/src/db/tx.js';
import type { TFlows } from '../../shared/src/schemas/regulator.js';
import type { TBid } from '../../shared/src/schemas/bids.js';
import { sleep } from '../helpers/wait.js';

/** 900-249-08: waste mineral oil (HW08); no reference band, so any fee passes the price check. */
const OIL = '900-249-08';
const DECLARED = { characteristics: ['T', 'I'], form: 'liquid', packaging: 'drum' };

function oilDemand(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    side: 'demand',
    materialCode: OIL,
    quantityKg: 10_000,
    pricePerTonneFen: -50_000,
    mode: 'fixed',
    pickupFrom: inSeconds(DAY),
    pickupTo: inSeconds(10 * DAY),
    district: '330602',
    description: '收购废矿物油，越城',
    ...over,
  };
}

describe('demand-side trades: the shipper’s origin and hazard declaration (issue 12 items 1–2)', () => {
  let t: TestApp;
  let admin: string;
  let keqiaoRegulator: OrgActor;

  before(async () => {
    t = await createTestApp({ env: { AUCTION_MIN_LEAD_SECONDS: '1' } });
    admin = await adminToken(t.request);
    keqiaoRegulator = await createRegulator(t.request, ['330603'], admin);
  });
  after(() => t.close());

  /** A Yuecheng disposer licensed for HW08 posts a wanted listing for waste oil; a Keqiao dyeing mill is ready to offer. */
  async function setup(): Promise<{ receiver: OrgActor; mill: OrgActor; listingId: string }> {
    const receiver = await createRecycler(t.request, { district: '330602', licence: { wasteCodes: ['HW08'] }, admin });
    const mill = await createGenerator(t.request, { district: '330603', name: '柯桥印染厂' });
    const listing = await createListing(t.request, receiver, oilDemand());
    return { receiver, mill, listingId: listing.id };
  }

  async function flows(who: OrgActor): Promise<TFlows> {
    const res = await t.request.get('/api/v1/regulator/flows').query({ groupBy: 'district' }).set(auth(who.token));
    expect(res.status, res.text).to.equal(200);
    return res.body as TFlows;
  }
  const edgeKg = (f: TFlows, from: string, to: string) =>
    f.edges.filter((e) => e.fromDistrict === from && e.toDistrict === to).reduce((s, e) => s + e.contractedKg, 0);

  it('a Keqiao mill’s hazardous offer into a Yuecheng demand listing makes a Keqiao → Yuecheng trade with the cross-district eco fee', async () => {
    const { mill, listingId } = await setup();
    const b = await placeBid(t.request, mill, listingId, { pricePerTonneFen: -50_000, quantityKg: 10_000, hazard: DECLARED });
    expect(b.tradeIds).to.have.length(1);
    expect(b.district, 'default: the offering org’s district').to.equal('330603');
    const tr = await trade(t, mill, b.tradeIds[0]!);
    expect(tr).to.include({
      generatorOrgId: mill.orgId,
      originDistrict: '330603',
      destinationDistrict: '330602',
      hazardous: true,
    });
    expect(tr.ecoFenPerTonne, 'the hazardous stream’s rate in force (default table)').to.equal(3000);
    expect(tr.ecoCompensationFen).to.equal(perTonneFen(tr.ecoFenPerTonne, 10_000));
    expect(tr.ecoCompensationFen).to.be.greaterThan(0);
  });

  it('an offer that states its district and pickup window gives the trade that origin, and the bid keeps the window', async () => {
    const { mill, listingId } = await setup();
    const pickupFrom = inSeconds(2 * DAY);
    const pickupTo = inSeconds(5 * DAY);
    const b = await placeBid(t.request, mill, listingId, {
      pricePerTonneFen: -50_000,
      quantityKg: 10_000,
      district: '330604',
      pickupFrom,
      pickupTo,
      hazard: DECLARED,
    });
    expect(b).to.include({ district: '330604', pickupFrom, pickupTo });
    const tr = await trade(t, mill, b.tradeIds[0]!);
    expect(tr.originDistrict).to.equal('330604');
  });

  it('at an auction’s close on a demand listing, the winning offer’s stated district is the trade’s origin', async () => {
    const receiver = await createRecycler(t.request, { district: '330602', licence: { wasteCodes: ['HW08'] }, admin });
    const mill = await createGenerator(t.request, { district: '330603' });
    const closesAt = inSeconds(1.5);
    const l = await createListing(t.request, receiver, oilDemand({ mode: 'auction', closesAt }));
    const b = await placeBid(t.request, mill, l.id, {
      pricePerTonneFen: -50_000,
      quantityKg: 10_000,
      district: '330681',
      hazard: DECLARED,
    });
    expect(b.tradeIds, 'sealed until the close').to.have.length(0);
    await sleep(Math.max(0, Date.parse(closesAt) - Date.now()) + 50);
    await t.ctx.jobs.drain();
    const mine = await t.request.get('/api/v1/bids').set(auth(mill.token));
    const won = (mine.body.items as TBid[]).find((x) => x.id === b.id)!;
    expect(won.status).to.equal('won');
    const tr = await trade(t, mill, won.tradeIds[0]!);
    expect(tr).to.include({ originDistrict: '330681', destinationDistrict: '330602' });
  });

  it('the Keqiao regulator reads the trade (GET /trades and /trades/:id) and sees its flow leave Keqiao', async () => {
    const { mill, listingId } = await setup();
    const before = edgeKg(await flows(keqiaoRegulator), '330603', '330602');
    const b = await placeBid(t.request, mill, listingId, { pricePerTonneFen: -50_000, quantityKg: 10_000, hazard: DECLARED });
    const tradeId = b.tradeIds[0]!;

    const one_ = await t.request.get(`/api/v1/trades/${tradeId}`).set(auth(keqiaoRegulator.token));
    expect(one_.status, one_.text).to.equal(200);
    expect(one_.body.originDistrict).to.equal('330603');
    const list = await t.request.get('/api/v1/trades').query({ limit: 100 }).set(auth(keqiaoRegulator.token));
    expect(list.status, list.text).to.equal(200);
    expect((list.body.items as { id: string }[]).map((x) => x.id)).to.include(tradeId);

    expect(edgeKg(await flows(keqiaoRegulator), '330603', '330602') - before).to.equal(10_000);
  });

  it('a hazardous offer without a declaration is 400 naming hazard; with no characteristics, naming hazard.characteristics; nothing is stored', async () => {
    const { mill, listingId } = await setup();
    const bidsBefore = await countRows(t, 'bids');
    const none = await bid(t.request, mill, listingId, { pricePerTonneFen: -50_000, quantityKg: 10_000 });
    expect(none.status, none.text).to.equal(400);
    expect(none.body.error.code).to.equal('VALIDATION_FAILED');
    expect(none.body.error.details.fields.map((f: { path: string }) => f.path)).to.deep.equal(['hazard']);
    const empty = await bid(t.request, mill, listingId, {
      pricePerTonneFen: -50_000,
      quantityKg: 10_000,
      hazard: { ...DECLARED, characteristics: [] },
    });
    expect(empty.status, empty.text).to.equal(400);
    expect(empty.body.error.details.fields.map((f: { path: string }) => f.path)).to.deep.equal(['hazard.characteristics']);
    const bad = await bid(t.request, mill, listingId, {
      pricePerTonneFen: -50_000,
      quantityKg: 10_000,
      hazard: { ...DECLARED, characteristics: ['X'] },
    });
    expect(bad.status, bad.text).to.equal(400);
    expect(bad.body.error.details.fields.map((f: { path: string }) => f.path).join()).to.contain('hazard.characteristics');
    expect(await countRows(t, 'bids')).to.equal(bidsBefore);
  });

  it('a bid on a supply listing that states a district, pickup window or hazard is 400 naming the field', async () => {
    const gen = await createGenerator(t.request);
    const rec = await createRecycler(t.request, { admin });
    const l = await createListing(t.request, gen, flyAshListing());
    for (const [extra, field] of [
      [{ district: '330604' }, 'district'],
      [{ pickupFrom: inSeconds(DAY), pickupTo: inSeconds(2 * DAY) }, 'pickupFrom'],
      [{ hazard: DECLARED }, 'hazard'],
    ] as const) {
      const res = await bid(t.request, rec, l.id, { pricePerTonneFen: -189_300, quantityKg: 1_000, ...extra });
      expect(res.status, res.text).to.equal(400);
      expect(res.body.error.details.fields.map((f: { path: string }) => f.path)).to.deep.equal([field]);
    }
  });

  it('a hazardous supply listing with hazard null, absent, or without characteristics is 400 naming the field; PATCH cannot remove it', async () => {
    const gen = await createGenerator(t.request);
    for (const [hazard, field] of [
      [null, 'hazard'],
      [undefined, 'hazard'],
      [{ characteristics: [], form: 'solid', packaging: 'ton_bag' }, 'hazard.characteristics'],
    ] as const) {
      const body = flyAshListing();
      if (hazard === undefined) delete body.hazard;
      else body.hazard = hazard;
      const res = await t.request.post('/api/v1/listings').set(auth(gen.token)).send(body);
      expect(res.status, res.text).to.equal(400);
      expect(res.body.error.details.fields.map((f: { path: string }) => f.path)).to.deep.equal([field]);
    }
    const l = await createListing(t.request, gen, flyAshListing());
    const cleared = await t.request.patch(`/api/v1/listings/${l.id}`).set(auth(gen.token)).send({ hazard: null });
    expect(cleared.status, cleared.text).to.equal(400);
    expect(cleared.body.error.details.fields.map((f: { path: string }) => f.path)).to.deep.equal(['hazard']);
    const row = await one<{ hazard: unknown }>(t.ctx.db, sql`select hazard from listings where id = ${l.id}`);
    expect(row!.hazard).to.deep.equal({ characteristics: ['T'], form: 'solid', packaging: 'ton_bag' });
  });

  it('the manifest of a demand-side hazardous trade carries the offer’s hazard declaration and the shipper’s origin', async () => {
    const { receiver, mill, listingId } = await setup();
    const b = await placeBid(t.request, mill, listingId, { pricePerTonneFen: -50_000, quantityKg: 10_000, hazard: DECLARED });
    const carrier = await createCarrier(t.request, { licence: { wasteCodes: ['HW08'] } });
    const funded = await fund(t, { generator: mill, recycler: receiver, trade: await trade(t, mill, b.tradeIds[0]!) });
    const m = await openTrip(t, { generator: mill, recycler: receiver, carrier, trade: funded }, 10_000);
    expect(m.kind).to.equal('hazardous');
    expect(m.lines[0]).to.include({ form: 'liquid', packaging: 'drum' });
    expect(m.lines[0]!.hazardCharacteristics).to.deep.equal(['T', 'I']);
    expect(m.originDistrict).to.equal('330603');
  });

  it('loading after the offer’s own pickup window (inside the listing’s) records late_pickup for the shipper', async () => {
    const { receiver, mill, listingId } = await setup();
    const pickupTo = inSeconds(1.5);
    const b = await placeBid(t.request, mill, listingId, {
      pricePerTonneFen: -50_000,
      quantityKg: 10_000,
      pickupFrom: inSeconds(-3600),
      pickupTo,
      hazard: DECLARED,
    });
    const carrier = await createCarrier(t.request, { licence: { wasteCodes: ['HW08'] } });
    const deal = { generator: mill, recycler: receiver, carrier, trade: await trade(t, mill, b.tradeIds[0]!) };
    const funded = await fund(t, deal);
    const m = await openTrip(t, { ...deal, trade: funded }, 10_000);
    await step(t, mill, m.id, { type: 'issue' });
    await sleep(Math.max(0, Date.parse(pickupTo) - Date.now()) + 50);
    await step(t, carrier, m.id, { type: 'load', weightKg: 10_000 });
    const late = (await creditEventsOf(t, mill.orgId)).filter((e) => e.kind === 'late_pickup');
    expect(late).to.have.length(1);
    expect(late[0]!.details.pickupTo).to.equal(pickupTo);
  });
});
