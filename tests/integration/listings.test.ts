import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { auth, registerOrg } from '../helpers/actors.js';
import {
  DAY,
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
import type { TListing } from '../../shared/src/schemas/listings.js';

describe('listings', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(async () => {
    await t?.close();
  });

  describe('posting', () => {
    it('a generator posts a fly-ash supply listing with hazard and lab fields; it is open, priced ok and hazardous', async () => {
      const g = await createGenerator(t.request);
      const l = await createListing(t.request, g, flyAshListing({ address: '柯桥区某热电厂' }));
      expect(l).to.include({
        side: 'supply',
        materialCode: '772-002-18',
        wasteCode: '772-002-18',
        category: 'HW18',
        hazardous: true,
      });
      expect(l).to.include({
        status: 'open',
        quantityKg: 20_000,
        remainingKg: 20_000,
        minLotKg: 1_000,
        orgId: g.orgId,
        bidCount: 0,
      });
      expect(l.hazard).to.deep.equal({ characteristics: ['T'], form: 'solid', packaging: 'ton_bag' });
      expect(l.analysis).to.deep.include({ kind: 'fly_ash', dioxinNgTeqPerKg: 1200 });
      expect(l.priceCheck).to.deep.equal({
        status: 'ok',
        band: { lowFen: -219_500, medianFen: -189_300, highFen: -159_100 },
        source: 'seed',
        sampleSize: 0,
        deviation: 0,
        reasons: [],
      });
      const got = await t.request.get(`/api/v1/listings/${l.id}`).expect(200);
      expect(got.body).to.deep.equal(l);
    });

    it('without minLotKg the lot sells whole: the minimum lot is the quantity', async () => {
      const g = await createGenerator(t.request);
      const l = await createListing(t.request, g, steelListing());
      expect(l.minLotKg).to.equal(l.quantityKg);
    });

    it('announces listing.created to public:listings and listing:<id> through the outbox', async () => {
      const g = await createGenerator(t.request);
      const l = await createListing(t.request, g, steelListing());
      const events = await rows<{ room: string; type: string }>(
        t.ctx.db,
        sql`select payload->>'room' as room, payload->>'type' as type from outbox
            where topic = 'realtime.publish' and payload->'data'->>'listingId' = ${l.id}`,
      );
      expect(events.map((e) => `${e.type} ${e.room}`).sort()).to.deep.equal([
        `listing.created listing:${l.id}`,
        'listing.created public:listings',
      ]);
    });

    it('a recycler posts a demand listing for scrap steel; a generator may not post demand, a recycler not supply', async () => {
      const r = await createRecycler(t.request, { licence: null });
      const g = await createGenerator(t.request);
      const demand = await createListing(t.request, r, steelListing({ side: 'demand' }));
      expect(demand.side).to.equal('demand');
      const a = await t.request
        .post('/api/v1/listings')
        .set(auth(g.token))
        .send(steelListing({ side: 'demand' }));
      expect(a.status).to.equal(403);
      expect(a.body.error.code).to.equal('FORBIDDEN_ROLE');
      const b = await t.request
        .post('/api/v1/listings')
        .set(auth(r.token))
        .send(steelListing({ side: 'supply' }));
      expect(b.status).to.equal(403);
      expect(b.body.error.code).to.equal('FORBIDDEN_ROLE');
    });

    it('a carrier cannot post at all, and an anonymous caller gets 401', async () => {
      const c = await registerOrg(t.request, { roles: ['carrier'] });
      expect((await t.request.post('/api/v1/listings').set(auth(c.token)).send(steelListing())).body.error.code).to.equal(
        'FORBIDDEN_ROLE',
      );
      expect((await t.request.post('/api/v1/listings').send(steelListing())).status).to.equal(401);
    });

    it('an auction needs closesAt at least AUCTION_MIN_LEAD_SECONDS ahead and schedules its close in the outbox', async () => {
      const g = await createGenerator(t.request);
      const tooSoon = await t.request
        .post('/api/v1/listings')
        .set(auth(g.token))
        .send(steelListing({ mode: 'auction', closesAt: inSeconds(2) }));
      expect(tooSoon.status).to.equal(400);
      expect(tooSoon.body.error.details.fields[0].path).to.equal('closesAt');
      expect(tooSoon.body.error.details.fields[0].message).to.match(/at least 5 seconds/);
      const closesAt = inSeconds(3600);
      const l = await createListing(t.request, g, steelListing({ mode: 'auction', closesAt }));
      const [job] = await rows<{ available_at: Date | string }>(
        t.ctx.db,
        sql`select available_at from outbox where topic = 'auction.close' and payload->>'listingId' = ${l.id}`,
      );
      expect(new Date(job!.available_at).toISOString()).to.equal(closesAt);
    });

    it('a WS-CLASSIFIED lot takes its hazard from classifiedCode: 900-000-35 is hazardous (HW35), SW07 is not', async () => {
      const g = await createGenerator(t.request);
      const salt = {
        materialCode: 'WS-CLASSIFIED',
        pricePerTonneFen: -360_000,
        analysis: { kind: 'waste_salt', tocMgPerKg: 800, sourceProcess: '农药中间体生产' },
      };
      const hw = await createListing(
        t.request,
        g,
        steelListing({
          ...salt,
          classifiedCode: '900-000-35',
          hazard: { characteristics: ['C'], form: 'solid', packaging: 'ton_bag' },
        }),
      );
      expect(hw).to.include({ wasteCode: '900-000-35', category: 'HW35', hazardous: true, classifiedCode: '900-000-35' });
      const sw = await createListing(t.request, g, steelListing({ ...salt, classifiedCode: 'SW07' }));
      expect(sw).to.include({ wasteCode: 'SW07', category: 'SW07', hazardous: false });
    });

    it('a demand listing for hazardous material needs the poster’s disposal licence to cover it', async () => {
      const bare = await createRecycler(t.request, { licence: null });
      const res = await t.request
        .post('/api/v1/listings')
        .set(auth(bare.token))
        .send(flyAshListing({ side: 'demand' }));
      expect(res.status).to.equal(403);
      expect(res.body.error.code).to.equal('LICENCE_REQUIRED');
      const oilOnly = await createRecycler(t.request, { licence: { wasteCodes: ['HW08'] } });
      const scope = await t.request
        .post('/api/v1/listings')
        .set(auth(oilOnly.token))
        .send(flyAshListing({ side: 'demand' }));
      expect(scope.body.error.code).to.equal('LICENCE_SCOPE');
      expect(scope.body.error.message).to.equal(
        'your disposal licences do not cover 772-002-18 (HW18); add the code or HW18 to a licence and have it approved',
      );
      const licensed = await createRecycler(t.request);
      await createListing(t.request, licensed, flyAshListing({ side: 'demand' }));
    });
  });

  describe('bad input gets a 400 naming the field, and nothing is written', () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ['an unknown material', { materialCode: 'XX-999' }, 'materialCode'],
      ['medical waste (HW01, not tradeable)', { materialCode: '841-001-01', pricePerTonneFen: -200_000 }, 'materialCode'],
      ['a zero quantity', { quantityKg: 0 }, 'quantityKg'],
      ['a negative quantity', { quantityKg: -5 }, 'quantityKg'],
      ['a fractional quantity', { quantityKg: 1.5 }, 'quantityKg'],
      ['a quantity above 10^9 kg', { quantityKg: 1_000_000_001 }, 'quantityKg'],
      ['a zero minimum lot', { minLotKg: 0 }, 'minLotKg'],
      ['a minimum lot above the quantity', { quantityKg: 1000, minLotKg: 1001 }, 'minLotKg'],
      ['pickupTo before pickupFrom', { pickupFrom: inSeconds(5 * DAY), pickupTo: inSeconds(2 * DAY) }, 'pickupTo'],
      ['a pickup window that has already ended', { pickupFrom: inSeconds(-5 * DAY), pickupTo: inSeconds(-DAY) }, 'pickupTo'],
      ['closesAt in the past', { mode: 'auction', closesAt: inSeconds(-60) }, 'closesAt'],
      ['an auction without closesAt', { mode: 'auction' }, 'closesAt'],
      ['a fixed price with closesAt', { closesAt: inSeconds(3600) }, 'closesAt'],
      ['a price above 10^8 fen', { pricePerTonneFen: 100_000_001 }, 'pricePerTonneFen'],
      ['a price below -10^8 fen', { pricePerTonneFen: -100_000_001 }, 'pricePerTonneFen'],
      ['an unknown field', { status: 'matched' }, 'status'],
      ['an unknown orgId field (mass assignment)', { orgId: '00000000-0000-4000-8000-000000000000' }, 'orgId'],
      ['an unknown district', { district: '330100' }, 'district'],
      ['WS-CLASSIFIED without classifiedCode', { materialCode: 'WS-CLASSIFIED', pricePerTonneFen: -360_000 }, 'classifiedCode'],
      [
        'a classified code of a non-existent category (HW42)',
        { materialCode: 'WS-CLASSIFIED', classifiedCode: '900-000-42', pricePerTonneFen: -360_000 },
        'classifiedCode',
      ],
      [
        'a classified medical code',
        { materialCode: 'WS-CLASSIFIED', classifiedCode: '900-000-01', pricePerTonneFen: -360_000 },
        'classifiedCode',
      ],
      ['classifiedCode on an ordinary material', { classifiedCode: 'SW07' }, 'classifiedCode'],
      ['an unknown lab field', { analysis: { kind: 'sludge', moisturePct: 80, colour: 'grey' } }, 'analysis.colour'],
      ['a moisture above 100 %', { analysis: { kind: 'sludge', moisturePct: 101 } }, 'analysis.moisturePct'],
      [
        'an unknown hazard characteristic',
        { hazard: { characteristics: ['X'], form: 'solid', packaging: 'bag' } },
        'hazard.characteristics.0',
      ],
    ];
    for (const [what, over, field] of cases) {
      it(`${what} → 400 on ${field}`, async () => {
        const g = await createGenerator(t.request);
        // Earlier tests' jobs (notification fan-out, sweeps) may still write outbox rows: let them finish.
        await t.ctx.jobs.drain();
        const before = {
          listings: await countRows(t, 'listings'),
          outbox: await countRows(t, 'outbox'),
          alerts: await countRows(t, 'alerts'),
        };
        const res = await t.request.post('/api/v1/listings').set(auth(g.token)).send(steelListing(over));
        expect(res.status, JSON.stringify(res.body)).to.equal(400);
        expect(res.body.error.code).to.equal('VALIDATION_FAILED');
        const paths = (res.body.error.details.fields as { path: string }[]).map((f) => f.path);
        expect(paths).to.include(field);
        expect({
          listings: await countRows(t, 'listings'),
          outbox: await countRows(t, 'outbox'),
          alerts: await countRows(t, 'alerts'),
        }).to.deep.equal(before);
      });
    }

    it('the medical-waste refusal says why in words', async () => {
      const g = await createGenerator(t.request);
      const res = await t.request
        .post('/api/v1/listings')
        .set(auth(g.token))
        .send(steelListing({ materialCode: '841-002-01' }));
      expect(res.body.error.details.fields[0].message).to.match(/medical waste \(HW01\).*not tradeable/);
    });
  });

  describe('search', () => {
    it('finds listings by Chinese text in the description or the material name, with filters', async () => {
      const g = await createGenerator(t.request, { district: '330683' });
      const tag = `嵊州造纸${Date.now() % 100000}`;
      const a = await createListing(
        t.request,
        g,
        steelListing({ district: '330683', description: `${tag}厂区废钢，可分批提货` }),
      );
      await createListing(t.request, g, steelListing({ district: '330683', description: '普通废钢' }));
      const byText = await t.request.get('/api/v1/listings').query({ q: tag }).expect(200);
      expect(byText.body.items.map((l: TListing) => l.id)).to.deep.equal([a.id]);
      // The material's Chinese name matches too (重废 is in 废钢（重废）).
      const byName = await t.request
        .get('/api/v1/listings')
        .query({ q: '重废', district: '330683', material: 'SW17-01' })
        .expect(200);
      expect(byName.body.items.length).to.be.greaterThanOrEqual(2);
      expect(byName.body.items.every((l: TListing) => l.district === '330683' && l.materialCode === 'SW17-01')).to.equal(true);
      const none = await t.request.get('/api/v1/listings').query({ q: '不存在的描述文字xyz' }).expect(200);
      expect(none.body.items).to.deep.equal([]);
    });

    it('filters by the material’s stream: hazardous fly ash and general steel land in their own streams', async () => {
      const g = await createGenerator(t.request, { district: '330681' });
      const steel = await createListing(t.request, g, steelListing({ district: '330681' }));
      const ash = await createListing(t.request, g, flyAshListing({ district: '330681' }));
      const hazardous = await t.request
        .get('/api/v1/listings')
        .query({ stream: 'hazardous', district: '330681', limit: 100 })
        .expect(200);
      const general = await t.request
        .get('/api/v1/listings')
        .query({ stream: 'general_industrial', district: '330681', limit: 100 })
        .expect(200);
      const ids = (r: { body: { items: TListing[] } }) => r.body.items.map((l) => l.id);
      expect(ids(hazardous)).to.include(ash.id).and.not.include(steel.id);
      expect(ids(general)).to.include(steel.id).and.not.include(ash.id);
      await t.request.get('/api/v1/listings').query({ stream: 'radioactive' }).expect(400);
    });

    it('LIKE wildcards in q are taken literally', async () => {
      const res = await t.request.get('/api/v1/listings').query({ q: '%' }).expect(200);
      expect(res.body.items.filter((l: TListing) => !(l.description ?? '').includes('%'))).to.deep.equal([]);
    });

    it('pages through results with a cursor, newest first, without duplicates or gaps', async () => {
      const g = await createGenerator(t.request);
      const made: string[] = [];
      for (let i = 0; i < 7; i++)
        made.push((await createListing(t.request, g, steelListing({ description: `分页测试 ${i}` }))).id);
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res: { body: { items: TListing[]; nextCursor: string | null } } = await t.request
          .get('/api/v1/listings')
          .query({ orgId: g.orgId, limit: 3, ...(cursor ? { cursor } : {}) })
          .expect(200);
        expect(res.body.items.length).to.be.at.most(3);
        seen.push(...res.body.items.map((l: TListing) => l.id));
        cursor = res.body.nextCursor;
        pages++;
      } while (cursor && pages < 10);
      expect(pages).to.equal(3);
      expect(seen).to.deep.equal([...made].reverse());
    });

    it('filters by side and status, refuses a limit above 100 and a forged cursor', async () => {
      const g = await createGenerator(t.request);
      const l = await createListing(t.request, g, steelListing());
      await t.request.post(`/api/v1/listings/${l.id}/cancel`).set(auth(g.token)).expect(200);
      const cancelled = await t.request
        .get('/api/v1/listings')
        .query({ orgId: g.orgId, status: 'cancelled', side: 'supply' })
        .expect(200);
      expect(cancelled.body.items.map((x: TListing) => x.id)).to.deep.equal([l.id]);
      expect(
        (await t.request.get('/api/v1/listings').query({ orgId: g.orgId, status: 'open' }).expect(200)).body.items,
      ).to.deep.equal([]);
      const big = await t.request.get('/api/v1/listings').query({ limit: 101 });
      expect(big.status).to.equal(400);
      expect(big.body.error.details.fields[0].path).to.equal('query.limit');
      const forged = await t.request.get('/api/v1/listings').query({ cursor: 'bm90LWEtY3Vyc29y' });
      expect(forged.status).to.equal(400);
    });

    it('an unknown listing is 404', async () => {
      const res = await t.request.get('/api/v1/listings/00000000-0000-4000-8000-000000000000');
      expect(res.status).to.equal(404);
      expect(res.body.error.code).to.equal('NOT_FOUND');
    });
  });

  describe('editing and cancelling', () => {
    it('the owner changes the price, quantity and pickup window before any bid; the price is checked again', async () => {
      const g = await createGenerator(t.request);
      const l = await createListing(t.request, g, steelListing());
      const res = await t.request
        .patch(`/api/v1/listings/${l.id}`)
        .set(auth(g.token))
        .send({ pricePerTonneFen: 260_000, quantityKg: 12_000, pickupTo: inSeconds(20 * DAY), description: '价格调整' });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body).to.include({
        pricePerTonneFen: 260_000,
        quantityKg: 12_000,
        remainingKg: 12_000,
        minLotKg: 12_000,
        description: '价格调整',
      });
      expect(res.body.priceCheck.deviation).to.equal(58);
      const flagged = await t.request.patch(`/api/v1/listings/${l.id}`).set(auth(g.token)).send({ pricePerTonneFen: 250_000 });
      expect(flagged.status).to.equal(422);
      expect(flagged.body.error.code).to.equal('JUSTIFICATION_REQUIRED');
    });

    it('once a bid exists, price, quantity and material are refused with 409 INVALID_STATE; the description still changes', async () => {
      const g = await createGenerator(t.request);
      const r = await createRecycler(t.request, { licence: null });
      const l = await createListing(t.request, g, steelListing());
      // A bid below the ask stays active on a fixed-price listing.
      await placeBid(t.request, r, l.id, { pricePerTonneFen: 255_000, quantityKg: 10_000 });
      for (const patch of [{ pricePerTonneFen: 259_000 }, { quantityKg: 9_000 }, { materialCode: 'SW17-02' }]) {
        const res = await t.request.patch(`/api/v1/listings/${l.id}`).set(auth(g.token)).send(patch);
        expect(res.status, JSON.stringify(patch)).to.equal(409);
        expect(res.body.error.code).to.equal('INVALID_STATE');
        expect(res.body.error.details.allowed).to.include('description');
      }
      const ok = await t.request
        .patch(`/api/v1/listings/${l.id}`)
        .set(auth(g.token))
        .send({ description: '已有出价，补充说明', address: null });
      expect(ok.status).to.equal(200);
      expect(ok.body).to.include({ description: '已有出价，补充说明', address: null, pricePerTonneFen: 258_500 });
    });

    it('another org cannot edit or cancel a listing; an unknown field in a patch is a 400', async () => {
      const g = await createGenerator(t.request);
      const other = await createGenerator(t.request);
      const l = await createListing(t.request, g, steelListing());
      const edit = await t.request.patch(`/api/v1/listings/${l.id}`).set(auth(other.token)).send({ description: 'mine now' });
      expect(edit.status).to.equal(403);
      expect(edit.body.error.code).to.equal('NOT_A_PARTY');
      expect((await t.request.post(`/api/v1/listings/${l.id}/cancel`).set(auth(other.token))).status).to.equal(403);
      const extra = await t.request.patch(`/api/v1/listings/${l.id}`).set(auth(g.token)).send({ status: 'matched' });
      expect(extra.status).to.equal(400);
      expect(extra.body.error.details.fields[0].path).to.equal('status');
      expect((await t.request.get(`/api/v1/listings/${l.id}`)).body.status).to.equal('open');
    });

    it('cancelling an open listing makes its active bids lost; a second cancel is 409', async () => {
      const g = await createGenerator(t.request);
      const r = await createRecycler(t.request, { licence: null });
      const l = await createListing(t.request, g, steelListing());
      const b = await placeBid(t.request, r, l.id, {
        pricePerTonneFen: 250_000,
        quantityKg: 10_000,
        justification: '含杂质较多',
      });
      expect(b.status).to.equal('active');
      const res = await t.request.post(`/api/v1/listings/${l.id}/cancel`).set(auth(g.token)).send({});
      expect(res.status).to.equal(200);
      expect(res.body.status).to.equal('cancelled');
      expect(res.body.closedAt).to.be.a('string');
      const bids = await t.request.get(`/api/v1/listings/${l.id}/bids`).set(auth(r.token)).expect(200);
      expect(bids.body.items[0].status).to.equal('lost');
      const again = await t.request.post(`/api/v1/listings/${l.id}/cancel`).set(auth(g.token)).send({});
      expect(again.status).to.equal(409);
      expect(again.body.error.code).to.equal('INVALID_STATE');
      const edit = await t.request.patch(`/api/v1/listings/${l.id}`).set(auth(g.token)).send({ description: 'x' });
      expect(edit.status).to.equal(409);
    });

    it('a fixed-price listing expires when its pickup window ends (job listing.expire, database clock)', async () => {
      const g = await createGenerator(t.request);
      const l = await createListing(t.request, g, steelListing({ pickupFrom: inSeconds(-3600), pickupTo: inSeconds(1) }));
      await new Promise((r) => setTimeout(r, 1100));
      await t.ctx.jobs.drain();
      const got = await t.request.get(`/api/v1/listings/${l.id}`).expect(200);
      expect(got.body.status).to.equal('expired');
    });
  });
});
