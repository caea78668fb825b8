import { expect } from 'chai';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { adminToken, auth, createRegulator } from '../helpers/actors.js';
import {
  alertsOf,
  bid,
  countRows,
  createGenerator,
  createListing,
  createRecycler,
  inSeconds,
  steelListing,
} from '../helpers/trading.js';
import type { TMaterial } from '../../shared/src/schemas/catalog.js';

/**
 * Issue 12 item 4: the usual direction of each material (DESIGN §6.3). Dyeing sludge (SW07-01) has no
 * band, so before this a "收购价 ¥120/吨" for it went through unremarked; now a sign against the usual
 * direction is flagged on the same path as a price outside the band, unless a pinned band contains it.
 */
describe('the usual direction of each material', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(async () => {
    await t?.close();
  });

  /** Dyeing sludge, tested non-hazardous: the generator usually pays a disposal fee. */
  const sludge = (over: Record<string, unknown> = {}) =>
    steelListing({ materialCode: 'SW07-01', pricePerTonneFen: -12_000, description: '印染污泥，含水率约60%', ...over });
  const AGAINST_FEE = { code: 'AGAINST_USUAL_DIRECTION', usual: 'fee' };

  describe('the catalogue', () => {
    it('every catalogue entry carries a usualDirection through GET /catalog/materials', async () => {
      const all: TMaterial[] = [];
      let cursor: string | null = null;
      do {
        const res = await t.request.get('/api/v1/catalog/materials').query({ limit: 100, ...(cursor ? { cursor } : {}) });
        expect(res.status).to.equal(200);
        all.push(...(res.body.items as TMaterial[]));
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(all).to.have.length(77);
      for (const m of all) expect(['fee', 'price', 'either'], m.code).to.include(m.usualDirection);
    });

    it('sludge, fly ash, waste salt and hazardous waste read fee; scrap metal, waste paper, textiles and plastics read price', async () => {
      const direction = async (code: string) =>
        ((await t.request.get(`/api/v1/catalog/materials/${code}`).expect(200)).body as TMaterial).usualDirection;
      for (const code of ['SW07-01', 'SW07', '772-002-18', 'WS-CLASSIFIED', '336-054-17', '900-350-35'])
        expect(await direction(code), code).to.equal('fee');
      for (const code of ['SW17-01', 'SW17-02', 'SW17-03', 'SW14-01', 'HH-01'])
        expect(await direction(code), code).to.equal('price');
      for (const code of ['SW01', 'AG-01']) expect(await direction(code), code).to.equal('either');
    });
  });

  describe('on a listing', () => {
    it('a reversed-sign sludge listing without a justification is 422 JUSTIFICATION_REQUIRED with the reason, nothing stored, no alert', async () => {
      const g = await createGenerator(t.request);
      const before = [await countRows(t, 'listings'), await countRows(t, 'alerts')];
      const res = await t.request
        .post('/api/v1/listings')
        .set(auth(g.token))
        .send(sludge({ pricePerTonneFen: 12_000 }));
      expect(res.status, JSON.stringify(res.body)).to.equal(422);
      expect(res.body.error.code).to.equal('JUSTIFICATION_REQUIRED');
      expect(res.body.error.details.priceCheck).to.deep.equal({
        status: 'flagged',
        band: null,
        source: 'none',
        sampleSize: 0,
        deviation: null,
        reasons: [AGAINST_FEE],
      });
      expect(res.body.error.message).to.match(/usual direction/);
      expect([await countRows(t, 'listings'), await countRows(t, 'alerts')]).to.deep.equal(before);
    });

    it('with a justification it is created flagged, with the reason, and raises a price_flagged alert for its district', async () => {
      const g = await createGenerator(t.request);
      const l = await createListing(
        t.request,
        g,
        sludge({ pricePerTonneFen: 12_000, justification: '污泥热值高，水泥窑协同处置方愿付费' }),
      );
      expect(l.priceCheck).to.deep.include({ status: 'flagged', reasons: [AGAINST_FEE] });
      expect(l.usualDirection).to.equal('fee');
      const alerts = (await alertsOf(t, 'price_flagged')).filter((a) => a.subject_id === l.id);
      expect(alerts).to.have.length(1);
      expect(alerts[0]).to.include({ subject_type: 'listing', district: '330603' });
      expect(alerts[0]!.details).to.deep.include({ pricePerTonneFen: 12_000, priceCheck: l.priceCheck });
    });

    it('a fee-direction listing for sludge passes: ok with no reasons', async () => {
      const g = await createGenerator(t.request);
      const l = await createListing(t.request, g, sludge());
      expect(l.priceCheck).to.deep.include({ status: 'ok', reasons: [] });
    });

    it('waste paper (price) passes at a purchase price, and a disposal fee for it is flagged', async () => {
      const g = await createGenerator(t.request);
      const paper = (p: number, over: Record<string, unknown> = {}) =>
        steelListing({ materialCode: 'SW17-02', pricePerTonneFen: p, description: '黄板纸，打包', ...over });
      const ok = await createListing(t.request, g, paper(150_000));
      expect(ok.priceCheck).to.deep.include({ status: 'ok', reasons: [] });
      const res = await t.request.post('/api/v1/listings').set(auth(g.token)).send(paper(-5_000));
      expect(res.status).to.equal(422);
      expect(res.body.error.code).to.equal('JUSTIFICATION_REQUIRED');
      expect(res.body.error.details.priceCheck.reasons).to.deep.equal([{ code: 'AGAINST_USUAL_DIRECTION', usual: 'price' }]);
      const flagged = await createListing(t.request, g, paper(-5_000, { justification: '受潮霉变，需付费处理' }));
      expect(flagged.priceCheck).to.deep.include({
        status: 'flagged',
        reasons: [{ code: 'AGAINST_USUAL_DIRECTION', usual: 'price' }],
      });
    });

    it('an either material (smelting slag SW01) is never direction-flagged, whichever the sign', async () => {
      const g = await createGenerator(t.request);
      for (const p of [-50_000, 0, 50_000]) {
        const l = await createListing(t.request, g, steelListing({ materialCode: 'SW01', pricePerTonneFen: p }));
        expect(l.priceCheck, String(p)).to.deep.include({ status: 'ok', reasons: [] });
      }
    });

    it('a pinned band containing a reversed price lets it pass without a flag; outside the pin it is still flagged', async () => {
      const city = await createRegulator(t.request, 'city', await adminToken(t.request));
      // The city pins a band for the sludge class SW07 that straddles zero (a kiln now pays for dry sludge).
      const pin = await t.request
        .put('/api/v1/prices/reference/SW07')
        .set(auth(city.token))
        .send({ lowFen: -20_000, medianFen: 0, highFen: 20_000 });
      expect(pin.status, JSON.stringify(pin.body)).to.equal(200);
      const g = await createGenerator(t.request);
      const l = await createListing(t.request, g, sludge({ materialCode: 'SW07', pricePerTonneFen: 10_000 }));
      expect(l.priceCheck).to.deep.include({ status: 'ok', source: 'pinned', reasons: [] });
      const outside = await t.request
        .post('/api/v1/listings')
        .set(auth(g.token))
        .send(sludge({ materialCode: 'SW07', pricePerTonneFen: 30_000 }));
      expect(outside.status).to.equal(422);
      expect(outside.body.error.details.priceCheck.reasons.map((r: { code: string }) => r.code)).to.deep.equal([
        'ABOVE_BAND',
        'AGAINST_USUAL_DIRECTION',
      ]);
    });

    it('editing a listing to a reversed sign needs a justification too', async () => {
      const g = await createGenerator(t.request);
      const l = await createListing(t.request, g, sludge());
      const res = await t.request.patch(`/api/v1/listings/${l.id}`).set(auth(g.token)).send({ pricePerTonneFen: 8_000 });
      expect(res.status).to.equal(422);
      expect(res.body.error.code).to.equal('JUSTIFICATION_REQUIRED');
      expect(res.body.error.details.priceCheck.reasons).to.deep.equal([AGAINST_FEE]);
    });
  });

  describe('on a bid', () => {
    it('a purchase price bid on a sludge auction is 422 without a justification; with one it is stored flagged and raises an alert', async () => {
      const g = await createGenerator(t.request);
      const l = await createListing(
        t.request,
        g,
        sludge({ mode: 'auction', closesAt: inSeconds(3_600), quantityKg: 100_000, minLotKg: 1_000 }),
      );
      const r = await createRecycler(t.request, { licence: null });
      const bidsBefore = await countRows(t, 'bids');
      const refused = await bid(t.request, r, l.id, { pricePerTonneFen: 5_000, quantityKg: 1_000 });
      expect(refused.status, JSON.stringify(refused.body)).to.equal(422);
      expect(refused.body.error.code).to.equal('JUSTIFICATION_REQUIRED');
      expect(refused.body.error.details.priceCheck.reasons).to.deep.equal([AGAINST_FEE]);
      expect(await countRows(t, 'bids')).to.equal(bidsBefore);

      const placed = await bid(t.request, r, l.id, {
        pricePerTonneFen: 5_000,
        quantityKg: 1_000,
        justification: '干化后作燃料，愿意付费',
      });
      expect(placed.status, JSON.stringify(placed.body)).to.equal(201);
      expect(placed.body.priceCheck).to.deep.include({ status: 'flagged', reasons: [AGAINST_FEE] });
      const alerts = (await alertsOf(t, 'price_flagged')).filter((a) => a.subject_id === placed.body.id);
      expect(alerts).to.have.length(1);
      expect(alerts[0]).to.include({ subject_type: 'bid' });
    });

    it('a fee-direction bid on a sludge auction passes with no reasons', async () => {
      const g = await createGenerator(t.request);
      const l = await createListing(
        t.request,
        g,
        sludge({ mode: 'auction', closesAt: inSeconds(3_600), quantityKg: 100_000, minLotKg: 1_000 }),
      );
      const r = await createRecycler(t.request, { licence: null });
      const placed = await bid(t.request, r, l.id, { pricePerTonneFen: -10_000, quantityKg: 1_000 });
      expect(placed.status, JSON.stringify(placed.body)).to.equal(201);
      expect(placed.body.priceCheck).to.deep.include({ status: 'ok', reasons: [] });
    });
  });
});
