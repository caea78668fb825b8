import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { eq, sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { rows } from '../../server/src/db/tx.js';
import { licences } from '../../server/src/db/schema.js';
import { adminToken, auth, createCreditAgency, createRegulator, licenceBody, type OrgActor } from '../helpers/actors.js';

/**
 * Issue 10 item 8, separation of duties: a district regulator submitted a disposal licence for its own
 * organisation and approved it. Organisations that oversee trading (regulators, credit agencies)
 * cannot hold trading licences, and nobody decides a licence of their own organisation.
 */
describe('security: separation of duties for licences', () => {
  let t: TestApp;
  let admin: string;
  let keqiao: OrgActor;

  before(async () => {
    t = await createTestApp();
    admin = await adminToken(t.request);
    keqiao = await createRegulator(t.request, ['330603'], admin);
  });
  after(async () => {
    await t?.close();
  });

  const post = (path: string, token: string, body: unknown = {}) =>
    t.request
      .post(`/api/v1${path}`)
      .set(auth(token))
      .send(body as object);
  const licencesOf = (orgId: string) => t.ctx.db.select().from(licences).where(eq(licences.orgId, orgId));
  const auditCount = (licenceId: string) =>
    rows<{ n: number }>(
      t.ctx.db,
      sql`select count(*)::int as n from audit_log where subject_type = 'licence' and subject_id = ${licenceId}`,
    );

  for (const kind of ['disposal', 'transport'] as const) {
    it(`a district regulator submitting a ${kind} licence for its own org gets 403 AUTHORITY_CANNOT_HOLD_LICENCE and nothing is stored`, async () => {
      const res = await post(`/orgs/${keqiao.orgId}/licences`, keqiao.token, licenceBody({ kind }));
      expect(res.status, JSON.stringify(res.body)).to.equal(403);
      expect(res.body.error.code).to.equal('AUTHORITY_CANNOT_HOLD_LICENCE');
      expect(await licencesOf(keqiao.orgId)).to.have.length(0);
    });
  }

  it('a city regulator and a credit agency cannot submit one either (403 AUTHORITY_CANNOT_HOLD_LICENCE)', async () => {
    for (const authority of [await createRegulator(t.request, 'city', admin), await createCreditAgency(t.request, admin)]) {
      const res = await post(`/orgs/${authority.orgId}/licences`, authority.token, licenceBody());
      expect(res.status, JSON.stringify(res.body)).to.equal(403);
      expect(res.body.error.code).to.equal('AUTHORITY_CANNOT_HOLD_LICENCE');
      expect(await licencesOf(authority.orgId)).to.have.length(0);
    }
  });

  it('a regulator cannot approve or suspend a licence of its own org (one stored before the rule): 403 OWN_LICENCE_DECISION, nothing changes', async () => {
    const pendingId = randomUUID();
    const approvedId = randomUUID();
    const base = {
      orgId: keqiao.orgId,
      kind: 'disposal' as const,
      wasteCodes: ['HW18'],
      annualCapacityKg: 1_000_000,
      validFrom: '2020-01-01',
      validTo: '2099-12-31',
    };
    await t.ctx.db.insert(licences).values([
      { ...base, id: pendingId, number: `OWN-${pendingId.slice(0, 8)}`, status: 'pending' },
      { ...base, id: approvedId, number: `OWN-${approvedId.slice(0, 8)}`, status: 'approved' },
    ]);

    const approve = await post(`/licences/${pendingId}/approve`, keqiao.token);
    expect(approve.status, JSON.stringify(approve.body)).to.equal(403);
    expect(approve.body.error.code).to.equal('OWN_LICENCE_DECISION');
    const suspend = await post(`/licences/${approvedId}/suspend`, keqiao.token);
    expect(suspend.status, JSON.stringify(suspend.body)).to.equal(403);
    expect(suspend.body.error.code).to.equal('OWN_LICENCE_DECISION');

    const after = new Map((await licencesOf(keqiao.orgId)).map((l) => [l.id, l]));
    expect(after.get(pendingId)).to.include({ status: 'pending', decidedBy: null });
    expect(after.get(approvedId)).to.include({ status: 'approved', decidedBy: null });
    expect((await auditCount(pendingId))[0]!.n).to.equal(0);
    expect((await auditCount(approvedId))[0]!.n).to.equal(0);
  });

  it('the admin (no org) still decides such a licence', async () => {
    const id = randomUUID();
    await t.ctx.db.insert(licences).values({
      id,
      orgId: keqiao.orgId,
      number: `OWN-${id.slice(0, 8)}`,
      kind: 'disposal',
      wasteCodes: ['HW18'],
      annualCapacityKg: 1_000_000,
      validFrom: '2020-01-01',
      validTo: '2099-12-31',
      status: 'approved',
    });
    const res = await post(`/licences/${id}/suspend`, admin);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.status).to.equal('suspended');
  });
});
