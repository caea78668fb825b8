import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { one, rows } from '../../server/src/db/tx.js';
import { getOrgRow } from '../../server/src/modules/orgs/service.js';
import {
  PASSWORD,
  addMember,
  adminToken,
  auth,
  createCreditAgency,
  createRegulator,
  login,
  makeUscc,
  registerOrg,
  uniqueEmail,
} from '../helpers/actors.js';

describe('orgs: authority orgs, public profiles, members', () => {
  let t: TestApp;
  let admin: string;
  before(async () => {
    t = await createTestApp();
    admin = await adminToken(t.request);
  });
  after(async () => {
    await t?.close();
  });

  const authorityBody = (org: Record<string, unknown>) => ({
    org: { name: 'Bureau', uscc: makeUscc(), district: '330602', ...org },
    user: { email: uniqueEmail('officer'), password: PASSWORD, name: 'Officer' },
  });
  const paths = (res: { body: { error?: { details?: { fields?: { path: string }[] } } } }) =>
    (res.body.error?.details?.fields ?? []).map((f) => f.path);

  describe('POST /admin/orgs', () => {
    it('the admin creates a district regulator whose owner signs in with the regulator role and its scope', async () => {
      const body = authorityBody({
        roles: ['regulator'],
        scope: ['330603', '330604'],
        district: '330603',
        name: '柯桥区生态环境分局',
      });
      const res = await t.request.post('/api/v1/admin/orgs').set(auth(admin)).send(body);
      expect(res.status).to.equal(201);
      expect(res.body.org).to.deep.include({
        name: '柯桥区生态环境分局',
        district: '330603',
        roles: ['regulator'],
        scope: ['330603', '330604'],
      });
      expect(res.body.user).to.include({ email: body.user.email, orgRole: 'owner', isAdmin: false });
      expect(res.body).to.not.have.property('accessToken');

      const session = await login(t.request, body.user.email, PASSWORD);
      const me = await t.request.get('/api/v1/me').set(auth(session.accessToken));
      expect(me.body.roles).to.deep.equal(['regulator']);
      expect(me.body.org.scope).to.deep.equal(['330603', '330604']);

      const audit = await one<{ action: string; details: { scope: unknown } }>(
        t.ctx.db,
        sql`select action, details from audit_log where subject_type = 'org' and subject_id = ${res.body.org.id}`,
      );
      expect(audit).to.deep.include({ action: 'org.create' });
      expect(audit!.details.scope).to.deep.equal(['330603', '330604']);
    });

    it('creates a city-wide regulator and a credit agency (which carries no scope)', async () => {
      const city = await createRegulator(t.request, 'city', admin);
      expect(city.org.scope).to.equal('city');
      const agency = await createCreditAgency(t.request, admin);
      expect(agency.org.roles).to.deep.equal(['credit_agency']);
      expect(agency.org.scope).to.equal(null);
    });

    it('a regulator without a scope is 400 naming org.scope', async () => {
      const res = await t.request
        .post('/api/v1/admin/orgs')
        .set(auth(admin))
        .send(authorityBody({ roles: ['regulator'] }));
      expect(res.status).to.equal(400);
      expect(paths(res)).to.include('org.scope');
    });

    it('a credit agency with a scope is 400 naming org.scope', async () => {
      const res = await t.request
        .post('/api/v1/admin/orgs')
        .set(auth(admin))
        .send(authorityBody({ roles: ['credit_agency'], scope: 'city' }));
      expect(res.status).to.equal(400);
      expect(paths(res)).to.include('org.scope');
    });

    it('a scope with a district outside Shaoxing, an empty list or a repeated district is 400', async () => {
      for (const scope of [['330100'], [], ['330602', '330602'], 'province']) {
        const res = await t.request
          .post('/api/v1/admin/orgs')
          .set(auth(admin))
          .send(authorityBody({ roles: ['regulator'], scope }));
        expect(res.status, JSON.stringify(scope)).to.equal(400);
      }
    });

    it('trading roles and admin are not created here (400): companies self-register', async () => {
      for (const roles of [['generator'], ['admin'], ['regulator', 'recycler']]) {
        const res = await t.request
          .post('/api/v1/admin/orgs')
          .set(auth(admin))
          .send(authorityBody({ roles, scope: 'city' }));
        expect(res.status, roles.join()).to.equal(400);
      }
    });

    it('a taken USCC or email is 409 CONFLICT', async () => {
      const a = await registerOrg(t.request);
      const dupUscc = await t.request
        .post('/api/v1/admin/orgs')
        .set(auth(admin))
        .send(authorityBody({ roles: ['credit_agency'], uscc: a.org.uscc }));
      expect(dupUscc.status).to.equal(409);
      const body = authorityBody({ roles: ['credit_agency'] });
      const dupEmail = await t.request
        .post('/api/v1/admin/orgs')
        .set(auth(admin))
        .send({ ...body, user: { ...body.user, email: a.email } });
      expect(dupEmail.status).to.equal(409);
    });

    it('a non-admin (even a regulator) gets 403 FORBIDDEN_ROLE and nothing is created', async () => {
      const regulator = await createRegulator(t.request, 'city', admin);
      const body = authorityBody({ roles: ['regulator'], scope: 'city' });
      const res = await t.request.post('/api/v1/admin/orgs').set(auth(regulator.token)).send(body);
      expect(res.status).to.equal(403);
      expect(res.body.error.code).to.equal('FORBIDDEN_ROLE');
      expect(await rows(t.ctx.db, sql`select 1 from orgs where uscc = ${body.org.uscc}`)).to.have.length(0);
    });
  });

  describe('GET /orgs/:id', () => {
    it("shows any signed-in user an org's public profile, without its scope or users", async () => {
      const regulator = await createRegulator(t.request, ['330681'], admin);
      const viewer = await registerOrg(t.request, { roles: ['carrier'] });
      const res = await t.request.get(`/api/v1/orgs/${regulator.orgId}`).set(auth(viewer.token));
      expect(res.status).to.equal(200);
      expect(res.body).to.deep.equal({
        id: regulator.orgId,
        name: regulator.org.name,
        uscc: regulator.org.uscc,
        district: '330681',
        roles: ['regulator'],
      });
    });

    it('an unknown id is 404; a malformed id is 400', async () => {
      const viewer = await registerOrg(t.request);
      expect((await t.request.get('/api/v1/orgs/7b0b3a4e-0d4c-4d8e-9a51-8f7f6b1c2d3e').set(auth(viewer.token))).status).to.equal(
        404,
      );
      expect((await t.request.get('/api/v1/orgs/not-an-id').set(auth(viewer.token))).status).to.equal(400);
    });

    it('anonymous callers get 401', async () => {
      const a = await registerOrg(t.request);
      expect((await t.request.get(`/api/v1/orgs/${a.orgId}`)).status).to.equal(401);
    });
  });

  describe('POST /orgs/:id/users', () => {
    it('the owner adds a member who signs in as a member of the same org', async () => {
      const owner = await registerOrg(t.request, { roles: ['recycler'] });
      const email = uniqueEmail('Member').toUpperCase();
      const res = await t.request
        .post(`/api/v1/orgs/${owner.orgId}/users`)
        .set(auth(owner.token))
        .send({ email, password: PASSWORD, name: '张三' });
      expect(res.status).to.equal(201);
      expect(res.body).to.include({
        email: email.toLowerCase(),
        name: '张三',
        orgRole: 'member',
        isAdmin: false,
        orgId: owner.orgId,
      });

      const member = await login(t.request, email, PASSWORD);
      const me = await t.request.get('/api/v1/me').set(auth(member.accessToken));
      expect(me.body.user.orgRole).to.equal('member');
      expect(me.body.org.id).to.equal(owner.orgId);
      expect(me.body.roles).to.deep.equal(['recycler']);
    });

    it('a member cannot add users (403 FORBIDDEN_ROLE)', async () => {
      const owner = await registerOrg(t.request);
      const member = await addMember(t.request, owner);
      const res = await t.request
        .post(`/api/v1/orgs/${owner.orgId}/users`)
        .set(auth(member.token))
        .send({ email: uniqueEmail(), password: PASSWORD, name: 'x' });
      expect(res.status).to.equal(403);
      expect(res.body.error.code).to.equal('FORBIDDEN_ROLE');
    });

    it("another org's owner cannot add users to this org, and no user is created", async () => {
      const a = await registerOrg(t.request);
      const b = await registerOrg(t.request);
      const email = uniqueEmail('intruder');
      const res = await t.request
        .post(`/api/v1/orgs/${a.orgId}/users`)
        .set(auth(b.token))
        .send({ email, password: PASSWORD, name: 'x' });
      expect(res.status).to.be.oneOf([403, 404]);
      expect(await rows(t.ctx.db, sql`select 1 from users where email = ${email}`)).to.have.length(0);
    });

    it('an unknown org is 404; a taken email is 409; extra fields such as orgRole are 400', async () => {
      const owner = await registerOrg(t.request);
      const unknown = await t.request
        .post('/api/v1/orgs/7b0b3a4e-0d4c-4d8e-9a51-8f7f6b1c2d3e/users')
        .set(auth(owner.token))
        .send({ email: uniqueEmail(), password: PASSWORD, name: 'x' });
      expect(unknown.status).to.equal(404);
      const taken = await t.request
        .post(`/api/v1/orgs/${owner.orgId}/users`)
        .set(auth(owner.token))
        .send({ email: owner.email, password: PASSWORD, name: 'x' });
      expect(taken.status).to.equal(409);
      const elevated = await t.request
        .post(`/api/v1/orgs/${owner.orgId}/users`)
        .set(auth(owner.token))
        .send({ email: uniqueEmail(), password: PASSWORD, name: 'x', orgRole: 'owner', isAdmin: true });
      expect(elevated.status).to.equal(400);
      expect(JSON.stringify(elevated.body.error.details.fields)).to.contain('isAdmin');
    });
  });

  describe('functions other modules use', () => {
    it('getOrgRow returns the row, or null for an unknown id', async () => {
      const a = await registerOrg(t.request, { district: '330683' });
      const row = await getOrgRow(t.ctx.db, a.orgId);
      expect(row).to.include({ id: a.orgId, district: '330683', uscc: a.org.uscc });
      expect(await getOrgRow(t.ctx.db, '7b0b3a4e-0d4c-4d8e-9a51-8f7f6b1c2d3e')).to.equal(null);
    });
  });
});
