/**
 * Issue 12 item 6: ecological compensation as the plan describes it (seed §(五), DESIGN §5.4,
 * docs/eco-compensation.md). Cross-district solid waste pays its stream's rate as well as hazardous
 * waste; the rate comes from a table a city-scope regulator extends (audited, from a date, never
 * edited), seeded from shared/data/eco-rates.default.json; a trade keeps the rate in force when it
 * was created and settles on it.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { adminToken, auth, createRegulator, type OrgActor } from '../helpers/actors.js';
import { createGenerator, createListing, createRecycler, placeBid } from '../helpers/trading.js';
import {
  createCarrier,
  flyAshDeal,
  fund,
  ledgerOf,
  openTrip,
  slagDeal,
  slagListing,
  trade,
  walkTrip,
  type Deal,
} from '../helpers/manifests.js';
import { rows } from '../../server/src/db/tx.js';
import { openPglite } from '../../server/src/db/client.js';
import { loadMigrations } from '../../server/src/db/migrate.js';
import { shanghaiDate } from '../../shared/src/calendar.js';
import type { DistrictCode } from '../../shared/src/districts.js';
import type { TEcoRate } from '../../shared/src/schemas/ecorates.js';
import { streamOfLot } from '../../server/src/modules/ecofees/index.js';

const DEFAULTS = JSON.parse(readFileSync(new URL('../../shared/data/eco-rates.default.json', import.meta.url), 'utf8')) as {
  verification: string;
  rates: { stream: string; fenPerTonne: number; effectiveFrom: string; fromDistrict?: string }[];
};
const defaultRate = (stream: string) => DEFAULTS.rates.find((r) => r.stream === stream && !r.fromDistrict)!;

describe('eco compensation rates (issue 12 item 6)', () => {
  let t: TestApp;
  let admin: string;
  let city: OrgActor;
  let district: OrgActor;

  before(async () => {
    t = await createTestApp();
    admin = await adminToken(t.request);
    city = await createRegulator(t.request, 'city', admin);
    district = await createRegulator(t.request, ['330603'], admin);
  });
  after(async () => {
    await t?.close();
  });

  const today = () => shanghaiDate(new Date());
  const setRate = (who: OrgActor, body: Record<string, unknown>) =>
    t.request.post('/api/v1/eco-rates').set(auth(who.token)).send(body);
  const rateRow = async (id: string): Promise<TEcoRate> =>
    (await t.request.get(`/api/v1/eco-rates/${id}`).expect(200)).body as TEcoRate;

  /** A funded general-waste slag trade (SW01, 50 yuan/t paid by the recycler) between two districts. */
  async function slagBetween(from: DistrictCode, to: DistrictCode, quantityKg = 20_000): Promise<Deal> {
    const generator = await createGenerator(t.request, { district: from });
    const recycler = await createRecycler(t.request, { district: to, licence: null });
    const carrier = await createCarrier(t.request, { licence: null, district: from });
    const listing = await createListing(t.request, generator, slagListing({ quantityKg, district: from }));
    const bid = await placeBid(t.request, recycler, listing.id, { pricePerTonneFen: 5_000, quantityKg });
    const tr = await trade(t, generator, bid.tradeIds[0]!);
    return { generator, recycler, carrier, trade: await fund(t, { generator, recycler, trade: tr }) };
  }

  /** One trip for the whole quantity, received with `acceptedKg`, then the settlement job; the settle transfer. */
  async function settle(d: Deal, acceptedKg: number) {
    const m = await openTrip(t, d, d.trade.quantityKg);
    await walkTrip(t, d, m, acceptedKg === d.trade.quantityKg ? {} : { decision: 'partial', acceptedKg });
    await t.ctx.jobs.drain();
    expect((await trade(t, d.generator, d.trade.id)).status).to.equal('settled');
    const ledger = await ledgerOf(t, d.generator, d.trade.id);
    return ledger.transfers.find((x) => x.operationId === `trade:${d.trade.id}:settle`)!;
  }

  it('the default table is a documented placeholder file covering every stream, loaded once however often the app boots', async () => {
    expect(DEFAULTS.verification).to.match(/placeholder/i);
    for (const s of ['hazardous', 'general_industrial', 'household_recyclable', 'agricultural', 'construction'])
      expect(defaultRate(s), s).to.not.equal(undefined);
    const again = await t.ctx.ecoFees.loadDefaults();
    expect(again.added, 'a second load adds nothing').to.equal(0);
    const stored = await rows<{ n: number }>(t.ctx.db, sql`select count(*)::int as n from eco_rates where source = 'default'`);
    expect(stored[0]!.n).to.equal(DEFAULTS.rates.length);
  });

  it('a general-solid-waste trade from Zhuji to Shangyu pays the stream rate and settles on it into Shangyu’s fund', async () => {
    const rate = defaultRate('general_industrial');
    expect(rate.fenPerTonne).to.be.greaterThan(0);
    const d = await slagBetween('330681', '330604', 20_000);
    expect(d.trade.hazardous).to.equal(false);
    expect(d.trade.ecoFenPerTonne).to.equal(rate.fenPerTonne);
    expect(d.trade.ecoCompensationFen).to.equal((rate.fenPerTonne * 20_000) / 1000);
    const row = await rateRow(d.trade.ecoRateId!);
    expect(row).to.include({
      stream: 'general_industrial',
      source: 'default',
      fromDistrict: null,
      toDistrict: null,
      effectiveFrom: rate.effectiveFrom,
      setByOrgName: null,
    });

    const settled = await settle(d, 20_000);
    expect(settled.details.ecoFen).to.equal(d.trade.ecoCompensationFen);
    const fundRows = await rows<{ amount_fen: string | number }>(
      t.ctx.db,
      sql`select e.amount_fen from ledger_entries e join ledger_transfers x on x.id = e.transfer_id
           where x.operation_id = ${`trade:${d.trade.id}:settle`} and e.account_id = 'fund:330604'`,
    );
    expect(fundRows.map((r) => Number(r.amount_fen))).to.deep.equal([d.trade.ecoCompensationFen]);
  });

  it('a hazardous trade leaving its district still pays 3000 fen/t from the default table', async () => {
    const d = await flyAshDeal(t, { quantityKg: 20_000 });
    expect(d.trade.ecoFenPerTonne).to.equal(3000);
    expect(d.trade.ecoCompensationFen).to.equal(60_000);
    expect(await rateRow(d.trade.ecoRateId!)).to.include({ stream: 'hazardous', source: 'default' });
  });

  it('a trade within one district pays no eco fee and names no rate', async () => {
    const d = await slagBetween('330604', '330604', 10_000);
    expect(d.trade).to.include({ ecoCompensationFen: 0, ecoFenPerTonne: 0, ecoRateId: null });
  });

  it('a later rate (a new row effective today) leaves an existing trade’s fee as it was at settlement, and a new trade uses it', async () => {
    const before = await slagDeal(t, { quantityKg: 30_000 }); // Keqiao → Shangyu
    const oldRate = before.trade.ecoFenPerTonne;
    expect(oldRate).to.equal(defaultRate('general_industrial').fenPerTonne);

    const res = await setRate(city, {
      stream: 'general_industrial',
      fromDistrict: '330603',
      toDistrict: '330604',
      fenPerTonne: 2_500,
      effectiveFrom: today(),
      note: '市生态环境局 测试通知',
    });
    expect(res.status, res.text).to.equal(201);
    const newRow = res.body as TEcoRate;
    expect(newRow).to.include({ source: 'regulator', fenPerTonne: 2_500, inForce: true, setByOrgId: city.orgId });
    expect(newRow.setByOrgName).to.be.a('string').and.not.equal('');

    const after = await slagDeal(t, { quantityKg: 30_000 });
    expect(after.trade).to.include({ ecoRateId: newRow.id, ecoFenPerTonne: 2_500, ecoCompensationFen: 75_000 });
    // The old trade is unchanged, and settles on its own rate: 20 t accepted × the old rate, not the new one (capped or not).
    expect((await trade(t, before.generator, before.trade.id)).ecoFenPerTonne).to.equal(oldRate);
    const settled = await settle(before, 20_000);
    expect(settled.details).to.include({
      ecoFen: (oldRate * 20_000) / 1000,
      ecoFeeFenPerTonne: oldRate,
      ecoRateId: before.trade.ecoRateId,
    });
    // A trade between another pair of districts keeps the stream's rate.
    const elsewhere = await slagBetween('330681', '330604', 10_000);
    expect(elsewhere.trade.ecoFenPerTonne).to.equal(oldRate);
  });

  it('a city regulator’s rate is audited with the row it supersedes; history is never edited', async () => {
    const old = (await t.request.get('/api/v1/eco-rates?stream=construction&inForce=true').expect(200)).body.items as TEcoRate[];
    expect(old).to.have.length(1);
    const res = await setRate(city, { stream: 'construction', fenPerTonne: 1_800, effectiveFrom: today() });
    expect(res.status, res.text).to.equal(201);
    const audit = await rows<{ actor_user_id: string; actor_org_id: string; details: Record<string, unknown> }>(
      t.ctx.db,
      sql`select actor_user_id, actor_org_id, details from audit_log where action = 'eco_rate.set' and subject_type = 'eco_rate' and subject_id = ${res.body.id}`,
    );
    expect(audit).to.have.length(1);
    expect(audit[0]!.actor_org_id).to.equal(city.orgId);
    expect(audit[0]!.details).to.deep.include({ stream: 'construction', fenPerTonne: 1_800, effectiveFrom: today() });
    expect((audit[0]!.details.supersedes as { id: string }).id).to.equal(old[0]!.id);
    // The superseded row is still there, unchanged, and no longer in force.
    expect(await rateRow(old[0]!.id)).to.include({ fenPerTonne: old[0]!.fenPerTonne, inForce: false });
    let refused: unknown = null;
    await t.ctx.db
      .execute(sql`update eco_rates set fen_per_tonne = 1 where id = ${old[0]!.id}`)
      .catch((err: unknown) => (refused = err));
    const cause = (refused as { cause?: unknown } | null)?.cause;
    expect(`${String(refused)} ${String(cause)}`, 'the table is append-only').to.contain('append-only');
  });

  it('a district regulator cannot set a city rate (403 CITY_SCOPE_REQUIRED, nothing stored or audited); a trader is refused by role', async () => {
    const count = async () => (await rows<{ n: number }>(t.ctx.db, sql`select count(*)::int as n from eco_rates`))[0]!.n;
    const audits = async () =>
      (await rows<{ n: number }>(t.ctx.db, sql`select count(*)::int as n from audit_log where action = 'eco_rate.set'`))[0]!.n;
    const [n0, a0] = [await count(), await audits()];
    const res = await setRate(district, { stream: 'hazardous', fenPerTonne: 1, effectiveFrom: today() });
    expect(res.status, res.text).to.equal(403);
    expect(res.body.error.code).to.equal('CITY_SCOPE_REQUIRED');
    const generator = await createGenerator(t.request);
    const byTrader = await setRate(generator, { stream: 'hazardous', fenPerTonne: 1, effectiveFrom: today() });
    expect(byTrader.status).to.equal(403);
    expect(byTrader.body.error.code).to.equal('FORBIDDEN_ROLE');
    expect([await count(), await audits()]).to.deep.equal([n0, a0]);
  });

  it('bad input is 400 VALIDATION_FAILED naming the field, and stores nothing', async () => {
    const yesterday = shanghaiDate(new Date(Date.now() - 86_400_000));
    const good = { stream: 'agricultural', fenPerTonne: 500, effectiveFrom: today() };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...good, stream: 'plastics' }, 'stream'],
      [{ ...good, stream: undefined }, 'stream'],
      [{ ...good, fenPerTonne: -1 }, 'fenPerTonne'],
      [{ ...good, fenPerTonne: 12.5 }, 'fenPerTonne'],
      [{ ...good, fenPerTonne: '500' }, 'fenPerTonne'],
      [{ ...good, effectiveFrom: '2026-02-30' }, 'effectiveFrom'],
      [{ ...good, effectiveFrom: yesterday }, 'effectiveFrom'],
      [{ ...good, effectiveFrom: '2999-01-01' }, 'effectiveFrom'],
      [{ ...good, fromDistrict: '330603' }, 'toDistrict'],
      [{ ...good, toDistrict: '330603' }, 'fromDistrict'],
      [{ ...good, fromDistrict: '330603', toDistrict: '330603' }, 'toDistrict'],
      [{ ...good, fromDistrict: '110101', toDistrict: '330603' }, 'fromDistrict'],
    ];
    const before = (await rows<{ n: number }>(t.ctx.db, sql`select count(*)::int as n from eco_rates`))[0]!.n;
    for (const [body, field] of cases) {
      const res = await setRate(city, body);
      expect(res.status, `${JSON.stringify(body)}: ${res.text}`).to.equal(400);
      expect(res.body.error.code).to.equal('VALIDATION_FAILED');
      expect(
        (res.body.error.details.fields as { path: string }[]).map((f) => f.path),
        JSON.stringify(body),
      ).to.include(field);
    }
    const extra = await setRate(city, { ...good, source: 'default' });
    expect(extra.status).to.equal(400);
    expect(extra.text).to.contain('source');
    expect((await rows<{ n: number }>(t.ctx.db, sql`select count(*)::int as n from eco_rates`))[0]!.n).to.equal(before);
  });

  it('a lot is charged as its stream: hazardous when hazardous, else its catalogue stream (a classified waste salt by its SW class)', async () => {
    const cases: [Parameters<typeof streamOfLot>[1], string][] = [
      [{ hazardous: true, materialCode: '772-002-18', classifiedCode: null }, 'hazardous'],
      [{ hazardous: true, materialCode: 'WS-CLASSIFIED', classifiedCode: '900-000-35' }, 'hazardous'],
      [{ hazardous: false, materialCode: 'WS-CLASSIFIED', classifiedCode: 'SW59' }, 'general_industrial'],
      [{ hazardous: false, materialCode: 'HH-01', classifiedCode: null }, 'household_recyclable'],
      [{ hazardous: false, materialCode: 'AG-01', classifiedCode: null }, 'agricultural'],
      [{ hazardous: false, materialCode: 'CW-01', classifiedCode: null }, 'construction'],
    ];
    for (const [lot, stream] of cases) expect(await streamOfLot(t.ctx.db, lot), JSON.stringify(lot)).to.equal(stream);
  });

  it('anyone may read the table; inForce=true lists one row per stream and pair in force today', async () => {
    const res = await t.request.get('/api/v1/eco-rates?inForce=true&limit=100').expect(200);
    const items = res.body.items as TEcoRate[];
    const keys = items.map((r) => `${r.stream}:${r.fromDistrict ?? ''}:${r.toDistrict ?? ''}`);
    expect(new Set(keys).size).to.equal(keys.length);
    expect(items.every((r) => r.inForce)).to.equal(true);
    expect(keys).to.include('hazardous::');
    await t.request.get('/api/v1/eco-rates/00000000-0000-4000-8000-000000000000').expect(404);
  });
});

