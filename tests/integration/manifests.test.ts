/**
 * Manifests through the HTTP API: opening trips (who, on what, with which carrier), bad input, wrong
 * actors and wrong order, concurrent receipts, reads and the live event.
 */
import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { adminToken, approvedLicence, auth, createRegulator, registerOrg, submitLicence } from '../helpers/actors.js';
import { one, rows } from '../../server/src/db/tx.js';
import {
  createCarrier,
  eventCount,
  flyAshDeal,
  manifestRow,
  openTrip,
  openTripRaw,
  slagDeal,
  step,
  stepRaw,
  trade,
  tripBody,
  walkTrip,
  type Deal,
} from '../helpers/manifests.js';
import type { TManifest, TManifestSummary } from '../../shared/src/schemas/manifests.js';
import { shanghaiYear } from '../../shared/src/calendar.js';

async function counts(t: TestApp): Promise<[number, number]> {
  const m = await one<{ n: number }>(t.ctx.db, sql`select count(*)::int as n from manifests`);
  return [m!.n, await eventCount(t)];
}

function expectFieldError(
  res: { status: number; body: { error?: { code?: string; details?: { fields?: { path: string }[] } } }; text: string },
  path: string,
) {
  expect(res.status, res.text).to.equal(400);
  expect(res.body.error?.code).to.equal('VALIDATION_FAILED');
  expect(
    res.body.error?.details?.fields?.map((f) => f.path),
    res.text,
  ).to.include(path);
}

