/**
 * Regulator flows (issue 7 §1–2, §6): edges origin → receiver district over a range, by district,
 * category or material; scope filtered in the query; CSV export; drill-down to trades and manifests;
 * and the trigger-kept rollup always equal to the same figures computed from the base tables.
 */
import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { adminToken, auth, createRegulator, registerOrg, type OrgActor } from '../helpers/actors.js';
import { createListing, placeBid, steelListing } from '../helpers/trading.js';
import { flyAshDeal, openTrip, walkTrip } from '../helpers/manifests.js';
import { insertManifest, insertTrade, mulberry32, rollupSnapshot, updateManifest } from '../helpers/regulator.js';
import { shanghaiDate } from '../../shared/src/calendar.js';
import { DISTRICT_CODES } from '../../shared/src/districts.js';
import { naiveFlowEdges } from '../helpers/regulator-naive.js';
import { flowEdges } from '../../server/src/modules/regulator/repo.js';
import { splitRange } from '../../server/src/modules/regulator/flows.js';
import type { TFlows, TFlowTrade } from '../../shared/src/schemas/regulator.js';
import type { TPage } from '../../shared/src/schemas/common.js';

type Edge = TFlows['edges'][number];
const key = (e: Pick<Edge, 'fromDistrict' | 'toDistrict'>) => `${e.fromDistrict}>${e.toDistrict}`;

