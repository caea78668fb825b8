/**
 * Sanctions (DESIGN §7: POST /regulator/sanctions): regulators only, within their scope, audited; each
 * feeds the credit score. A serious sanction makes the org black, and a black org is barred from
 * hazardous trades (CREDIT_BARRED) through the real model — at once, before its recompute runs.
 */
import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { adminToken, auth, createCreditAgency, createRegulator, registerOrg, type OrgActor } from '../helpers/actors.js';
import {
  bid,
  createGenerator,
  createListing,
  createRecycler,
  flyAshListing,
  placeBid,
  steelListing,
} from '../helpers/trading.js';
import { drainJobs } from '../helpers/settlement.js';
import { one, rows } from '../../server/src/db/tx.js';
import { readCredit } from '../../server/src/modules/credit/read-model.js';

describe('sanctions', () => {
  let t: TestApp;
  let city: OrgActor;
  let keqiao: OrgActor;

  before(async () => {
    t = await createTestApp();
    const admin = await adminToken(t.request);
    city = await createRegulator(t.request, 'city', admin);
    keqiao = await createRegulator(t.request, ['330603'], admin);
  });
  after(async () => {
    await t?.close();
  });

  const sanction = (who: OrgActor, body: Record<string, unknown>) =>
    t.request.post('/api/v1/regulator/sanctions').set(auth(who.token)).send(body);
  const body = (orgId: string, over: Record<string, unknown> = {}) => ({
    orgId,
    severity: 'minor',
    reason: '危险废物贮存场所标识不规范',
    decidedAt: new Date(Date.now() - 3_600_000).toISOString(),
    ...over,
  });

  it('a regulator whose scope covers the org records it: 201, audited, an input for the score, and the score moves', async () => {
    const g = await createGenerator(t.request, { district: '330603' });
    const res = await sanction(keqiao, body(g.orgId, { severity: 'major' }));
    expect(res.status, res.text).to.equal(201);
    expect(res.body).to.include({
      orgId: g.orgId,
      severity: 'major',
      decidedByOrgId: keqiao.orgId,
      reason: '危险废物贮存场所标识不规范',
    });
    const audit = await one<{ action: string; actor_user_id: string; details: { sanctionId: string; severity: string } }>(
      t.ctx.db,
      sql`select action, actor_user_id, details from audit_log where action = 'sanction.create' and subject_id = ${g.orgId}`,
    );
    expect(audit).to.include({ action: 'sanction.create', actor_user_id: keqiao.user.id });
    expect(audit!.details).to.include({ sanctionId: res.body.id, severity: 'major' });
    const input = await rows<{ kind: string; subject_id: string }>(
      t.ctx.db,
      sql`select kind, subject_id from credit_events where org_id = ${g.orgId}`,
    );
    expect(input).to.deep.equal([{ kind: 'sanction_major', subject_id: res.body.id }]);
    await drainJobs(t);
    expect(await readCredit(t.ctx.db, g.orgId)).to.include({ score: 55, level: 'red' });
    // Sanctions are a record: append-only.
    let refused = false;
    await t.ctx.db.execute(sql`update sanctions set severity = 'minor' where id = ${res.body.id}`).catch(() => (refused = true));
    expect(refused).to.equal(true);
  });

  it('a regulator outside the org’s district gets 404 and nothing is written', async () => {
    const g = await createGenerator(t.request, { district: '330681' });
    const res = await sanction(keqiao, body(g.orgId));
    expect(res.status).to.equal(404);
    expect(await rows(t.ctx.db, sql`select 1 from sanctions where org_id = ${g.orgId}`)).to.have.length(0);
    expect(await rows(t.ctx.db, sql`select 1 from credit_events where org_id = ${g.orgId}`)).to.have.length(0);
    expect((await sanction(city, body(g.orgId))).status).to.equal(201);
  });

  it('only regulators: trading orgs, credit agencies and the admin get 403; anonymous 401', async () => {
    const g = await createGenerator(t.request);
    const target = await createGenerator(t.request);
    const agency = await createCreditAgency(t.request);
    for (const who of [g, agency]) expect((await sanction(who, body(target.orgId))).status).to.equal(403);
    const admin = await adminToken(t.request);
    expect((await t.request.post('/api/v1/regulator/sanctions').set(auth(admin)).send(body(target.orgId))).status).to.equal(403);
    expect((await t.request.post('/api/v1/regulator/sanctions').send(body(target.orgId))).status).to.equal(401);
  });

  it('bad requests are 400 naming the field: severity, empty reason, a future decision, extra fields, an authority org', async () => {
    const g = await createGenerator(t.request, { district: '330603' });
    const cases: [Record<string, unknown>, string][] = [
      [body(g.orgId, { severity: 'fatal' }), 'severity'],
      [body(g.orgId, { reason: '' }), 'reason'],
      [body(g.orgId, { decidedAt: '2026-13-01' }), 'decidedAt'],
      [body(g.orgId, { decidedAt: new Date(Date.now() + 86_400_000).toISOString() }), 'decidedAt'],
      [body(g.orgId, { status: 'approved' }), 'status'],
      [body(g.orgId, { decidedBy: keqiao.orgId }), 'decidedBy'],
      [body('not-a-uuid'), 'orgId'],
      [body(keqiao.orgId), 'orgId'],
    ];
    for (const [b, field] of cases) {
      const res = await sanction(city, b);
      expect(res.status, JSON.stringify(b)).to.equal(400);
      expect(
        res.body.error.details.fields.map((f: { path: string }) => f.path),
        JSON.stringify(b),
      ).to.include(field);
    }
    expect(await rows(t.ctx.db, sql`select 1 from sanctions where org_id = ${g.orgId}`)).to.have.length(0);
  });

  describe('a serious sanction: black, barred from hazardous trades', () => {
    it('is black at once (before the recompute runs) and after it, whatever the score', async () => {
      const r = await createRecycler(t.request, { district: '330603' });
      const res = await sanction(keqiao, body(r.orgId, { severity: 'serious' }));
      expect(res.status).to.equal(201);
      expect(await readCredit(t.ctx.db, r.orgId)).to.include({ level: 'black', levelReason: 'serious_sanction' });
      await drainJobs(t);
      const s = await t.request.get(`/api/v1/credit/orgs/${r.orgId}`).set(auth(r.token)).expect(200);
      expect(s.body).to.include({ score: 35, level: 'black', levelReason: 'serious_sanction' });
      const me = await t.request.get('/api/v1/me').set(auth(r.token)).expect(200);
      expect(me.body.creditLevel).to.equal('black');
    });

    it('a black recycler’s bid on hazardous fly ash is refused with CREDIT_BARRED; non-hazardous steel is still allowed', async () => {
      const g = await createGenerator(t.request);
      const r = await createRecycler(t.request, { district: '330603' });
      const ash = await createListing(t.request, g, flyAshListing());
      const steel = await createListing(t.request, g, steelListing());
      expect((await sanction(keqiao, body(r.orgId, { severity: 'serious' }))).status).to.equal(201);
      await drainJobs(t);
      const res = await bid(t.request, r, ash.id, { pricePerTonneFen: -189_300, quantityKg: 1_000 });
      expect(res.status, res.text).to.equal(403);
      expect(res.body.error.code).to.equal('CREDIT_BARRED');
      expect(await rows(t.ctx.db, sql`select 1 from bids where org_id = ${r.orgId}`)).to.have.length(0);
      await placeBid(t.request, r, steel.id, { pricePerTonneFen: 255_000, quantityKg: 10_000 });
    });

    it('a black generator may not list hazardous waste, and a licensed recycler may not bid on its lot', async () => {
      const g = await createGenerator(t.request, { district: '330603' });
      const r = await createRecycler(t.request);
      const ash = await createListing(t.request, g, flyAshListing());
      expect((await sanction(keqiao, body(g.orgId, { severity: 'serious' }))).status).to.equal(201);
      await drainJobs(t);
      const listing = await t.request.post('/api/v1/listings').set(auth(g.token)).send(flyAshListing());
      expect(listing.status).to.equal(403);
      expect(listing.body.error.code).to.equal('CREDIT_BARRED');
      const res = await bid(t.request, r, ash.id, { pricePerTonneFen: -189_300, quantityKg: 1_000 });
      expect(res.status).to.equal(403);
      expect(res.body.error.code).to.equal('CREDIT_BARRED');
    });
  });

  it('an unrelated org cannot read a sanctioned org’s credit; the sanctioned org can', async () => {
    const g = await createGenerator(t.request, { district: '330603' });
    await sanction(keqiao, body(g.orgId));
    const other = await registerOrg(t.request);
    expect((await t.request.get(`/api/v1/credit/orgs/${g.orgId}`).set(auth(other.token))).status).to.equal(404);
    expect((await t.request.get(`/api/v1/credit/orgs/${g.orgId}`).set(auth(g.token))).status).to.equal(200);
  });
});