describe('manifests: opening trips', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(async () => {
    await t?.close();
  });

  it('the shipper opens a draft on a funded fly-ash trade with the form filled from the trade, the listing and the licences', async () => {
    const d = await flyAshDeal(t);
    const m = await openTrip(t, d, 12_000, { vehiclePlate: '浙d·a1234' });
    expect(m.status).to.equal('draft');
    expect(m.kind).to.equal('hazardous');
    expect(m.number).to.match(new RegExp(`^${shanghaiYear(new Date())}3306\\d{6}$`));
    expect(m.vehiclePlate).to.equal('浙DA1234');
    expect(m.declaredKg).to.equal(12_000);
    expect(m.shipperOrgId).to.equal(d.generator.orgId);
    expect(m.carrierOrgId).to.equal(d.carrier.orgId);
    expect(m.receiverOrgId).to.equal(d.recycler.orgId);
    expect(m.parties.shipper.uscc).to.equal(d.generator.org.uscc);
    expect(m.parties.carrier.licenceNumber, 'the carrier’s transport licence').to.be.a('string');
    expect(m.parties.receiver.licenceNumber, 'the receiver’s disposal licence').to.be.a('string');
    expect(m.lines).to.have.length(1);
    expect(m.lines[0]).to.include({
      wasteCode: '772-002-18',
      category: 'HW18',
      nameZh: '生活垃圾焚烧飞灰',
      form: 'solid',
      packaging: 'ton_bag',
      quantityKg: 12_000,
    });
    expect(m.lines[0]!.hazardCharacteristics).to.deep.equal(['T']);
    expect(m.emergencyMeasures).to.contain('毒性');
    expect(m.nextActions).to.deep.equal([{ type: 'issue', by: 'shipper' }]);
    expect(m.yourParts).to.deep.equal(['shipper']);
    expect(m.events).to.have.length(1);
    expect(m.events[0]).to.include({ seq: 1, type: 'open', prevHash: '0'.repeat(64) });
    expect((await trade(t, d.generator, d.trade.id)).manifestIds).to.deep.equal([m.id]);
  });

  it('numbers are gap-free: consecutive trips get consecutive serials, also when openings race', async () => {
    const d = await flyAshDeal(t, { quantityKg: 20_000 });
    const results = await Promise.all([1, 2, 3, 4].map(() => openTripRaw(t, d.generator, d.trade.id, tripBody(d, 5_000))));
    expect(results.map((r) => r.status)).to.deep.equal([201, 201, 201, 201]);
    const serials = results.map((r) => Number((r.body as TManifest).number.slice(-6))).sort((a, b) => a - b);
    for (let i = 1; i < serials.length; i++) expect(serials[i]).to.equal(serials[i - 1]! + 1);
    const all = await rows<{ number: string }>(t.ctx.db, sql`select number from manifests order by number`);
    const numbers = all.map((r) => Number(r.number.slice(-6)));
    expect(numbers).to.deep.equal(
      numbers.map((_, i) => i + 1),
      'every serial from 1 on, once',
    );
  });

  it('a general-waste trip needs a carrier but no licence, and the form says general', async () => {
    const d = await slagDeal(t);
    const m = await openTrip(t, d, 30_000, { vehiclePlate: '浙D12345F' });
    expect(m.kind).to.equal('general');
    expect(m.vehiclePlate).to.equal('浙D12345F');
    expect(m.parties.carrier.licenceNumber).to.equal(null);
    expect(m.lines[0]).to.include({ wasteCode: 'SW01', nameZh: '冶炼废渣' });
  });

  it('refuses openings and writes nothing: unfunded trade, the receiver, a stranger, a non-carrier, declared total above the quantity', async () => {
    const unfunded = await flyAshDeal(t, { fund: false });
    const before = await counts(t);
    let res = await openTripRaw(t, unfunded.generator, unfunded.trade.id, tripBody(unfunded, 1_000));
    expect(res.status, res.text).to.equal(409);
    expect(res.body.error.code).to.equal('INVALID_STATE');
    expect(res.body.error.details.allowed).to.deep.equal(['funded', 'in_transit']);

    const d = await flyAshDeal(t, { quantityKg: 10_000 });
    res = await openTripRaw(t, d.recycler, d.trade.id, tripBody(d, 1_000));
    expect(res.status).to.equal(403);
    expect(res.body.error.code).to.equal('NOT_A_PARTY');
    const stranger = await registerOrg(t.request, { roles: ['generator'] });
    res = await openTripRaw(t, stranger, d.trade.id, tripBody(d, 1_000));
    expect(res.status).to.equal(404);
    const notCarrier = await registerOrg(t.request, { roles: ['recycler'] });
    expectFieldError(
      await openTripRaw(t, d.generator, d.trade.id, tripBody({ carrier: notCarrier } as unknown as Deal, 1_000)),
      'carrierOrgId',
    );
    expectFieldError(await openTripRaw(t, d.generator, d.trade.id, tripBody(d, 10_001)), 'declaredKg');
    expect(await counts(t)).to.deep.equal(before);

    await openTrip(t, d, 6_000);
    const after6 = await counts(t);
    const over = await openTripRaw(t, d.generator, d.trade.id, tripBody(d, 4_001));
    expectFieldError(over, 'declaredKg');
    expect(over.body.error.message).to.contain('invalid request');
    expect(await counts(t)).to.deep.equal(after6);
    await openTrip(t, d, 4_000);
  });

  it('a hazardous trip needs a carrier with an approved transport licence covering the code or its HW category', async () => {
    const admin = await adminToken(t.request);
    const unlicensed = await createCarrier(t.request, { licence: null });
    const otherScope = await createCarrier(t.request, { licence: { wasteCodes: ['HW08'] } });
    const pending = await registerOrg(t.request, { roles: ['carrier'] });
    await submitLicence(t.request, pending, { kind: 'transport', wasteCodes: ['HW18'] });
    const expired = await registerOrg(t.request, { roles: ['carrier'] });
    await approvedLicence(
      t.request,
      expired,
      { kind: 'transport', wasteCodes: ['772-002-18'], validFrom: '2020-01-01', validTo: '2021-12-31' },
      admin,
    );
    const suspended = await registerOrg(t.request, { roles: ['carrier'] });
    const lic = await approvedLicence(t.request, suspended, { kind: 'transport', wasteCodes: ['HW18'] }, admin);
    await t.request.post(`/api/v1/licences/${lic.id}/suspend`).set(auth(admin)).send({}).expect(200);
    const disposalOnly = await registerOrg(t.request, { roles: ['carrier'] });
    await approvedLicence(t.request, disposalOnly, { kind: 'disposal', wasteCodes: ['HW18'] }, admin);

    const d = await flyAshDeal(t);
    const before = await counts(t);
    for (const [carrier, code] of [
      [unlicensed, 'LICENCE_REQUIRED'],
      [pending, 'LICENCE_REQUIRED'],
      [disposalOnly, 'LICENCE_REQUIRED'],
      [otherScope, 'LICENCE_SCOPE'],
      [expired, 'LICENCE_EXPIRED'],
      [suspended, 'LICENCE_SUSPENDED'],
    ] as const) {
      const res = await openTripRaw(t, d.generator, d.trade.id, tripBody({ carrier } as unknown as Deal, 1_000));
      expect(res.status, res.text).to.equal(403);
      expect(res.body.error.code, res.text).to.equal(code);
    }
    expect(await counts(t)).to.deep.equal(before);
    // The exact code, not only the category, also covers.
    const byCode = await createCarrier(t.request, { licence: { wasteCodes: ['772-002-18'] } });
    await openTrip(t, { ...d, carrier: byCode }, 1_000);
  });

  it('bad input on opening is a 400 naming the field: plates that are not Chinese, weights, unknown fields', async () => {
    const d = await slagDeal(t);
    const before = await counts(t);
    for (const plate of ['ABC123', '浙12345', '哈D12345', '浙DO1234', '', 12345])
      expectFieldError(
        await openTripRaw(t, d.generator, d.trade.id, tripBody(d, 1_000, { vehiclePlate: plate })),
        'vehiclePlate',
      );
    for (const kg of [-5, 0, 2.5, '1000', null])
      expectFieldError(await openTripRaw(t, d.generator, d.trade.id, tripBody(d, kg as number)), 'declaredKg');
    expectFieldError(await openTripRaw(t, d.generator, d.trade.id, tripBody(d, 1_000, { driverName: '  ' })), 'driverName');
    expectFieldError(await openTripRaw(t, d.generator, d.trade.id, tripBody(d, 1_000, { status: 'closed' })), 'status');
    expectFieldError(await openTripRaw(t, d.generator, d.trade.id, tripBody(d, 1_000, { carrierOrgId: 'x' })), 'carrierOrgId');
    expect(await counts(t)).to.deep.equal(before);
  });
});

