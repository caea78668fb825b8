import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { TestApp } from '../helpers/app.js';
import { apiAs, regulatorBench } from '../helpers/regulators.js';
import { rows } from '../../server/src/db/tx.js';
import { auth, registerOrg, submitLicence, type OrgActor } from '../helpers/actors.js';
import { flyAshDeal } from '../helpers/manifests.js';

/** Issue 13 items 1 and 2: reject with a reason, reinstate, revoke; org lookup; sanctions in scope. */
describe('licence decisions, org lookup and sanctions for regulators', () => {
  let t: TestApp;
  let admin: string;
  let keqiao: OrgActor;
  let zhuji: OrgActor;
  let city: OrgActor;

  before(async () => {
    ({ t, admin, keqiao, zhuji, city } = await regulatorBench());
  });
  after(async () => {
    await t?.close();
  });

  const { post, get } = apiAs(() => t);
  const actions = async (licenceId: string) =>
    (
      await rows<{ action: string }>(
        t.ctx.db,
        sql`select action from audit_log where subject_type = 'licence' and subject_id = ${licenceId} order by id`,
      )
    ).map((r) => r.action);

  describe('POST /licences/:id/reject', () => {
    it('a regulator in scope rejects a pending licence with a reason the holder then sees', async () => {
      const owner = await registerOrg(t.request, { roles: ['recycler'], district: '330603' });
      const licence = await submitLicence(t.request, owner);
      const res = await post(`/licences/${licence.id}/reject`, keqiao.token, { note: '经营许可证扫描件不清晰' });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body).to.include({ status: 'rejected', decisionNote: '经营许可证扫描件不清晰', decidedBy: keqiao.user.id });
      const mine = await get(`/orgs/${owner.orgId}/licences`, owner.token);
      expect(mine.body.items[0]).to.include({ status: 'rejected', decisionNote: '经营许可证扫描件不清晰' });
      expect(await actions(licence.id)).to.deep.equal(['licence.submit', 'licence.reject']);
    });

    it('a rejection without a reason is 400 naming note', async () => {
      const owner = await registerOrg(t.request, { roles: ['recycler'], district: '330603' });
      const licence = await submitLicence(t.request, owner);
      const res = await post(`/licences/${licence.id}/reject`, keqiao.token, {});
      expect(res.status).to.equal(400);
      expect(res.body.error.details.fields.map((f: { path: string }) => f.path)).to.deep.equal(['note']);
    });

    it('an approved licence cannot be rejected: 409 INVALID_STATE with the allowed states', async () => {
      const owner = await registerOrg(t.request, { roles: ['recycler'], district: '330603' });
      const licence = await submitLicence(t.request, owner);
      expect((await post(`/licences/${licence.id}/approve`, keqiao.token)).status).to.equal(200);
      const res = await post(`/licences/${licence.id}/reject`, keqiao.token, { note: 'too late' });
      expect(res.status).to.equal(409);
      expect(res.body.error).to.deep.include({ code: 'INVALID_STATE' });
      expect(res.body.error.details.allowed).to.deep.equal(['pending']);
    });

    it('a regulator out of scope gets 404 and the licence stays pending, for one in scope to reject', async () => {
      const owner = await registerOrg(t.request, { roles: ['recycler'], district: '330603' });
      const licence = await submitLicence(t.request, owner);
      const res = await post(`/licences/${licence.id}/reject`, zhuji.token, { note: 'not mine' });
      expect(res.status).to.equal(404);
      expect(res.body.error.message).to.equal('no such licence');
      expect((await get(`/orgs/${owner.orgId}/licences`, owner.token)).body.items[0].status).to.equal('pending');
      expect((await post(`/licences/${licence.id}/reject`, keqiao.token, { note: 'incomplete' })).body.status).to.equal(
        'rejected',
      );
    });
  });

  describe('POST /licences/:id/reinstate and /revoke', () => {
    it('approved → suspended → approved (reinstate) → revoked, each audited', async () => {
      const owner = await registerOrg(t.request, { roles: ['recycler'], district: '330603' });
      const licence = await submitLicence(t.request, owner);
      expect((await post(`/licences/${licence.id}/approve`, keqiao.token)).body.status).to.equal('approved');
      expect((await post(`/licences/${licence.id}/suspend`, keqiao.token, { note: 'inspection' })).body.status).to.equal(
        'suspended',
      );
      const back = await post(`/licences/${licence.id}/reinstate`, city.token, { note: 'rectified' });
      expect(back.status, JSON.stringify(back.body)).to.equal(200);
      expect(back.body).to.include({ status: 'approved', decisionNote: 'rectified' });
      const gone = await post(`/licences/${licence.id}/revoke`, admin, { note: 'repeated violations' });
      expect(gone.status).to.equal(200);
      expect(gone.body.status).to.equal('revoked');
      expect(await actions(licence.id)).to.deep.equal([
        'licence.submit',
        'licence.approve',
        'licence.suspend',
        'licence.reinstate',
        'licence.revoke',
      ]);
    });

    it('a suspended licence can be revoked; a pending one cannot be reinstated or revoked (409)', async () => {
      const owner = await registerOrg(t.request, { roles: ['recycler'], district: '330603' });
      const pending = await submitLicence(t.request, owner);
      const r1 = await post(`/licences/${pending.id}/reinstate`, keqiao.token);
      expect(r1.status).to.equal(409);
      expect(r1.body.error.details.allowed).to.deep.equal(['suspended']);
      const r2 = await post(`/licences/${pending.id}/revoke`, keqiao.token);
      expect(r2.status).to.equal(409);
      expect(r2.body.error.details.allowed).to.deep.equal(['approved', 'suspended']);
      await post(`/licences/${pending.id}/approve`, keqiao.token);
      await post(`/licences/${pending.id}/suspend`, keqiao.token);
      expect((await post(`/licences/${pending.id}/revoke`, keqiao.token)).body.status).to.equal('revoked');
      // Revoked is final.
      const r3 = await post(`/licences/${pending.id}/reinstate`, keqiao.token);
      expect(r3.status).to.equal(409);
    });

    it('a revoked licence no longer lets its holder receive hazardous waste (not among held licences)', async () => {
      const owner = await registerOrg(t.request, { roles: ['recycler'], district: '330603' });
      const licence = await submitLicence(t.request, owner);
      await post(`/licences/${licence.id}/approve`, keqiao.token);
      await post(`/licences/${licence.id}/revoke`, keqiao.token, { note: 'fraud' });
      const held = await t.ctx.orgs.licencesFor(t.ctx.db, owner.orgId, 'disposal');
      expect(held).to.deep.equal([]);
    });

    it('a member of the holder org cannot decide its own licence, whatever the decision', async () => {
      const owner = await registerOrg(t.request, { roles: ['recycler'], district: '330603' });
      const licence = await submitLicence(t.request, owner);
      for (const d of ['reject', 'reinstate', 'revoke']) {
        const res = await post(`/licences/${licence.id}/${d}`, owner.token, { note: 'x' });
        expect(res.status, d).to.equal(403);
        expect(res.body.error.code, d).to.equal('FORBIDDEN_ROLE');
      }
    });

    it('remaining capacity is shown with the org’s licences: annual capacity less this year’s hazardous intake', async () => {
      const owner = await registerOrg(t.request, { roles: ['recycler'], district: '330603' });
      await submitLicence(t.request, owner, { annualCapacityKg: 5_000_000 });
      const res = await get(`/orgs/${owner.orgId}/licences`, owner.token);
      expect(res.body.items[0]).to.include({ annualCapacityKg: 5_000_000, usedKg: 0, remainingKg: 5_000_000 });
      await submitLicence(t.request, owner, { kind: 'transport' });
      const both = await get(`/orgs/${owner.orgId}/licences`, owner.token);
      expect(both.body.items[1]).to.include({ kind: 'transport', usedKg: null, remainingKg: null });
    });
  });

  describe('GET /orgs?q=', () => {
    it('finds an org by part of its name or by its USCC prefix, within the regulator’s scope only', async () => {
      const tag = randomBytes(3).toString('hex');
      const inScope = await registerOrg(t.request, {
        roles: ['recycler'],
        district: '330603',
        name: `绍兴${tag}再生资源有限公司`,
      });
      const outScope = await registerOrg(t.request, {
        roles: ['recycler'],
        district: '330681',
        name: `诸暨${tag}再生资源有限公司`,
      });
      const byName = await get(`/orgs?q=${encodeURIComponent(tag)}`, keqiao.token);
      expect(byName.status, JSON.stringify(byName.body)).to.equal(200);
      expect(byName.body.items.map((o: { id: string }) => o.id)).to.deep.equal([inScope.orgId]);
      const cityRes = await get(`/orgs?q=${encodeURIComponent(tag)}`, city.token);
      expect(cityRes.body.items.map((o: { id: string }) => o.id).sort()).to.deep.equal([inScope.orgId, outScope.orgId].sort());
      const uscc = (await get(`/orgs/${inScope.orgId}`, city.token)).body.uscc as string;
      const byUscc = await get(`/orgs?q=${uscc.slice(0, 16).toLowerCase()}`, admin);
      expect(byUscc.body.items.map((o: { id: string }) => o.id)).to.include(inScope.orgId);
    });

    it('pages with a cursor and never repeats an org; a crafted cursor is 400', async () => {
      const tag = randomBytes(3).toString('hex');
      const ids = [];
      for (let i = 0; i < 3; i++)
        ids.push((await registerOrg(t.request, { roles: ['generator'], name: `Page ${tag} ${i}` })).orgId);
      const first = await get(`/orgs?q=${tag}&limit=2`, admin);
      expect(first.body.items).to.have.length(2);
      expect(first.body.nextCursor).to.be.a('string');
      const second = await get(`/orgs?q=${tag}&limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`, admin);
      expect([...first.body.items, ...second.body.items].map((o: { id: string }) => o.id)).to.deep.equal(ids);
      expect(second.body.nextCursor).to.equal(null);
      const bad = await get(`/orgs?q=${tag}&cursor=bm90LWEtY3Vyc29y`, admin);
      expect(bad.status).to.equal(400);
    });

    it('a LIKE wildcard in q matches itself, not everything', async () => {
      const res = await get(`/orgs?q=${encodeURIComponent('%')}`, admin);
      expect(res.status).to.equal(200);
      expect(res.body.items).to.deep.equal([]);
    });

    it('a trading org cannot look organisations up: 403 FORBIDDEN_ROLE', async () => {
      const owner = await registerOrg(t.request, { roles: ['generator'] });
      const res = await get('/orgs?q=a', owner.token);
      expect(res.status).to.equal(403);
      expect(res.body.error.code).to.equal('FORBIDDEN_ROLE');
    });
  });

  describe('sanctions with kind and evidence; GET /regulator/sanctions', () => {
    it('records kind and evidence reference and lists sanctions in scope only, newest first', async () => {
      const org = await registerOrg(t.request, { roles: ['recycler'], district: '330603' });
      const body = {
        orgId: org.orgId,
        severity: 'major',
        kind: 'fine',
        reason: '超范围经营',
        evidenceRef: '柯环罚〔2026〕12号',
        decidedAt: new Date().toISOString(),
      };
      const res = await post('/regulator/sanctions', keqiao.token, body);
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      expect(res.body).to.include({ kind: 'fine', evidenceRef: '柯环罚〔2026〕12号', severity: 'major' });
      const second = await post('/regulator/sanctions', city.token, {
        ...body,
        severity: 'minor',
        kind: 'warning',
        evidenceRef: undefined,
      });
      expect(second.body).to.include({ kind: 'warning', evidenceRef: null });
      const list = await get(`/regulator/sanctions?orgId=${org.orgId}`, keqiao.token);
      expect(list.status).to.equal(200);
      expect(list.body.items.map((s: { id: string }) => s.id)).to.deep.equal([second.body.id, res.body.id]);
      const outside = await get(`/regulator/sanctions?orgId=${org.orgId}`, zhuji.token);
      expect(outside.body.items).to.deep.equal([]);
      const all = await get('/regulator/sanctions?limit=100', zhuji.token);
      expect(all.body.items.map((s: { orgId: string }) => s.orgId)).to.not.include(org.orgId);
    });

    it('an unknown sanction kind is 400 naming kind; without a kind it is stored as other', async () => {
      const org = await registerOrg(t.request, { roles: ['recycler'], district: '330603' });
      const body = { orgId: org.orgId, severity: 'minor', reason: 'x', decidedAt: new Date().toISOString() };
      const res = await post('/regulator/sanctions', keqiao.token, { ...body, kind: 'jail' });
      expect(res.status).to.equal(400);
      expect(res.body.error.details.fields.map((f: { path: string }) => f.path)).to.deep.equal(['kind']);
      const plain = await post('/regulator/sanctions', keqiao.token, body);
      expect(plain.status).to.equal(201);
      expect(plain.body).to.include({ kind: 'other', evidenceRef: null });
    });
  });

  describe('GET /prices/reference/:code/pins', () => {
    it('lists a band’s pins newest first with who pinned it; a district regulator cannot pin (CITY_SCOPE_REQUIRED)', async () => {
      const put = (token: string, body: object) => t.request.put('/api/v1/prices/reference/SW07').set(auth(token)).send(body);
      expect((await put(city.token, { lowFen: -70_000, medianFen: -60_000, highFen: -50_000 })).status).to.equal(200);
      expect((await put(city.token, { lowFen: -72_000, medianFen: -61_000, highFen: -52_000 })).status).to.equal(200);
      const refused = await put(keqiao.token, { lowFen: 1, medianFen: 2, highFen: 3 });
      expect(refused.status).to.equal(403);
      expect(refused.body.error.code).to.equal('CITY_SCOPE_REQUIRED');
      const res = await get('/prices/reference/SW07/pins?limit=1', keqiao.token);
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body.items).to.have.length(1);
      expect(res.body.items[0]).to.deep.include({ lowFen: -72_000, medianFen: -61_000, highFen: -52_000 });
      expect(res.body.items[0].pinnedBy).to.deep.equal({ userId: city.user.id, name: city.user.name, orgName: city.org.name });
      const next = await get(`/prices/reference/SW07/pins?limit=1&cursor=${encodeURIComponent(res.body.nextCursor)}`, admin);
      expect(next.body.items[0]).to.deep.include({ lowFen: -70_000, medianFen: -60_000, highFen: -50_000 });
    });

    it('a trading org cannot read the pin history (403 FORBIDDEN_ROLE)', async () => {
      const owner = await registerOrg(t.request, { roles: ['generator'] });
      const res = await get('/prices/reference/SW07/pins', owner.token);
      expect(res.status).to.equal(403);
      expect(res.body.error.code).to.equal('FORBIDDEN_ROLE');
    });
  });

  describe('GET /trades?org=', () => {
    it('a regulator lists only the trades one organisation is a party to, within its scope', async () => {
      const a = await flyAshDeal(t, { fund: false });
      const b = await flyAshDeal(t, { fund: false });
      const res = await get(`/trades?org=${a.recycler.orgId}`, city.token);
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body.items.map((x: { id: string }) => x.id)).to.deep.equal([a.trade.id]);
      const other = await get(`/trades?org=${b.generator.orgId}`, city.token);
      expect(other.body.items.map((x: { id: string }) => x.id)).to.deep.equal([b.trade.id]);
      // Keqiao (origin) and Shangyu (destination): a Zhuji regulator sees none of them.
      expect((await get(`/trades?org=${a.recycler.orgId}`, zhuji.token)).body.items).to.deep.equal([]);
      expect((await get('/trades?org=not-a-uuid', city.token)).status).to.equal(400);
    });
  });
});
