/**
 * Issue 14 item 6: public disclosure (公示) under /api/v1/public/, no sign-in. The flows publish a
 * stream-month only with ≥ 3 distinct generators and ≥ 3 distinct receivers and name no party; red and
 * black organisations come with the reasons in force; suspended and revoked licences with the holder.
 * A walk over every field of every public response finds no personal data.
 */
import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { adminToken, approvedLicence, auth, createRegulator, registerOrg, type OrgActor } from '../helpers/actors.js';
import { insertTrade } from '../helpers/regulator.js';
import { rows } from '../../server/src/db/tx.js';
import type { TPublicCreditList, TPublicFlows, TPublicLicences } from '../../shared/src/schemas/public.js';

/** Keys that would carry a person or a party of a trade. */
const PERSONAL_KEYS =
  /^(email|phone|mobile|password|token|userId|actorUserId|decidedBy|decidedByUser|decidedByOrg|createdBy|driverName|contact|.*Contact|generatorOrgId|receiverOrgId|payerOrgId|payeeOrgId|orgId|user|users)$/i;
const EMAIL = /[^\s@"]+@[^\s@"]+\.[a-z]{2,}/i;
const MOBILE = /(^|\D)1[3-9]\d{9}(\D|$)/;

/** Every key path and string value of a JSON value. */
function* walk(v: unknown, path = '$'): Generator<{ path: string; key: string | null; value: unknown }> {
  if (Array.isArray(v)) {
    for (const [i, x] of v.entries()) yield* walk(x, `${path}[${i}]`);
  } else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      yield { path: `${path}.${k}`, key: k, value: x };
      yield* walk(x, `${path}.${k}`);
    }
  } else yield { path, key: null, value: v };
}

/** The 15th of the month before this one, noon Shanghai: inside the last finished month. */
function lastMonth(): Date {
  const now = new Date(Date.now() + 8 * 3_600_000);
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 15, 4));
}