describe('manifests: steps, actors and order', () => {
  let t: TestApp;
  let d: Deal;
  before(async () => {
    t = await createTestApp();
    d = await flyAshDeal(t, { quantityKg: 20_000 });
  });
  after(async () => {
    await t?.close();
  });

  it('each step by the wrong party is 403 NOT_A_PARTY; a stranger gets 404; a regulator may not post steps', async () => {
    const m = await openTrip(t, d, 2_000);
    const stranger = await registerOrg(t.request, { roles: ['generator', 'recycler', 'carrier'] });
    const regulator = await createRegulator(t.request, 'city');
    const check = async (type: string, body: Record<string, unknown>, wrong: (typeof d.generator)[]) => {
      for (const who of wrong) {
        const res = await stepRaw(t, who, m.id, { type, ...body });
        expect(res.status, `${type} by a wrong party: ${res.text}`).to.equal(403);
        expect(res.body.error.code).to.equal('NOT_A_PARTY');
      }
      const s = await stepRaw(t, stranger, m.id, { type, ...body });
      expect(s.status, `${type} by a stranger`).to.equal(404);
      const r = await stepRaw(t, regulator, m.id, { type, ...body });
      expect(r.status).to.equal(403);
      expect(r.body.error.code).to.equal('FORBIDDEN_ROLE');
    };
    const rows0 = await eventCount(t, m.id);
    await check('issue', {}, [d.carrier, d.recycler]);
    await step(t, d.generator, m.id, { type: 'issue' });
    await check('load', { weightKg: 2_000 }, [d.generator, d.recycler]);
    await step(t, d.carrier, m.id, { type: 'load', weightKg: 2_000 });
    await check('depart', {}, [d.generator, d.recycler]);
    await step(t, d.carrier, m.id, { type: 'depart' });
    await check('arrive', {}, [d.generator, d.recycler]);
    await step(t, d.carrier, m.id, { type: 'arrive' });
    await check('receive', { weightKg: 2_000, decision: 'accept' }, [d.generator, d.carrier]);
    await step(t, d.recycler, m.id, { type: 'receive', weightKg: 2_000, decision: 'accept' });
    await check(
      'report_disposal',
      { methodCode: 'D10', disposalDate: new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10) },
      [d.generator, d.carrier],
    );
    expect(await eventCount(t, m.id)).to.equal(rows0 + 5);
  });

  it('a step out of order is 409 INVALID_STATE naming the allowed next step', async () => {
    const m = await openTrip(t, d, 2_000);
    const expect409 = async (who: typeof d.generator, body: Record<string, unknown>, status: string, allowed: string[]) => {
      const res = await stepRaw(t, who, m.id, body);
      expect(res.status, res.text).to.equal(409);
      expect(res.body.error.code).to.equal('INVALID_STATE');
      expect(res.body.error.details).to.deep.include({ status, allowed });
    };
    await expect409(d.carrier, { type: 'load', weightKg: 2_000 }, 'draft', ['issue']);
    await expect409(d.recycler, { type: 'receive', weightKg: 2_000, decision: 'accept' }, 'draft', ['issue']);
    await step(t, d.generator, m.id, { type: 'issue' });
    await expect409(d.generator, { type: 'issue' }, 'issued', ['load']);
    await expect409(d.carrier, { type: 'arrive' }, 'issued', ['load']);
    await step(t, d.carrier, m.id, { type: 'load', weightKg: 2_000 });
    await expect409(d.carrier, { type: 'load', weightKg: 2_000 }, 'loaded', ['depart']);
    await expect409(d.carrier, { type: 'arrive' }, 'loaded', ['depart']);
    await step(t, d.carrier, m.id, { type: 'depart' });
    await expect409(d.recycler, { type: 'receive', weightKg: 2_000, decision: 'accept' }, 'in_transit', ['arrive']);
    await step(t, d.carrier, m.id, { type: 'arrive' });
    await expect409(d.recycler, { type: 'report_disposal', methodCode: 'D10', disposalDate: '2026-01-01' }, 'arrived', [
      'receive',
    ]);
    await step(t, d.recycler, m.id, { type: 'receive', weightKg: 2_000, decision: 'reject', note: '包装破损' });
    await expect409(d.recycler, { type: 'report_disposal', methodCode: 'D10', disposalDate: '2026-01-01' }, 'rejected', []);
    await expect409(d.recycler, { type: 'receive', weightKg: 2_000, decision: 'accept' }, 'rejected', []);
  });

  it('bad step input is a 400 naming the field and changes nothing', async () => {
    const m = await openTrip(t, d, 2_000);
    await step(t, d.generator, m.id, { type: 'issue' });
    const snapshot = async () => [await eventCount(t, m.id), JSON.stringify(await manifestRow(t, m.id))];
    const before = await snapshot();
    const bad: [Record<string, unknown>, string][] = [
      [{ type: 'load', weightKg: -100 }, 'weightKg'],
      [{ type: 'load', weightKg: 0 }, 'weightKg'],
      [{ type: 'load', weightKg: 1999.5 }, 'weightKg'],
      [{ type: 'load', weightKg: '2000' }, 'weightKg'],
      [{ type: 'load', weightKg: 6_001 }, 'weightKg'], // > 3 × declared
      [{ type: 'load' }, 'weightKg'],
      [{ type: 'load', weightKg: 2_000, decision: 'accept' }, 'decision'],
      [{ type: 'teleport' }, 'type'],
      [{ type: 'load', weightKg: 2_000, status: 'closed' }, 'status'],
      [{ type: 'load', weightKg: 2_000, note: 'x'.repeat(1001) }, 'note'],
    ];
    for (const [body, path] of bad) expectFieldError(await stepRaw(t, d.carrier, m.id, body), path);
    expect(await snapshot()).to.deep.equal(before);

    await step(t, d.carrier, m.id, { type: 'load', weightKg: 2_000 });
    await step(t, d.carrier, m.id, { type: 'depart' });
    await step(t, d.carrier, m.id, { type: 'arrive' });
    const atArrival = await snapshot();
    const badReceipts: [Record<string, unknown>, string][] = [
      [{ type: 'receive', weightKg: -1, decision: 'accept' }, 'weightKg'],
      [{ type: 'receive', weightKg: 2.25, decision: 'accept' }, 'weightKg'],
      [{ type: 'receive', weightKg: 6_001, decision: 'accept' }, 'weightKg'],
      [{ type: 'receive', weightKg: 2_000 }, 'decision'],
      [{ type: 'receive', weightKg: 2_000, decision: 'maybe' }, 'decision'],
      [{ type: 'receive', weightKg: 1_500, decision: 'partial', acceptedKg: 1_600, note: '部分受潮' }, 'acceptedKg'], // above received
      [{ type: 'receive', weightKg: 2_500, decision: 'partial', acceptedKg: 2_100, note: '部分受潮' }, 'acceptedKg'], // above declared
      [{ type: 'receive', weightKg: 2_000, decision: 'partial', acceptedKg: -5, note: 'x' }, 'acceptedKg'],
      [{ type: 'receive', weightKg: 2_000, decision: 'partial', note: 'x' }, 'acceptedKg'],
      [{ type: 'receive', weightKg: 2_000, decision: 'partial', acceptedKg: 1_000 }, 'note'],
      [{ type: 'receive', weightKg: 2_000, decision: 'reject' }, 'note'],
      [{ type: 'receive', weightKg: 2_000, decision: 'reject', acceptedKg: 10, note: '拒收' }, 'acceptedKg'],
      [{ type: 'receive', weightKg: 2_000, decision: 'accept', acceptedKg: 1_000 }, 'acceptedKg'],
      [{ type: 'receive', weightKg: 2_000, decision: 'accept', method: 'D10' }, 'method'],
    ];
    for (const [body, path] of badReceipts) expectFieldError(await stepRaw(t, d.recycler, m.id, body), path);
    expect(await snapshot()).to.deep.equal(atArrival);

    await step(t, d.recycler, m.id, { type: 'receive', weightKg: 2_000, decision: 'accept' });
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const received = await snapshot();
    for (const [body, path] of [
      [{ type: 'report_disposal', disposalDate: today }, 'methodCode'],
      // The method is a national code (shared/data/disposal-methods.json); free text is only a note.
      [{ type: 'report_disposal', method: 'D10 焚烧', disposalDate: today }, 'methodCode'],
      [{ type: 'report_disposal', methodCode: 'X9', disposalDate: today }, 'methodCode'],
      [{ type: 'report_disposal', methodCode: 'D10' }, 'disposalDate'],
      [{ type: 'report_disposal', methodCode: 'D10', disposalDate: '2026-02-30' }, 'disposalDate'],
      [{ type: 'report_disposal', methodCode: 'D10', disposalDate: '2099-01-01' }, 'disposalDate'],
      [{ type: 'report_disposal', methodCode: 'D10', disposalDate: '2000-01-01' }, 'disposalDate'],
    ] as [Record<string, unknown>, string][])
      expectFieldError(await stepRaw(t, d.recycler, m.id, body), path);
    expect(await snapshot()).to.deep.equal(received);
  });

  it('concurrent duplicate receive calls record one receipt', async () => {
    const m = await walkTrip(t, d, await openTrip(t, d, 2_000), { until: 'arrive' });
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        stepRaw(t, d.recycler, m.id, { type: 'receive', weightKg: 2_000 - i, decision: 'accept' }),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses, results.map((r) => r.text).join('\n')).to.deep.equal([201, 409, 409, 409, 409, 409]);
    for (const r of results.filter((x) => x.status === 409))
      expect(r.body.error.details.allowed).to.deep.equal(['report_disposal']);
    const receipts = await rows(t.ctx.db, sql`select 1 from manifest_events where manifest_id = ${m.id} and type = 'receive'`);
    expect(receipts).to.have.length(1);
    const row = await manifestRow(t, m.id);
    const winner = results.find((r) => r.status === 201)!.body as TManifest;
    expect(Number(row.received_kg)).to.equal(winner.receivedKg);
    expect(Number(row.event_count)).to.equal(6);
  });
});

