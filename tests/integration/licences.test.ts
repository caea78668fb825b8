import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import type { TestApp } from '../helpers/app.js';
import { apiAs, regulatorBench } from '../helpers/regulators.js';
import { rows } from '../../server/src/db/tx.js';
import { licencesFor } from '../../server/src/modules/orgs/service.js';
import {
  addMember,
  createCreditAgency,
  createRegulator,
  licenceBody,
  registerOrg,
  submitLicence,
  type OrgActor,
} from '../helpers/actors.js';

describe('licences: submission, review by scope, audit', () => {
  let t: TestApp;
  let admin: string;
  /** A Keqiao (330603) regulator; the recyclers below sit in Keqiao unless a test says otherwise. */
  let keqiao: OrgActor;
  /** A Zhuji (330681) regulator: out of scope for Keqiao licences. */
  let zhuji: OrgActor;
  let city: OrgActor;

  before(async () => {
    ({ t, admin, keqiao, zhuji, city } = await regulatorBench());
  });
  after(async () => {
    await t?.close();
  });

  const { post, get } = apiAs(() => t);
  const auditOf = (licenceId: string) =>
    rows<{ action: string; actor_user_id: string; details: Record<string, unknown> }>(
      t.ctx.db,
      sql`select action, actor_user_id, details from audit_log where subject_type = 'licence' and subject_id = ${licenceId} order by id`,
    );
  const fieldPaths = (res: { body: { error?: { details?: { fields?: { path: string }[] } } } }) =>
    (res.body.error?.details?.fields ?? []).map((f) => f.path);

  describe('POST /orgs/:id/licences', () => {
    it('the owner submits a licence, which waits as pending with its codes normalised', async () => {
      const owner = await registerOrg(t.request, { roles: ['recycler'], district: '330603' });
      const body = licenceBody({ wasteCodes: ['hw18', '772-002-18', 'SW07', 'HW45'], annualCapacityKg: 50_000_000 });
      const res = await post(`/orgs/${owner.orgId}/licences`, owner.token, body);
      expect(res.status).to.equal(201);
      expect(res.body).to.include({
        orgId: owner.orgId,
        number: body.number,
        kind: 'disposal',
        status: 'pending',
        annualCapacityKg: 50_000_000,
      });
      expect(res.body.wasteCodes).to.deep.equal(['HW18', '772-002-18', 'SW07', 'HW45']);
      expect(res.body).to.include({ validFrom: body.validFrom, validTo: body.validTo, decidedBy: null, decidedAt: null });
      expect((await auditOf(res.body.id)).map((a) => a.action)).to.deep.equal(['licence.submit']);
    });

    it('a member (not the owner) cannot submit: 403 FORBIDDEN_ROLE', async () => {
      const owner = await registerOrg(t.request, { roles: ['recycler'] });
      const member = await addMember(t.request, owner);
      const res = await post(`/orgs/${owner.orgId}/licences`, member.token, licenceBody());
      expect(res.status).to.equal(403);
      expect(res.body.error.code).to.equal('FORBIDDEN_ROLE');
    });

    it('a hazardous code that is not in the catalogue is 400 naming its position', async () => {
      const owner = await registerOrg(t.request, { roles: ['recycler'] });
      const res = await post(`/orgs/${owner.orgId}/licences`, owner.token, licenceBody({ wasteCodes: ['HW08', '999-999-99'] }));
      expect(res.status).to.equal(400);
      expect(fieldPaths(res)).to.deep.equal(['wasteCodes.1']);
    });

    it('HW41–HW44 and HW51 do not exist (400); malformed codes are 400', async () => {
      const owner = await registerOrg(t.request, { roles: ['recycler'] });
      for (const code of ['HW41', 'HW44', 'HW51', 'HW00', 'HH-01', '772-002-1', 'fly ash']) {
        const res = await post(`/orgs/${owner.orgId}/licences`, owner.token, licenceBody({ wasteCodes: [code] }));
        expect(res.status, code).to.equal(400);
        expect(fieldPaths(res), code).to.deep.equal(['wasteCodes.0']);
      }
    });

    it('validity, capacity and shape rules are 400 naming the field', async () => {
      const owner = await registerOrg(t.request, { roles: ['recycler'] });
      const cases: [Record<string, unknown>, string][] = [
        [{ validFrom: '2026-06-01', validTo: '2026-05-31' }, 'validTo'],
        [{ validFrom: '2026-02-30' }, 'validFrom'],
        [{ validTo: '31/12/2030' }, 'validTo'],
        [{ annualCapacityKg: 0 }, 'annualCapacityKg'],
        [{ annualCapacityKg: 1.5 }, 'annualCapacityKg'],
        [{ annualCapacityKg: 1e12 + 1 }, 'annualCapacityKg'],
        [{ kind: 'storage' }, 'kind'],
        [{ wasteCodes: [] }, 'wasteCodes'],
        [{ wasteCodes: ['HW08', 'HW08'] }, 'wasteCodes'],
        [{ number: '' }, 'number'],
      ];
      for (const [change, field] of cases) {
        const res = await post(`/orgs/${owner.orgId}/licences`, owner.token, { ...licenceBody(), ...change });
        expect(res.status, JSON.stringify(change)).to.equal(400);
        expect(fieldPaths(res), JSON.stringify(change)).to.include(field);
      }
      const ok = await post(
        `/orgs/${owner.orgId}/licences`,
        owner.token,
        licenceBody({ annualCapacityKg: 1e12, validFrom: '2026-01-01', validTo: '2026-01-01' }),
      );
      expect(ok.status).to.equal(201);
    });

    it('a body that sets its own status or org is 400 and stores nothing', async () => {
      const owner = await registerOrg(t.request, { roles: ['recycler'] });
      for (const extra of [{ status: 'approved' }, { orgId: owner.orgId }, { decidedBy: owner.user.id }]) {
        const res = await post(`/orgs/${owner.orgId}/licences`, owner.token, { ...licenceBody(), ...extra });
        expect(res.status).to.equal(400);
      }
      expect(await rows(t.ctx.db, sql`select 1 from licences where org_id = ${owner.orgId}`)).to.have.length(0);
    });

    it('the same number twice in one org is 409 CONFLICT', async () => {
      const owner = await registerOrg(t.request, { roles: ['recycler'] });
      const first = await submitLicence(t.request, owner);
      const again = await post(`/orgs/${owner.orgId}/licences`, owner.token, licenceBody({ number: first.number }));
      expect(again.status).to.equal(409);
      expect(again.body.error.code).to.equal('CONFLICT');
    });

    it("another org's owner cannot submit for this org, and nothing is stored", async () => {
      const a = await registerOrg(t.request, { roles: ['recycler'] });
      const b = await registerOrg(t.request, { roles: ['recycler'] });
      const res = await post(`/orgs/${a.orgId}/licences`, b.token, licenceBody());
      expect(res.status).to.be.oneOf([403, 404]);
      expect(await rows(t.ctx.db, sql`select 1 from licences where org_id = ${a.orgId}`)).to.have.length(0);
    });
  });

  describe('lifecycle: pending → approved → suspended', () => {
    it('a regulator whose scope covers the district approves, then suspends; each decision writes one audit row', async () => {
      const owner = await registerOrg(t.request, { roles: ['recycler'], district: '330603' });
      const licence = await submitLicence(t.request, owner);

      const approved = await post(`/licences/${licence.id}/approve`, keqiao.token, { note: '现场核查通过' });
      expect(approved.status).to.equal(200);
      expect(approved.body).to.include({ id: licence.id, status: 'approved', decidedBy: keqiao.user.id });
      expect(approved.body.decidedAt).to.be.a('string');

      const suspended = await post(`/licences/${licence.id}/suspend`, keqiao.token);
      expect(suspended.status).to.equal(200);
      expect(suspended.body.status).to.equal('suspended');

      const audit = await auditOf(licence.id);
      expect(audit.map((a) => a.action)).to.deep.equal(['licence.submit', 'licence.approve', 'licence.suspend']);
      expect(audit[1]).to.deep.include({ actor_user_id: keqiao.user.id });
      expect(audit[1]!.details).to.deep.include({ from: 'pending', to: 'approved', orgId: owner.orgId, note: '现场核查通过' });
      expect(audit[2]!.details).to.deep.include({ from: 'approved', to: 'suspended' });
    });

    it('approving an approved licence is 409 INVALID_STATE with details.allowed, and writes no audit row', async () => {
      const owner = await registerOrg(t.request, { roles: ['recycler'], district: '330603' });
      const licence = await submitLicence(t.request, owner);
      await post(`/licences/${licence.id}/approve`, admin);
      const again = await post(`/licences/${licence.id}/approve`, admin);
      expect(again.status).to.equal(409);
      expect(again.body.error.code).to.equal('INVALID_STATE');
      expect(again.body.error.details).to.deep.equal({ status: 'approved', allowed: ['pending'] });
      expect((await auditOf(licence.id)).filter((a) => a.action === 'licence.approve')).to.have.length(1);
    });

    it('suspending a pending licence is 409 INVALID_STATE allowing only approved', async () => {
      const owner = await registerOrg(t.request, { roles: ['recycler'], district: '330603' });
      const licence = await submitLicence(t.request, owner);
      const res = await post(`/licences/${licence.id}/suspend`, city.token);
      expect(res.status).to.equal(409);
      expect(res.body.error.details.allowed).to.deep.equal(['approved']);
    });

    it('a suspended licence cannot be approved again (409)', async () => {
      const owner = await registerOrg(t.request, { roles: ['recycler'], district: '330603' });
      const licence = await submitLicence(t.request, owner);
      await post(`/licences/${licence.id}/approve`, admin);
      await post(`/licences/${licence.id}/suspend`, admin);
      const res = await post(`/licences/${licence.id}/approve`, admin);
      expect(res.status).to.equal(409);
      expect(res.body.error.details).to.deep.equal({ status: 'suspended', allowed: ['pending'] });
    });

    it('two simultaneous approvals: one 200, one 409, one audit row', async () => {
      const owner = await registerOrg(t.request, { roles: ['recycler'], district: '330603' });
      const licence = await submitLicence(t.request, owner);
      const [x, y] = await Promise.all([
        post(`/licences/${licence.id}/approve`, admin),
        post(`/licences/${licence.id}/approve`, keqiao.token),
      ]);
      expect([x.status, y.status].sort()).to.deep.equal([200, 409]);
      expect((await auditOf(licence.id)).filter((a) => a.action === 'licence.approve')).to.have.length(1);
    });

    it('a district regulator out of scope gets 404 on approve and suspend, and nothing changes', async () => {
      const owner = await registerOrg(t.request, { roles: ['recycler'], district: '330603' });
      const licence = await submitLicence(t.request, owner);
      const approve = await post(`/licences/${licence.id}/approve`, zhuji.token);
      expect(approve.status).to.equal(404);
      expect(approve.body.error.code).to.equal('NOT_FOUND');
      expect(JSON.stringify(approve.body)).to.not.contain(licence.number);
      await post(`/licences/${licence.id}/approve`, keqiao.token);
      expect((await post(`/licences/${licence.id}/suspend`, zhuji.token)).status).to.equal(404);
      const [row] = await rows<{ status: string }>(t.ctx.db, sql`select status from licences where id = ${licence.id}`);
      expect(row!.status).to.equal('approved');
    });

    it('a city regulator approves in any district', async () => {
      const owner = await registerOrg(t.request, { roles: ['recycler'], district: '330624' });
      const licence = await submitLicence(t.request, owner);
      expect((await post(`/licences/${licence.id}/approve`, city.token)).status).to.equal(200);
    });

    it('trading orgs and credit agencies cannot decide licences (403 FORBIDDEN_ROLE)', async () => {
      const owner = await registerOrg(t.request, { roles: ['recycler'], district: '330603' });
      const licence = await submitLicence(t.request, owner);
      const agency = await createCreditAgency(t.request, admin);
      for (const token of [owner.token, agency.token]) {
        const res = await post(`/licences/${licence.id}/approve`, token);
        expect(res.status).to.equal(403);
        expect(res.body.error.code).to.equal('FORBIDDEN_ROLE');
      }
    });

    it('an unknown licence is 404; a malformed id is 400', async () => {
      expect((await post('/licences/7b0b3a4e-0d4c-4d8e-9a51-8f7f6b1c2d3e/approve', admin)).status).to.equal(404);
      expect((await post('/licences/123/approve', admin)).status).to.equal(400);
    });
  });

  describe('reading licences', () => {
    it("an org's own users, the admin and in-scope regulators list its licences; others get 404", async () => {
      const owner = await registerOrg(t.request, { roles: ['recycler'], district: '330603' });
      const member = await addMember(t.request, owner);
      const licence = await submitLicence(t.request, owner);
      for (const token of [owner.token, member.token, admin, keqiao.token, city.token]) {
        const res = await get(`/orgs/${owner.orgId}/licences`, token);
        expect(res.status).to.equal(200);
        expect(res.body.items.map((l: { id: string }) => l.id)).to.deep.equal([licence.id]);
        expect(res.body.nextCursor).to.equal(null);
      }
      const stranger = await registerOrg(t.request, { roles: ['generator'], district: '330603' });
      for (const token of [stranger.token, zhuji.token]) {
        const res = await get(`/orgs/${owner.orgId}/licences`, token);
        expect(res.status).to.equal(404);
        expect(JSON.stringify(res.body)).to.not.contain(licence.number);
      }
    });

    it('GET /licences pages a scoped regulator through its district, oldest first, filtered by status', async () => {
      const binhai = await createRegulator(t.request, ['3306BH'], admin);
      const owner = await registerOrg(t.request, { roles: ['recycler'], district: '3306BH' });
      const elsewhere = await registerOrg(t.request, { roles: ['recycler'], district: '330602' });
      const mine = [];
      for (let i = 0; i < 3; i++) mine.push((await submitLicence(t.request, owner, { number: `BH-${i}` })).id);
      const other = await submitLicence(t.request, elsewhere);

      const p1 = await get('/licences?status=pending&limit=2', binhai.token);
      expect(p1.status).to.equal(200);
      expect(p1.body.items.map((l: { id: string }) => l.id)).to.deep.equal(mine.slice(0, 2));
      expect(p1.body.nextCursor).to.be.a('string');
      const p2 = await get(`/licences?status=pending&limit=2&cursor=${encodeURIComponent(p1.body.nextCursor)}`, binhai.token);
      expect(p2.body.items.map((l: { id: string }) => l.id)).to.deep.equal(mine.slice(2));
      expect(p2.body.nextCursor).to.equal(null);

      await post(`/licences/${mine[0]}/approve`, binhai.token);
      const approved = await get('/licences?status=approved', binhai.token);
      expect(approved.body.items.map((l: { id: string }) => l.id)).to.deep.equal([mine[0]]);

      const all = await get('/licences?limit=100', binhai.token);
      expect(all.body.items.map((l: { id: string }) => l.id)).to.not.include(other.id);
      const outside = await get('/licences?district=330602', binhai.token);
      expect(outside.body.items).to.deep.equal([]);

      const cityView = await get('/licences?district=3306BH&limit=100', city.token);
      expect(cityView.body.items.map((l: { id: string }) => l.id)).to.have.members(mine);
      const adminView = await get('/licences?limit=100', admin);
      expect(adminView.body.items.map((l: { id: string }) => l.id)).to.include.members([...mine, other.id]);
    });

    it('GET /licences refuses a bad cursor, a limit over 100 and unknown filters (400)', async () => {
      for (const q of ['cursor=garbage', 'limit=101', 'status=approvedish', 'sort=created_at']) {
        expect((await get(`/licences?${q}`, city.token)).status, q).to.equal(400);
      }
    });
  });

  describe('licencesFor (for eligibility checks in other modules)', () => {
    it('returns approved and suspended licences of the kind asked for, never pending ones', async () => {
      const owner = await registerOrg(t.request, { roles: ['recycler', 'carrier'], district: '330603' });
      const approved = await submitLicence(t.request, owner, { wasteCodes: ['HW08'], annualCapacityKg: 1234 });
      const suspended = await submitLicence(t.request, owner);
      await submitLicence(t.request, owner);
      const transport = await submitLicence(t.request, owner, { kind: 'transport' });
      for (const id of [approved.id, suspended.id, transport.id]) await post(`/licences/${id}/approve`, admin);
      await post(`/licences/${suspended.id}/suspend`, admin);

      const disposal = await licencesFor(t.ctx.db, owner.orgId, 'disposal');
      expect(disposal.map((l) => [l.id, l.status])).to.have.deep.members([
        [approved.id, 'approved'],
        [suspended.id, 'suspended'],
      ]);
      expect(disposal.find((l) => l.id === approved.id)).to.deep.include({
        wasteCodes: ['HW08'],
        annualCapacityKg: 1234,
        validFrom: '2020-01-01',
        validTo: '2099-12-31',
      });
      expect((await licencesFor(t.ctx.db, owner.orgId, 'transport')).map((l) => l.id)).to.deep.equal([transport.id]);
    });
  });
});