describe('migration 0012 on trades made before the rate table (issue 12 item 6)', () => {
  it('keeps every stored fee, recovers the rate each was charged at from it, and names no rate row', async () => {
    const database = await openPglite();
    try {
      const migrations = await loadMigrations();
      const ecoRates = migrations.find((m) => m.name.startsWith('0012_'))!;
      for (const m of migrations.filter((x) => x.name < ecoRates.name)) await database.exec(m.sql);
      await database.exec(`
        insert into orgs (id, name, uscc, district, roles) values
          ('00000000-0000-4000-8000-0000000000a1', 'g', 'USCC-A1', '330603', '{generator}'),
          ('00000000-0000-4000-8000-0000000000a2', 'r', 'USCC-A2', '330604', '{recycler}');
        insert into materials (code, stream, category, name_zh, name_en, hazardous, tradeable, verification)
          values ('772-002-18', 'hazardous', 'HW18', '飞灰', 'fly ash', true, true, 'test');
        insert into trades (id, generator_org_id, receiver_org_id, payer_org_id, payee_org_id, material_code, waste_code, category, hazardous, quantity_kg,
                            price_per_tonne_fen, amount_fen, platform_fee_fen, eco_compensation_fen, status, origin_district, destination_district)
        values
          ('00000000-0000-4000-8000-0000000000b1', '00000000-0000-4000-8000-0000000000a1', '00000000-0000-4000-8000-0000000000a2',
           '00000000-0000-4000-8000-0000000000a1', '00000000-0000-4000-8000-0000000000a2', '772-002-18', '772-002-18', 'HW18', true, 20000, -189300, 3786000, 37860, 60000, 'funded', '330603', '330604'),
          ('00000000-0000-4000-8000-0000000000b2', '00000000-0000-4000-8000-0000000000a1', '00000000-0000-4000-8000-0000000000a2',
           '00000000-0000-4000-8000-0000000000a1', '00000000-0000-4000-8000-0000000000a2', '772-002-18', '772-002-18', 'HW18', true, 7500, -189300, 1419750, 14198, 26250, 'in_transit', '330603', '330604'),
          ('00000000-0000-4000-8000-0000000000b3', '00000000-0000-4000-8000-0000000000a1', '00000000-0000-4000-8000-0000000000a2',
           '00000000-0000-4000-8000-0000000000a1', '00000000-0000-4000-8000-0000000000a2', '772-002-18', '772-002-18', 'HW18', true, 5000, -189300, 946500, 9465, 0, 'settled', '330604', '330604');
      `);
      await database.exec(ecoRates.sql);
      const got = await rows<{
        id: string;
        eco_fen_per_tonne: string | number;
        eco_rate_id: string | null;
        eco_compensation_fen: string | number;
      }>(database.db, sql`select id, eco_fen_per_tonne, eco_rate_id, eco_compensation_fen from trades order by id`);
      expect(got.map((r) => [Number(r.eco_fen_per_tonne), r.eco_rate_id, Number(r.eco_compensation_fen)])).to.deep.equal([
        [3000, null, 60_000], // charged at the former default
        [3500, null, 26_250], // a deployment that had set ECO_FEE_FEN_PER_TONNE=3500
        [0, null, 0], // within one district: none
      ]);
    } finally {
      await database.close();
    }
  });
});