describe('manifests: reads and live events', () => {
  let t: TestApp;
  let hz: Deal;
  let slag: Deal;
  let mHz: TManifest;
  let mSlag: TManifest;
  before(async () => {
    t = await createTestApp();
    hz = await flyAshDeal(t); // Keqiao 330603 → Shangyu 330604
    slag = await slagDeal(t);
    mHz = await walkTrip(t, hz, await openTrip(t, hz, 5_000), { until: 'load' });
    mSlag = await openTrip(t, slag, 1_000);
  });
  after(async () => {
    await t?.close();
  });

  const ids = (body: { items: TManifestSummary[] }) => body.items.map((m) => m.id);

  it('the shipper, the carrier and the receiver see the trip in the list and the detail with its timeline; others do not', async () => {
    for (const who of [hz.generator, hz.carrier, hz.recycler]) {
      expect(ids((await t.request.get('/api/v1/manifests').set(auth(who.token)).expect(200)).body)).to.deep.equal([mHz.id]);
      const detail = (await t.request.get(`/api/v1/manifests/${mHz.id}`).set(auth(who.token)).expect(200)).body as TManifest;
      expect(detail.events.map((e) => e.type)).to.deep.equal(['open', 'issue', 'load']);
      expect(detail.status).to.equal('loaded');
    }
    const carrierView = (await t.request.get(`/api/v1/manifests/${mHz.id}`).set(auth(hz.carrier.token)).expect(200))
      .body as TManifest;
    expect(carrierView.yourParts).to.deep.equal(['carrier']);
    expect(carrierView.nextActions).to.deep.equal([{ type: 'depart', by: 'carrier' }]);
    const stranger = await registerOrg(t.request, { roles: ['carrier'] });
    expect((await t.request.get('/api/v1/manifests').set(auth(stranger.token)).expect(200)).body.items).to.deep.equal([]);
    for (const path of ['', '/audit', '/pdf'])
      expect((await t.request.get(`/api/v1/manifests/${mHz.id}${path}`).set(auth(stranger.token))).status).to.equal(404);
    expect((await t.request.get(`/api/v1/manifests/${mHz.id}`)).status).to.equal(401);
  });

  it('regulators see trips whose origin or destination is in scope; the admin and a city regulator see all', async () => {
    const admin = await adminToken(t.request);
    const origin = await createRegulator(t.request, ['330603'], admin);
    const destination = await createRegulator(t.request, ['330604'], admin);
    const elsewhere = await createRegulator(t.request, ['330683'], admin);
    for (const reg of [origin, destination]) {
      expect(
        ids((await t.request.get('/api/v1/manifests').query({ limit: 100 }).set(auth(reg.token)).expect(200)).body),
      ).to.include(mHz.id);
      const detail = (await t.request.get(`/api/v1/manifests/${mHz.id}`).set(auth(reg.token)).expect(200)).body as TManifest;
      expect(detail.yourParts).to.deep.equal([]);
    }
    expect((await t.request.get('/api/v1/manifests').set(auth(elsewhere.token)).expect(200)).body.items).to.deep.equal([]);
    expect((await t.request.get(`/api/v1/manifests/${mHz.id}`).set(auth(elsewhere.token))).status).to.equal(404);
    const city = await createRegulator(t.request, 'city', admin);
    for (const token of [admin, city.token])
      expect(
        ids((await t.request.get('/api/v1/manifests').query({ limit: 100 }).set(auth(token)).expect(200)).body),
      ).to.include.members([mHz.id, mSlag.id]);
  });

  it('filters by status, material, district, trade and overdue, and pages with a cursor', async () => {
    const admin = await adminToken(t.request);
    const q = async (query: Record<string, string | number>) =>
      ids(
        (
          await t.request
            .get('/api/v1/manifests')
            .query({ limit: 100, ...query })
            .set(auth(admin))
            .expect(200)
        ).body,
      );
    expect(await q({ status: 'loaded' })).to.deep.equal([mHz.id]);
    expect(await q({ status: 'draft' })).to.deep.equal([mSlag.id]);
    expect(await q({ material: '772-002-18' })).to.deep.equal([mHz.id]);
    expect(await q({ material: 'SW01' })).to.deep.equal([mSlag.id]);
    expect(await q({ district: '330604' })).to.include(mHz.id);
    expect(await q({ district: '330683' })).to.deep.equal([]);
    expect(await q({ tradeId: slag.trade.id })).to.deep.equal([mSlag.id]);
    expect(await q({ overdue: 'true' })).to.deep.equal([]);
    expect(await q({ overdue: 'false' })).to.include.members([mHz.id, mSlag.id]);
    for (const bad of [
      { status: 'lost' },
      { district: '110101' },
      { overdue: 'yes' },
      { tradeId: 'x' },
      { limit: 101 },
      { cursor: 'garbage' },
      { sort: 'id' },
    ])
      expect((await t.request.get('/api/v1/manifests').query(bad).set(auth(admin))).status, JSON.stringify(bad)).to.equal(400);

    const extra = await openTrip(t, slag, 1_000);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { items: TManifestSummary[]; nextCursor: string | null } } = await t.request
        .get('/api/v1/manifests')
        .query({ limit: 1, tradeId: slag.trade.id, ...(cursor ? { cursor } : {}) })
        .set(auth(slag.generator.token))
        .expect(200);
      seen.push(...ids(res.body));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).to.deep.equal([extra.id, mSlag.id]);
  });

  it('each change announces manifest.updated to the shipper, carrier and receiver and the regulators of origin and destination', async () => {
    const m = await openTrip(t, slag, 500);
    await t.ctx.jobs.drain();
    const published = await rows<{ payload: { room: string; type: string; data: { manifestId: string; status: string } } }>(
      t.ctx.db,
      sql`select payload from outbox where topic = 'realtime.publish' and payload->>'type' = 'manifest.updated' and payload->'data'->>'manifestId' = ${m.id}`,
    );
    expect(published.map((p) => p.payload.room).sort()).to.deep.equal(
      [
        `org:${slag.generator.orgId}`,
        `org:${slag.carrier.orgId}`,
        `org:${slag.recycler.orgId}`,
        'regulator:city',
        'regulator:330603',
        'regulator:330604',
      ].sort(),
    );
    expect(published.every((p) => p.payload.data.status === 'draft')).to.equal(true);
  });
});