describe('regulator flows', () => {
  let t: TestApp;
  let admin: string;
  let city: OrgActor;
  let keqiao: OrgActor;
  let zhuji: OrgActor;
  let shangyu: OrgActor;
  const today = shanghaiDate(new Date());

  async function flows(who: OrgActor, query: Record<string, string> = {}): Promise<TFlows> {
    const res = await t.request.get('/api/v1/regulator/flows').query(query).set(auth(who.token));
    expect(res.status, res.text).to.equal(200);
    return res.body as TFlows;
  }

  /** A scrap-steel trade made through the API: a listing in `origin`, bought by a recycler at home in `dest`. */
  async function steelTrade(origin: string, dest: string, quantityKg: number): Promise<string> {
    const gen = await registerOrg(t.request, { roles: ['generator'], district: origin as never });
    const rec = await registerOrg(t.request, { roles: ['recycler'], district: dest as never });
    const listing = await createListing(t.request, gen, steelListing({ district: origin, quantityKg, minLotKg: quantityKg }));
    const bid = await placeBid(t.request, rec, listing.id, { pricePerTonneFen: 258_500, quantityKg });
    expect(bid.tradeIds).to.have.length(1);
    return bid.tradeIds[0]!;
  }

  before(async () => {
    t = await createTestApp();
    admin = await adminToken(t.request);
    city = await createRegulator(t.request, 'city', admin);
    keqiao = await createRegulator(t.request, ['330603'], admin);
    zhuji = await createRegulator(t.request, ['330681'], admin);
    shangyu = await createRegulator(t.request, ['330604'], admin);
    // Three edges: Keqiao → Shangyu, Zhuji → Zhuji, Yuecheng → Shengzhou.
    await steelTrade('330603', '330604', 10_000);
    await steelTrade('330603', '330604', 5_000);
    await steelTrade('330681', '330681', 7_000);
    await steelTrade('330602', '330683', 3_000);
  });
  after(async () => {
    await t?.close();
  });

  describe('scope', () => {
    it('a city regulator sees every edge with its contracted kg and trade count', async () => {
      const f = await flows(city);
      expect(f.scope).to.equal('city');
      expect(f.from).to.equal(`${today.slice(0, 4)}-01-01`);
      expect(f.to).to.equal(today);
      const byKey = new Map(f.edges.map((e) => [key(e), e]));
      expect(byKey.get('330603>330604')).to.include({ contractedKg: 15_000, trades: 2, receivedKg: 0 });
      expect(byKey.get('330681>330681')).to.include({ contractedKg: 7_000, trades: 1 });
      expect(byKey.get('330602>330683')).to.include({ contractedKg: 3_000, trades: 1 });
      expect(f.totals.contractedKg).to.equal(f.edges.reduce((a, e) => a + e.contractedKg, 0));
    });

    it('a district regulator sees only flows whose origin or destination is one of its districts', async () => {
      expect((await flows(keqiao)).edges.map(key)).to.deep.equal(['330603>330604']);
      expect((await flows(keqiao)).scope).to.deep.equal(['330603']);
      expect((await flows(zhuji)).edges.map(key)).to.deep.equal(['330681>330681']);
      // Shangyu is the destination of the Keqiao edge: its regulator sees the material arriving.
      expect((await flows(shangyu)).edges.map(key)).to.deep.equal(['330603>330604']);
      for (const e of (await flows(keqiao)).edges) expect([e.fromDistrict, e.toDistrict]).to.include('330603');
    });

    it('a regulator over two districts sees the union, each edge once', async () => {
      const both = await createRegulator(t.request, ['330681', '330604'], admin);
      expect((await flows(both)).edges.map(key).sort()).to.deep.equal(['330603>330604', '330681>330681']);
    });

    it('the drill-down of an edge outside the scope is empty; inside, it lists the edge’s trades', async () => {
      const outside = await t.request
        .get('/api/v1/regulator/flows/trades')
        .query({ fromDistrict: '330681', toDistrict: '330681' })
        .set(auth(keqiao.token));
      expect(outside.status, outside.text).to.equal(200);
      expect(outside.body.items).to.deep.equal([]);
      const inside = await t.request
        .get('/api/v1/regulator/flows/trades')
        .query({ fromDistrict: '330603', toDistrict: '330604', limit: '1' })
        .set(auth(keqiao.token));
      expect(inside.status, inside.text).to.equal(200);
      const page = inside.body as TPage<TFlowTrade>;
      expect(page.items).to.have.length(1);
      expect(page.items[0]).to.include({ originDistrict: '330603', destinationDistrict: '330604', materialCode: 'SW17-01' });
      expect(page.items[0]!.generator.name).to.be.a('string');
      expect(page.nextCursor).to.be.a('string');
      const next = await t.request
        .get('/api/v1/regulator/flows/trades')
        .query({ fromDistrict: '330603', toDistrict: '330604', limit: '1', cursor: page.nextCursor! })
        .set(auth(keqiao.token));
      expect(next.body.items).to.have.length(1);
      expect(next.body.items[0].id).to.not.equal(page.items[0]!.id);
      expect(next.body.nextCursor).to.equal(null);
    });

    it('other roles are refused (the policy allows regulators only)', async () => {
      const gen = await registerOrg(t.request, { roles: ['generator'] });
      for (const path of ['/regulator/flows', '/regulator/indicators', '/regulator/capacity', '/regulator/alerts']) {
        expect((await t.request.get(`/api/v1${path}`).set(auth(gen.token))).status, path).to.equal(403);
        expect((await t.request.get(`/api/v1${path}`).set(auth(admin))).status, path).to.equal(403);
      }
    });
  });

  describe('filters, groupings and export', () => {
    it('groups by category and by material, and filters by stream', async () => {
      const byCat = await flows(city, { groupBy: 'category' });
      expect(byCat.edges.every((e) => e.category === 'SW17')).to.equal(true);
      const byMat = await flows(city, { groupBy: 'material' });
      expect(byMat.edges.every((e) => e.materialCode === 'SW17-01')).to.equal(true);
      expect((await flows(city, { stream: 'hazardous' })).edges.filter((e) => e.fromDistrict === '330681')).to.deep.equal([]);
      expect((await flows(city, { stream: 'general_industrial' })).totals.contractedKg).to.be.at.least(25_000);
    });

    it('a range before the trades is empty; a range ending before from is a 400 naming the field', async () => {
      const f = await flows(city, { from: '2020-01-01', to: '2020-12-31' });
      expect(f.edges).to.deep.equal([]);
      expect(f.totals).to.deep.equal({ contractedKg: 0, receivedKg: 0, trades: 0 });
      const bad = await t.request
        .get('/api/v1/regulator/flows')
        .query({ from: '2026-02-01', to: '2026-01-01' })
        .set(auth(city.token));
      expect(bad.status).to.equal(400);
      expect(bad.body.error.details.fields[0].path).to.equal('query.to');
      const nodate = await t.request.get('/api/v1/regulator/flows').query({ from: '2026-02-30' }).set(auth(city.token));
      expect(nodate.status).to.equal(400);
    });

    it('Accept: text/csv exports the same edges with Chinese district names', async () => {
      const res = await t.request.get('/api/v1/regulator/flows').set(auth(keqiao.token)).set('Accept', 'text/csv').buffer(true);
      expect(res.status).to.equal(200);
      expect(res.headers['content-type']).to.match(/^text\/csv/);
      expect(res.headers['content-disposition']).to.match(/attachment; filename="flows-.*\.csv"/);
      const lines = res.text
        .replace(/^\uFEFF/, '')
        .trim()
        .split('\r\n');
      expect(lines[0]).to.equal('fromDistrict,fromDistrictName,toDistrict,toDistrictName,contractedKg,receivedKg,trades');
      expect(lines.slice(1)).to.deep.equal(['330603,柯桥区,330604,上虞区,15000,0,2']);
    });
  });

  describe('received kg from manifests', () => {
    it('accepted kg on a received trip shows as receivedKg on its edge, live from the manifest events', async () => {
      const d = await flyAshDeal(t, { quantityKg: 20_000 });
      const trip = await openTrip(t, d, 12_000);
      await walkTrip(t, d, trip, { loadedKg: 12_000, receivedKg: 11_900, decision: 'partial', acceptedKg: 11_500 });
      const edge = (await flows(city, { stream: 'hazardous' })).edges.find((e) => key(e) === '330603>330604');
      expect(edge).to.include({ contractedKg: 20_000, receivedKg: 11_500, trades: 1 });
      const drill = await t.request
        .get('/api/v1/regulator/flows/trades')
        .query({ fromDistrict: '330603', toDistrict: '330604', stream: 'hazardous' })
        .set(auth(keqiao.token));
      const item = (drill.body as TPage<TFlowTrade>).items[0]!;
      expect(item.receivedKg).to.equal(11_500);
      expect(item.manifests).to.have.length(1);
      expect(item.manifests[0]).to.include({
        id: trip.id,
        number: trip.number,
        status: 'received',
        acceptedKg: 11_500,
        loadedKg: 12_000,
      });
    });
  });

  describe('the rollup', () => {
    it('splits a range into years, months and edge days', () => {
      expect(splitRange('2024-03-15', '2026-02-10')).to.deep.equal([
        { grain: 'day', start: '2024-03-15', end: '2024-04-01' },
        { grain: 'month', start: '2024-04-01', end: '2025-01-01' },
        { grain: 'year', start: '2025-01-01', end: '2026-01-01' },
        { grain: 'month', start: '2026-01-01', end: '2026-02-01' },
        { grain: 'day', start: '2026-02-01', end: '2026-02-11' },
      ]);
      expect(splitRange('2026-01-01', '2026-12-31')).to.deep.equal([{ grain: 'year', start: '2026-01-01', end: '2027-01-01' }]);
      expect(splitRange('2026-05-03', '2026-05-03')).to.deep.equal([{ grain: 'day', start: '2026-05-03', end: '2026-05-04' }]);
      expect(splitRange('2026-05-01', '2026-06-30')).to.deep.equal([{ grain: 'month', start: '2026-05-01', end: '2026-07-01' }]);
    });

    it('equals the naive query over the base tables and a full rebuild, after random trades, cancellations and trips', async function () {
      this.timeout(120_000);
      const seed = Number(process.env.REGULATOR_SEED ?? Date.now() % 1_000_000);
      console.log(`      seed ${seed} (REGULATOR_SEED=${seed} replays it)`);
      const rnd = mulberry32(seed);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
      const orgs = await Promise.all(
        DISTRICT_CODES.map((d) => registerOrg(t.request, { roles: ['generator', 'recycler'], district: d })),
      );
      const materials = [
        { code: 'SW17-01', category: 'SW17', hazardous: false },
        { code: '772-002-18', category: 'HW18', hazardous: true },
        { code: 'SW07', category: 'SW07', hazardous: false },
        { code: 'HH-01', category: 'HH', hazardous: false },
      ];
      const tradeIds: string[] = [];
      for (let i = 0; i < 160; i++) {
        const g = pick(orgs);
        let r = pick(orgs);
        if (r.orgId === g.orgId) r = orgs[(orgs.indexOf(g) + 1) % orgs.length]!;
        const m = pick(materials);
        // Around year and month ends, in both Shanghai and UTC terms.
        const at = new Date(
          Date.UTC(2024 + Math.floor(rnd() * 3), Math.floor(rnd() * 12), 1) + (rnd() * 4 - 2) * 86_400_000 + rnd() * 86_400_000,
        );
        tradeIds.push(
          await insertTrade(t.ctx.db, {
            generatorOrgId: g.orgId,
            receiverOrgId: r.orgId,
            materialCode: m.code,
            category: m.category,
            hazardous: m.hazardous,
            quantityKg: 1_000 + Math.floor(rnd() * 30_000),
            pricePerTonneFen: Math.floor(rnd() * 100_000) - 50_000,
            originDistrict: pick(DISTRICT_CODES),
            destinationDistrict: r.org.district,
            createdAt: at,
          }),
        );
      }
      const manifestIds: string[] = [];
      for (const id of tradeIds.slice(0, 120)) {
        const declared = 1_000 + Math.floor(rnd() * 10_000);
        const mid = await insertManifest(t.ctx.db, { tradeId: id, status: 'issued', declaredKg: declared });
        manifestIds.push(mid);
        const steps = Math.floor(rnd() * 4);
        if (steps >= 1)
          await updateManifest(t.ctx.db, mid, {
            status: 'arrived',
            loadedKg: declared,
            receiptDueAt: new Date(Date.now() - 86_400_000),
          });
        if (steps >= 2) {
          const rejected = rnd() < 0.2;
          await updateManifest(t.ctx.db, mid, {
            status: rejected ? 'rejected' : 'received',
            receivedKg: declared - 10,
            acceptedKg: rejected ? 0 : declared - 10 - Math.floor(rnd() * 100),
            receivedAt: new Date(Date.now() - (rnd() < 0.5 ? 2 : 0) * 86_400_000),
            disposalDueAt: new Date(Date.now() + 86_400_000),
          });
        }
        if (steps >= 3 && rnd() < 0.8) {
          const row = (await t.ctx.db.execute(sql`select status from manifests where id = ${mid}`)) as unknown as {
            rows: { status: string }[];
          };
          if (row.rows[0]!.status === 'received')
            await updateManifest(t.ctx.db, mid, {
              status: 'closed',
              disposalMethod: pick(['R4 再生利用', 'D10 焚烧', 'D1 填埋', '综合利用', null]),
              closedAt: new Date(),
            });
        }
        if (rnd() < 0.1) await updateManifest(t.ctx.db, mid, { receiptAlertedAt: new Date() });
      }
      // Cancel some trades without trips, move others along (status changes that must not count twice).
      for (const id of tradeIds.slice(120, 140))
        await t.ctx.db.execute(sql`update trades set status = 'cancelled' where id = ${id}`);
      for (const id of tradeIds.slice(0, 40))
        await t.ctx.db.execute(sql`update trades set status = 'in_transit', updated_at = now() where id = ${id}`);

      const scopes: (string[] | null)[] = [null, ['330603'], ['330681', '330604'], ['3306BH']];
      const ranges: [string, string][] = [
        ['2024-01-01', '2026-12-31'],
        ['2023-12-25', '2025-01-07'],
        ['2024-02-29', '2024-03-01'],
        ['2025-06-15', '2026-05-20'],
        ['2025-12-31', '2026-01-01'],
      ];
      for (const districts of scopes)
        for (const [from, to] of ranges)
          for (const groupBy of ['district', 'category', 'material'] as const) {
            const stream = rnd() < 0.3 ? 'hazardous' : undefined;
            const got = await flowEdges(t.ctx.db, {
              parts: splitRange(from, to),
              districts,
              groupBy,
              ...(stream ? { stream } : {}),
            });
            const want = await naiveFlowEdges(t.ctx.db, { from, to, districts, groupBy, ...(stream ? { stream } : {}) });
            const norm = (es: typeof got) =>
              es.map((e) => `${e.fromDistrict}>${e.toDistrict}:${e.key}:${e.contractedKg}:${e.receivedKg}:${e.trades}`).sort();
            expect(norm(got), `scope ${JSON.stringify(districts)} ${from}..${to} ${groupBy} ${stream ?? ''}`).to.deep.equal(
              norm(want),
            );
          }

      const incremental = await rollupSnapshot(t.ctx.db);
      await t.ctx.db.execute(sql`select regulator_rollup_rebuild()`);
      expect(await rollupSnapshot(t.ctx.db)).to.equal(incremental);
    });
  });
});