describe('public disclosure (公示, issue 14)', () => {
  let t: TestApp;
  let generators: OrgActor[];
  let receivers: OrgActor[];
  let lone: { g: OrgActor; r: OrgActor };
  let sanctioned: OrgActor;
  let licensee: OrgActor;
  let licenceNumber: string;
  const month = lastMonth().toISOString().slice(0, 7);

  before(async function () {
    this.timeout(180_000);
    t = await createTestApp();
    const admin = await adminToken(t.request);
    generators = [];
    receivers = [];
    for (let i = 0; i < 3; i++) {
      generators.push(await registerOrg(t.request, { roles: ['generator'], district: '330603' }));
      receivers.push(await registerOrg(t.request, { roles: ['recycler'], district: '330604' }));
    }
    // Scrap steel (general industrial): three generators and three receivers — published.
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++)
        await insertTrade(t.ctx.db, {
          generatorOrgId: generators[i]!.orgId,
          receiverOrgId: receivers[j]!.orgId,
          materialCode: 'SW17-01',
          category: 'SW17',
          hazardous: false,
          quantityKg: 1_000 * (i + 1),
          pricePerTonneFen: 250_000,
          originDistrict: '330603',
          destinationDistrict: '330604',
          createdAt: lastMonth(),
          status: 'settled',
        });
    // Fly ash (hazardous): one pair only — suppressed, no figure.
    lone = {
      g: await registerOrg(t.request, { roles: ['generator'], district: '330602' }),
      r: await registerOrg(t.request, { roles: ['recycler'], district: '330602' }),
    };
    await insertTrade(t.ctx.db, {
      generatorOrgId: lone.g.orgId,
      receiverOrgId: lone.r.orgId,
      materialCode: '772-002-18',
      category: 'HW18',
      hazardous: true,
      quantityKg: 7_777,
      pricePerTonneFen: -189_300,
      originDistrict: '330602',
      destinationDistrict: '330602',
      createdAt: lastMonth(),
      status: 'settled',
    });

    // A serious sanction makes an organisation black at once.
    const regulator = await createRegulator(t.request, 'city', admin);
    sanctioned = await registerOrg(t.request, { roles: ['generator'], district: '330681' });
    const s = await t.request
      .post('/api/v1/regulator/sanctions')
      .set(auth(regulator.token))
      .send({
        orgId: sanctioned.orgId,
        severity: 'serious',
        kind: 'suspension',
        reason: '非法倾倒危险废物',
        evidenceRef: 'SXHB-2026-017',
        decidedAt: new Date(Date.now() - 60_000).toISOString(),
      });
    expect(s.status, s.text).to.equal(201);

    // A suspended disposal licence.
    licensee = await registerOrg(t.request, { roles: ['recycler'], district: '330683' });
    const licence = await approvedLicence(t.request, licensee, { kind: 'disposal', wasteCodes: ['HW18'] }, admin);
    licenceNumber = licence.number;
    const suspend = await t.request
      .post(`/api/v1/licences/${licence.id}/suspend`)
      .set(auth(admin))
      .send({ note: '现场检查发现贮存设施不合规' });
    expect(suspend.status, suspend.text).to.equal(200);
  });
  after(async () => {
    await t?.close();
  });

  const get = async (path: string) => {
    const res = await t.request.get(`/api/v1/public/${path}`);
    expect(res.status, `${path}: ${res.text}`).to.equal(200);
    return res;
  };

  it('flows by stream and finished month: a cell with 3 + 3 distinct parties is published, a thinner one suppressed, no party named', async () => {
    const res = await get('flows?months=3');
    const f = res.body as TPublicFlows;
    expect(f).to.include({ minDistinctGenerators: 3, minDistinctReceivers: 3, to: month });
    const steel = f.cells.find((c) => c.month === month && c.stream === 'general_industrial')!;
    expect(steel).to.deep.equal({
      month,
      stream: 'general_industrial',
      suppressed: false,
      trades: 9,
      contractedKg: 18_000,
      deliveredKg: 0,
      crossDistrictKg: 18_000,
    });
    const ash = f.cells.find((c) => c.month === month && c.stream === 'hazardous')!;
    expect(ash).to.deep.equal({
      month,
      stream: 'hazardous',
      suppressed: true,
      trades: null,
      contractedKg: null,
      deliveredKg: null,
      crossDistrictKg: null,
    });
    expect(res.text).to.not.include('7777');
    for (const o of [...generators, ...receivers, lone.g, lone.r]) {
      expect(res.text).to.not.include(o.org.name);
      expect(res.text).to.not.include(o.org.uscc);
      expect(res.text).to.not.include(o.orgId);
    }
  });

  it('red and black organisations with the reasons in force; suspended and revoked licences with the holder', async () => {
    const credit = (await get('credit')).body as TPublicCreditList;
    const black = credit.items.find((i) => i.uscc === sanctioned.org.uscc)!;
    expect(black).to.include({ orgName: sanctioned.org.name, level: 'black', levelReason: 'serious_sanction' });
    expect(black.reasons).to.deep.include({
      kind: 'sanction',
      code: 'suspension',
      events: 1,
      severity: 'serious',
      text: '非法倾倒危险废物',
      decidedAt: black.reasons[0]!.decidedAt,
    });
    expect(credit.items.map((i) => i.uscc)).to.not.include(generators[0]!.org.uscc);

    const licences = (await get('licences')).body as TPublicLicences;
    expect(licences.items).to.deep.include({
      orgName: licensee.org.name,
      uscc: licensee.org.uscc,
      district: '330683',
      licenceNumber,
      kind: 'disposal',
      status: 'suspended',
      decidedAt: licences.items.find((l) => l.licenceNumber === licenceNumber)!.decidedAt,
      reason: '现场检查发现贮存设施不合规',
    });
  });

  it('the price index and the plan indicators answer without a token', async () => {
    const prices = await get('prices?material=SW17-01');
    expect(prices.body).to.include({ materialCode: 'SW17-01', minDistinctGenerators: 3, minDistinctReceivers: 3 });
    const indicators = await get('indicators');
    expect(indicators.body.planTargets).to.be.an('array').that.is.not.empty;
    // This year's trades (if last month is in it) meet 3 + 3; kg totals are never published, so the
    // year's total cannot be set against the flows to reveal the suppressed fly-ash cell.
    const thisYear = new Date(Date.now() + 8 * 3_600_000).getUTCFullYear();
    expect(indicators.body.published).to.equal(lastMonth().getUTCFullYear() === thisYear);
    const kgValues = (indicators.body.indicators as { unit: string; value: number | null }[]).filter((i) => i.unit === 'kg');
    expect(kgValues.map((i) => i.value).every((v) => v === null)).to.equal(true);
    expect(indicators.text).to.not.include('7777');
    expect(indicators.body.indicators.map((i: { id: string }) => i.id)).to.not.include.members([
      'capacity_utilisation',
      'median_price_by_month',
    ]);
    const bad = await t.request.get('/api/v1/public/flows?months=99');
    expect(bad.status).to.equal(400);
  });

  it('no public response carries personal data: a walk over every field of every response', async () => {
    const people = await rows<{ id: string; email: string; name: string }>(t.ctx.db, sql`select id, email, name from users`);
    const responses = ['prices?material=SW17-01', 'flows?months=36', 'indicators', 'credit', 'licences'];
    const problems: string[] = [];
    for (const path of responses) {
      const body = (await get(path)).body as unknown;
      for (const { path: at, key, value } of walk(body)) {
        if (key !== null && PERSONAL_KEYS.test(key)) problems.push(`${path} ${at}: key ${key}`);
        if (typeof value !== 'string') continue;
        if (EMAIL.test(value)) problems.push(`${path} ${at}: an e-mail address`);
        if (MOBILE.test(value)) problems.push(`${path} ${at}: a mobile number`);
        for (const p of people)
          if (value.includes(p.id) || value.includes(p.email) || (p.name.length > 1 && value === p.name))
            problems.push(`${path} ${at}: user ${p.email}`);
      }
    }
    expect(problems).to.deep.equal([]);
  });
});
