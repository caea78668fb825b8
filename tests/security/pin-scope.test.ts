import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { rows } from '../../server/src/db/tx.js';
import { adminToken, auth, createRegulator, type OrgActor } from '../helpers/actors.js';

/**
 * Issue 10 item 9: a district regulator (scope 330603) pinned a city-wide band. Reference bands are
 * city-wide (one per material, DESIGN §6.3), so pinning one needs city scope.
 */
describe('security: only a city-scope regulator pins a reference band', () => {
  let t: TestApp;
  let district: OrgActor;
  let twoDistricts: OrgActor;
  let city: OrgActor;

  before(async () => {
    t = await createTestApp();
    const admin = await adminToken(t.request);
    district = await createRegulator(t.request, ['330603'], admin);
    twoDistricts = await createRegulator(t.request, ['330602', '330603'], admin);
    city = await createRegulator(t.request, 'city', admin);
  });
  after(async () => {
    await t?.close();
  });

  const pin = (code: string, token: string, band = { lowFen: 100_000, medianFen: 120_000, highFen: 140_000 }) =>
    t.request.put(`/api/v1/prices/reference/${code}`).set(auth(token)).send(band);
  const pinAudits = (code: string) =>
    rows<{ n: number }>(
      t.ctx.db,
      sql`select count(*)::int as n from audit_log where action = 'price_band.pin' and subject_id = ${code}`,
    );

  it('a district regulator gets 403 CITY_SCOPE_REQUIRED and the band stays as it was', async () => {
    const before = (await t.request.get('/api/v1/prices/reference/HH-01').expect(200)).body;
    for (const who of [district, twoDistricts]) {
      const res = await pin('HH-01', who.token);
      expect(res.status, JSON.stringify(res.body)).to.equal(403);
      expect(res.body.error.code).to.equal('CITY_SCOPE_REQUIRED');
    }
    expect((await t.request.get('/api/v1/prices/reference/HH-01').expect(200)).body).to.deep.equal(before);
    expect((await pinAudits('HH-01'))[0]!.n).to.equal(0);
  });

  it('a city regulator pins the band (200, source pinned)', async () => {
    const res = await pin('772-002-18', city.token, { lowFen: -300_000, medianFen: -250_000, highFen: -200_000 });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body).to.include({ source: 'pinned', lowFen: -300_000, medianFen: -250_000, highFen: -200_000 });
    expect((await pinAudits('772-002-18'))[0]!.n).to.equal(1);
  });
});
