/**
 * The carrier directory, GET /api/v1/carriers?q=&code= (issue 13 item 4): a shipper finds its
 * carrier by name or USCC; for a hazardous code only carriers whose approved transport licence covers
 * it today are listed, so a pick from the list is one openManifest accepts.
 */
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { createTestApp, type TestApp } from '../helpers/app.js';
import {
  adminToken,
  approvedLicence,
  auth,
  createCreditAgency,
  createRegulator,
  registerOrg,
  submitLicence,
  type OrgActor,
} from '../helpers/actors.js';
import { createCarrier, flyAshDeal, openTripRaw, tripBody } from '../helpers/manifests.js';
import type { TCarrier } from '../../shared/src/schemas/carriers.js';

describe('carrier directory: GET /carriers', () => {
  let t: TestApp;
  let admin: string;
  let shipper: OrgActor;

  before(async () => {
    t = await createTestApp();
    admin = await adminToken(t.request);
    shipper = await registerOrg(t.request, { roles: ['generator'] });
  });
  after(async () => {
    await t?.close();
  });

  /** A word no other test's org carries, so each test sees only its own carriers. */
  const token = () => `Fleet${randomBytes(4).toString('hex')}`;
  const carrier = (name: string) => registerOrg(t.request, { roles: ['carrier'], name, district: '330603' });
  const list = (who: string, query: Record<string, string | number>) =>
    t.request.get('/api/v1/carriers').query(query).set(auth(who));
  const names = (items: TCarrier[]) => items.map((c) => c.name);
  const fieldPaths = (res: { body: { error?: { details?: { fields?: { path: string }[] } } } }) =>
    (res.body.error?.details?.fields ?? []).map((f) => f.path);

  it('finds carriers by part of their name, in name order, and leaves out orgs that are not carriers', async () => {
    const w = token();
    await carrier(`${w} 乙 物流`);
    await carrier(`${w} 甲 运输`);
    await registerOrg(t.request, { roles: ['generator'], name: `${w} 丙 化工` });
    const res = await list(shipper.token, { q: w.slice(2).toLowerCase() });
    expect(res.status, res.text).to.equal(200);
    expect(names(res.body.items)).to.have.members([`${w} 甲 运输`, `${w} 乙 物流`]);
    expect(res.body.items).to.have.length(2);
    const only = await list(shipper.token, { q: `${w} 甲` });
    expect(names(only.body.items)).to.deep.equal([`${w} 甲 运输`]);
  });

  it('finds a carrier by the start of its USCC, in either case, and shows its district and transport licences', async () => {
    const c = await createCarrier(t.request, {
      licence: { wasteCodes: ['HW18', 'HW08'], validFrom: '2024-01-01', validTo: '2099-12-31' },
    });
    const res = await list(shipper.token, { q: c.org.uscc.slice(0, 14).toLowerCase() });
    expect(res.status, res.text).to.equal(200);
    const found = (res.body.items as TCarrier[]).find((x) => x.id === c.orgId);
    expect(found, 'the carrier is found by its USCC').to.not.equal(undefined);
    expect(found).to.include({ name: c.org.name, uscc: c.org.uscc, district: '330603' });
    expect(found!.licences).to.deep.equal([
      {
        number: c.licenceNumber,
        wasteCodes: ['HW18', 'HW08'],
        validFrom: '2024-01-01',
        validTo: '2099-12-31',
        status: 'approved',
        current: true,
      },
    ]);
    // The USCC matches from its start only: a run from its middle finds nothing.
    const middle = await list(shipper.token, { q: c.org.uscc.slice(9, 17) });
    expect((middle.body.items as TCarrier[]).map((x) => x.id)).to.not.include(c.orgId);
  });

  it('for a hazardous code lists only carriers licensed for it today: the code or its category, approved, within validity', async () => {
    const w = token();
    const licensed = async (name: string, o: Record<string, unknown>, suspend = false) => {
      const c = await carrier(`${w} ${name}`);
      const l = await approvedLicence(t.request, c, { kind: 'transport', wasteCodes: ['HW18'], ...o }, admin);
      if (suspend)
        expect((await t.request.post(`/api/v1/licences/${l.id}/suspend`).set(auth(admin)).send({})).status).to.equal(200);
      return c;
    };
    await licensed('A category', {});
    await licensed('B exact code', { wasteCodes: ['772-002-18'] });
    await licensed('C lapsed', { validFrom: '2020-01-01', validTo: '2021-12-31' });
    await licensed('D not yet valid', { validFrom: '2098-01-01', validTo: '2099-12-31' });
    await licensed('E other category', { wasteCodes: ['HW08'] });
    await licensed('F suspended', {}, true);
    const pendingOnly = await carrier(`${w} G pending`);
    await submitLicence(t.request, pendingOnly, { kind: 'transport', wasteCodes: ['HW18'] });
    await carrier(`${w} H none`);

    const hazardous = await list(shipper.token, { q: w, code: '772-002-18' });
    expect(hazardous.status, hazardous.text).to.equal(200);
    expect(names(hazardous.body.items)).to.deep.equal([`${w} A category`, `${w} B exact code`]);

    // The category itself, and a material named by its catalogue code, filter the same way.
    const byCategory = await list(shipper.token, { q: w, code: 'hw18' });
    expect(names(byCategory.body.items)).to.deep.equal([`${w} A category`]);

    // Any carrier may take general waste: every one is listed, each licence with whether it holds today.
    const general = await list(shipper.token, { q: w, code: 'SW01' });
    expect(general.status, general.text).to.equal(200);
    expect(general.body.items).to.have.length(8);
    const lapsed = (general.body.items as TCarrier[]).find((c) => c.name === `${w} C lapsed`)!;
    expect(lapsed.licences.map((l) => [l.status, l.current])).to.deep.equal([['approved', false]]);
    const suspended = (general.body.items as TCarrier[]).find((c) => c.name === `${w} F suspended`)!;
    expect(suspended.licences.map((l) => [l.status, l.current])).to.deep.equal([['suspended', false]]);
    const pending = (general.body.items as TCarrier[]).find((c) => c.name === `${w} G pending`)!;
    expect(pending.licences, 'a pending application is no licence yet').to.deep.equal([]);
  });

  it('a code that is not in the catalogue is a 400 naming the code field', async () => {
    const res = await list(shipper.token, { code: 'XX-NOPE' });
    expect(res.status, res.text).to.equal(400);
    expect(res.body.error.code).to.equal('VALIDATION_FAILED');
    expect(fieldPaths(res)).to.deep.equal(['code']);
  });

  it('pages through the directory with a cursor, each carrier once, in name order', async () => {
    const w = token();
    for (const n of ['C', 'A', 'D', 'B', 'E']) await carrier(`${w} ${n}`);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await list(shipper.token, { q: w, limit: 2, ...(cursor ? { cursor } : {}) });
      expect(res.status, res.text).to.equal(200);
      expect(res.body.items.length).to.be.at.most(2);
      seen.push(...names(res.body.items));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).to.equal(3);
    expect(seen).to.deep.equal(['A', 'B', 'C', 'D', 'E'].map((n) => `${w} ${n}`));
    const bad = await list(shipper.token, { q: w, cursor: 'not-a-cursor' });
    expect(bad.status).to.equal(400);
    expect(fieldPaths(bad)).to.deep.equal(['cursor']);
  });

  it('generators, recyclers, regulators and the admin may read it; carriers, credit agencies and anonymous callers may not', async () => {
    const recycler = await registerOrg(t.request, { roles: ['recycler'] });
    const regulator = await createRegulator(t.request, ['330603'], admin);
    for (const who of [shipper.token, recycler.token, regulator.token, admin]) expect((await list(who, {})).status).to.equal(200);
    const c = await carrier(`${token()} self`);
    const agency = await createCreditAgency(t.request, admin);
    for (const who of [c.token, agency.token]) {
      const res = await list(who, {});
      expect(res.status).to.equal(403);
      expect(res.body.error.code).to.equal('FORBIDDEN_ROLE');
    }
    expect((await t.request.get('/api/v1/carriers')).status).to.equal(401);
  });

  it('a carrier the directory lists for the trade’s code is one the shipper can open a trip with', async () => {
    const d = await flyAshDeal(t, { quantityKg: 5_000 });
    const res = await list(d.generator.token, { q: d.carrier.org.name, code: d.trade.classifiedCode ?? d.trade.materialCode });
    const picked = (res.body.items as TCarrier[]).find((c) => c.name === d.carrier.org.name);
    expect(picked?.id).to.equal(d.carrier.orgId);
    const opened = await openTripRaw(
      t,
      d.generator,
      d.trade.id,
      tripBody({ carrier: { ...d.carrier, orgId: picked!.id } }, 5_000),
    );
    expect(opened.status, opened.text).to.equal(201);
  });
});
