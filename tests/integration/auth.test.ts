import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { createTestApp, ADMIN, type TestApp } from '../helpers/app.js';
import { rows, one } from '../../server/src/db/tx.js';
import { USCC_MESSAGES } from '../../shared/src/uscc.js';
import { PASSWORD, auth, craftedTokens, makeUscc, registerOrg, registrationBody, uniqueEmail } from '../helpers/actors.js';

const REGISTER = '/api/v1/auth/register';
const LOGIN = '/api/v1/auth/login';
const REFRESH = '/api/v1/auth/refresh';
const LOGOUT = '/api/v1/auth/logout';

function setCookies(res: { headers: Record<string, unknown> }): string[] {
  const v = res.headers['set-cookie'];
  return Array.isArray(v) ? (v as string[]) : typeof v === 'string' ? [v] : [];
}

/** The zwx_rt cookie value set by a response, or undefined. */
function refreshCookie(res: { headers: Record<string, unknown> }): string | undefined {
  const c = setCookies(res).find((s) => s.startsWith('zwx_rt='));
  const value = c?.split(';')[0]!.slice('zwx_rt='.length);
  return value ? decodeURIComponent(value) : undefined;
}

describe('auth: registration, sign-in, refresh rotation, logout', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(async () => {
    await t?.close();
  });

  const count = async (table: 'orgs' | 'users') =>
    Number((await one<{ n: number }>(t.ctx.db, sql`select count(*)::int as n from ${sql.raw(table)}`))!.n);

  describe('register → login → me', () => {
    it('registers an org with its owner, signs in with the same credentials and reads /me', async () => {
      const body = registrationBody({ roles: ['recycler', 'carrier'], district: '330603' });
      const reg = await t.request.post(REGISTER).send(body);
      expect(reg.status).to.equal(201);
      expect(reg.body.accessToken).to.be.a('string');
      expect(reg.body.refreshToken).to.be.a('string');
      expect(reg.body.user).to.include({ email: body.user.email, orgRole: 'owner', isAdmin: false });
      expect(reg.body.org).to.include({ uscc: body.org.uscc, district: '330603', scope: null });
      expect(reg.body.org.roles).to.deep.equal(['recycler', 'carrier']);

      const login = await t.request.post(LOGIN).send({ email: body.user.email, password: PASSWORD });
      expect(login.status).to.equal(200);
      expect(login.body.user.id).to.equal(reg.body.user.id);

      const me = await t.request.get('/api/v1/me').set(auth(login.body.accessToken));
      expect(me.status).to.equal(200);
      expect(me.body.user).to.deep.equal({
        id: reg.body.user.id,
        email: body.user.email,
        name: 'Owner',
        orgRole: 'owner',
        isAdmin: false,
      });
      expect(me.body.org).to.deep.include({ id: reg.body.org.id, name: body.org.name, uscc: body.org.uscc, district: '330603' });
      expect(me.body.roles).to.deep.equal(['recycler', 'carrier']);
      expect(me.body.creditLevel).to.equal('blue');
    });

    it('stores the email lower-case, so sign-in is case-insensitive and the mixed-case twin conflicts', async () => {
      const email = uniqueEmail('MiXeD').replace('@test.local', '@Test.Local');
      const reg = await t.request
        .post(REGISTER)
        .send({ ...registrationBody(), user: { email: `  ${email} `, password: PASSWORD, name: 'Case' } });
      expect(reg.status).to.equal(201);
      expect(reg.body.user.email).to.equal(email.toLowerCase());
      const login = await t.request.post(LOGIN).send({ email: email.toUpperCase(), password: PASSWORD });
      expect(login.status).to.equal(200);
      const twin = await t.request
        .post(REGISTER)
        .send({ ...registrationBody(), user: { email: email.toUpperCase(), password: PASSWORD, name: 'Twin' } });
      expect(twin.status).to.equal(409);
      expect(twin.body.error.code).to.equal('CONFLICT');
    });

    it('keeps only an argon2id hash of the password', async () => {
      const a = await registerOrg(t.request);
      const row = await one<{ password_hash: string }>(t.ctx.db, sql`select password_hash from users where id = ${a.user.id}`);
      expect(row!.password_hash).to.match(/^\$argon2id\$/);
      expect(row!.password_hash).to.not.contain(PASSWORD);
    });

    it('answers a wrong password and an unknown email with the same 401', async () => {
      const a = await registerOrg(t.request);
      const wrong = await t.request.post(LOGIN).send({ email: a.email, password: 'not-the-password' });
      const unknown = await t.request.post(LOGIN).send({ email: uniqueEmail('nobody'), password: 'not-the-password' });
      expect(wrong.status).to.equal(401);
      expect(unknown.status).to.equal(401);
      expect(wrong.body.error.code).to.equal('UNAUTHENTICATED');
      expect(unknown.body.error).to.deep.equal(wrong.body.error);
    });

    it('signs the platform admin in with no org and the admin role', async () => {
      const login = await t.request.post(LOGIN).send(ADMIN);
      expect(login.status).to.equal(200);
      expect(login.body.org).to.equal(null);
      const me = await t.request.get('/api/v1/me').set(auth(login.body.accessToken));
      expect(me.body.user.isAdmin).to.equal(true);
      expect(me.body.roles).to.deep.equal(['admin']);
      expect(me.body.org).to.equal(null);
      expect(me.body.creditLevel).to.equal(null);
    });

    it('creates the boot admin once, however often the app starts', async () => {
      await t.ctx.auth.ensureAdmin(ADMIN.email, 'a-different-password');
      const admins = await rows(t.ctx.db, sql`select id from users where email = ${ADMIN.email}`);
      expect(admins).to.have.length(1);
      expect((await t.request.post(LOGIN).send(ADMIN)).status).to.equal(200);
    });
  });

  describe('access tokens on GET /me', () => {
    it('refuses a request without a token with 401 UNAUTHENTICATED', async () => {
      const res = await t.request.get('/api/v1/me');
      expect(res.status).to.equal(401);
      expect(res.body.error.code).to.equal('UNAUTHENTICATED');
    });

    it('refuses expired, foreign-signed, unsigned (alg none), HS512, wrong-issuer and wrong-audience tokens with 401', async () => {
      const a = await registerOrg(t.request);
      const tokens = craftedTokens(t.ctx.config.JWT_SECRET, a);
      for (const [kind, token] of Object.entries(tokens)) {
        const res = await t.request.get('/api/v1/me').set(auth(token));
        expect(res.status, kind).to.equal(401);
        expect(res.body.error.code, kind).to.equal('UNAUTHENTICATED');
      }
      expect((await t.request.get('/api/v1/me').set(auth(a.token))).status).to.equal(200);
    });
  });

  describe('refresh tokens', () => {
    it('are opaque and stored only as their sha256 hash, with a 30-day expiry', async () => {
      const a = await registerOrg(t.request);
      expect(a.refreshToken).to.match(/^[A-Za-z0-9_-]{43}$/);
      const hash = createHash('sha256').update(a.refreshToken).digest('hex');
      const row = await one<{ token_hash: string; created_at: string; expires_at: string }>(
        t.ctx.db,
        sql`select token_hash, created_at, expires_at from refresh_tokens where user_id = ${a.user.id}`,
      );
      expect(row!.token_hash).to.equal(hash);
      const days = (new Date(row!.expires_at).getTime() - new Date(row!.created_at).getTime()) / 86_400_000;
      expect(days).to.be.closeTo(30, 0.01);
      const raw = await rows(t.ctx.db, sql`select 1 from refresh_tokens where token_hash = ${a.refreshToken}`);
      expect(raw).to.have.length(0);
    });

    it('rotate: a refresh returns a new pair and the old refresh token no longer works', async () => {
      const a = await registerOrg(t.request);
      const first = await t.request.post(REFRESH).send({ refreshToken: a.refreshToken });
      expect(first.status).to.equal(200);
      expect(first.body.refreshToken).to.be.a('string').and.not.equal(a.refreshToken);
      expect((await t.request.get('/api/v1/me').set(auth(first.body.accessToken))).status).to.equal(200);
      const again = await t.request.post(REFRESH).send({ refreshToken: a.refreshToken });
      expect(again.status).to.equal(401);
      expect(again.body.error.code).to.equal('UNAUTHENTICATED');
    });

    it('reuse of a rotated token revokes the whole family: the newest token fails too', async () => {
      const a = await registerOrg(t.request);
      const r2 = (await t.request.post(REFRESH).send({ refreshToken: a.refreshToken })).body.refreshToken as string;
      const r3 = (await t.request.post(REFRESH).send({ refreshToken: r2 })).body.refreshToken as string;
      expect(r3).to.be.a('string');

      const replay = await t.request.post(REFRESH).send({ refreshToken: a.refreshToken });
      expect(replay.status).to.equal(401);
      const newest = await t.request.post(REFRESH).send({ refreshToken: r3 });
      expect(newest.status).to.equal(401);

      const family = await rows<{ revoked_at: unknown }>(
        t.ctx.db,
        sql`select revoked_at from refresh_tokens where user_id = ${a.user.id}`,
      );
      expect(family).to.have.length(3);
      expect(family.every((r) => r.revoked_at !== null)).to.equal(true);
    });

    it('reuse revokes only that family: another session of the same user keeps working', async () => {
      const a = await registerOrg(t.request);
      const other = await t.request.post(LOGIN).send({ email: a.email, password: PASSWORD });
      await t.request.post(REFRESH).send({ refreshToken: a.refreshToken });
      expect((await t.request.post(REFRESH).send({ refreshToken: a.refreshToken })).status).to.equal(401);
      expect((await t.request.post(REFRESH).send({ refreshToken: other.body.refreshToken })).status).to.equal(200);
    });

    it('concurrent refreshes of one token: exactly one succeeds', async () => {
      const a = await registerOrg(t.request);
      const results = await Promise.all(
        Array.from({ length: 6 }, () => t.request.post(REFRESH).send({ refreshToken: a.refreshToken })),
      );
      const statuses = results.map((r) => r.status).sort();
      expect(
        statuses.filter((s) => s === 200),
        JSON.stringify(statuses),
      ).to.have.length(1);
      expect(statuses.filter((s) => s === 401)).to.have.length(5);
      const issued = await rows(t.ctx.db, sql`select 1 from refresh_tokens where user_id = ${a.user.id}`);
      expect(issued).to.have.length(2);
    });

    it('an expired refresh token is refused', async () => {
      const a = await registerOrg(t.request);
      await t.ctx.db.execute(
        sql`update refresh_tokens set expires_at = now() - interval '1 second' where user_id = ${a.user.id}`,
      );
      expect((await t.request.post(REFRESH).send({ refreshToken: a.refreshToken })).status).to.equal(401);
    });

    it('an unknown refresh token is 401; a missing one is 400 naming refreshToken', async () => {
      expect((await t.request.post(REFRESH).send({ refreshToken: 'x'.repeat(43) })).status).to.equal(401);
      const missing = await t.request.post(REFRESH).send({});
      expect(missing.status).to.equal(400);
      expect(missing.body.error.details.fields.map((f: { path: string }) => f.path)).to.include('refreshToken');
    });

    it('picks up role changes at refresh (the access token is rebuilt from the database)', async () => {
      const a = await registerOrg(t.request, { roles: ['generator'] });
      await t.ctx.db.execute(sql`update orgs set roles = array['generator','carrier'] where id = ${a.orgId}`);
      const refreshed = await t.request.post(REFRESH).send({ refreshToken: a.refreshToken });
      const me = await t.request.get('/api/v1/me').set(auth(refreshed.body.accessToken));
      expect(me.body.roles).to.deep.equal(['generator', 'carrier']);
    });
  });

  describe('logout', () => {
    it('revokes the session: its refresh token no longer works', async () => {
      const a = await registerOrg(t.request);
      const r2 = (await t.request.post(REFRESH).send({ refreshToken: a.refreshToken })).body.refreshToken as string;
      const out = await t.request.post(LOGOUT).send({ refreshToken: r2 });
      expect(out.status).to.equal(204);
      expect((await t.request.post(REFRESH).send({ refreshToken: r2 })).status).to.equal(401);
    });

    it('is quiet about unknown tokens (204)', async () => {
      expect((await t.request.post(LOGOUT).send({ refreshToken: 'unknown-token' })).status).to.equal(204);
    });
  });

  describe('web client cookie (X-Client: web)', () => {
    it('sets an httpOnly, Secure, SameSite=Strict cookie on the auth path and leaves the token out of the body', async () => {
      const res = await t.request.post(REGISTER).set('X-Client', 'web').send(registrationBody());
      expect(res.status).to.equal(201);
      expect(res.body).to.not.have.property('refreshToken');
      expect(res.body.accessToken).to.be.a('string');
      const cookie = setCookies(res).find((c) => c.startsWith('zwx_rt='));
      expect(cookie, 'Set-Cookie zwx_rt').to.be.a('string');
      expect(cookie).to.match(/;\s*HttpOnly/i);
      expect(cookie).to.match(/;\s*Secure/i);
      expect(cookie).to.match(/;\s*SameSite=Strict/i);
      expect(cookie).to.match(/;\s*Path=\/api\/v1\/auth/i);
    });

    it('refreshes with the cookie alone, rotating the cookie, and refuses the old cookie afterwards', async () => {
      const body = registrationBody();
      const reg = await t.request.post(REGISTER).set('X-Client', 'web').send(body);
      const c1 = refreshCookie(reg)!;
      const r1 = await t.request
        .post(REFRESH)
        .set('X-Client', 'web')
        .set('Cookie', `other=1; zwx_rt=${encodeURIComponent(c1)}`)
        .send({});
      expect(r1.status).to.equal(200);
      expect(r1.body).to.not.have.property('refreshToken');
      const c2 = refreshCookie(r1)!;
      expect(c2).to.be.a('string').and.not.equal(c1);
      const me = await t.request.get('/api/v1/me').set(auth(r1.body.accessToken));
      expect(me.body.user.email).to.equal(body.user.email);

      const stale = await t.request
        .post(REFRESH)
        .set('X-Client', 'web')
        .set('Cookie', `zwx_rt=${encodeURIComponent(c1)}`)
        .send();
      expect(stale.status).to.equal(401);
    });

    it('logs out with the cookie and clears it', async () => {
      const login = await t.request.post(REGISTER).set('X-Client', 'web').send(registrationBody());
      const c = refreshCookie(login)!;
      const out = await t.request
        .post(LOGOUT)
        .set('X-Client', 'web')
        .set('Cookie', `zwx_rt=${encodeURIComponent(c)}`)
        .send();
      expect(out.status).to.equal(204);
      expect(setCookies(out).some((s) => s.startsWith('zwx_rt=;') && /Expires=Thu, 01 Jan 1970/i.test(s))).to.equal(true);
      expect(
        (
          await t.request
            .post(REFRESH)
            .set('Cookie', `zwx_rt=${encodeURIComponent(c)}`)
            .send()
        ).status,
      ).to.equal(401);
    });

    it('API clients (no X-Client) get the refresh token in the body and no cookie', async () => {
      const res = await t.request.post(REGISTER).send(registrationBody());
      expect(res.body.refreshToken).to.be.a('string');
      expect(refreshCookie(res)).to.equal(undefined);
    });
  });

  describe('registration rules', () => {
    const fieldsOf = (res: { body: { error: { details?: { fields?: { path: string; message: string }[] } } } }) =>
      res.body.error.details?.fields ?? [];

    it('a USCC with a wrong check character is 400 naming org.uscc with the reason', async () => {
      const good = makeUscc();
      const bad = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
      const res = await t.request.post(REGISTER).send(registrationBody({ uscc: bad }));
      expect(res.status).to.equal(400);
      expect(res.body.error.code).to.equal('VALIDATION_FAILED');
      expect(fieldsOf(res)).to.deep.include({ path: 'org.uscc', message: USCC_MESSAGES.check });
    });

    it('a USCC with a letter outside the charset or the wrong length is 400 naming org.uscc', async () => {
      const charset = await t.request.post(REGISTER).send(registrationBody({ uscc: '91350100M000100YO3' }));
      expect(fieldsOf(charset)).to.deep.include({ path: 'org.uscc', message: USCC_MESSAGES.charset });
      const length = await t.request.post(REGISTER).send(registrationBody({ uscc: '91350100M000100Y4' }));
      expect(fieldsOf(length)).to.deep.include({ path: 'org.uscc', message: USCC_MESSAGES.length });
    });

    it('a district outside Shaoxing is 400 naming org.district', async () => {
      const body = registrationBody();
      const res = await t.request.post(REGISTER).send({ ...body, org: { ...body.org, district: '330100' } });
      expect(res.status).to.equal(400);
      expect(fieldsOf(res).map((f) => f.path)).to.include('org.district');
    });

    it('a password under 10 characters is 400 naming user.password', async () => {
      const body = registrationBody();
      const res = await t.request.post(REGISTER).send({ ...body, user: { ...body.user, password: 'short' } });
      expect(res.status).to.equal(400);
      expect(fieldsOf(res).map((f) => f.path)).to.include('user.password');
    });

    it('an unknown role name is 400; an empty role list is 400', async () => {
      expect((await t.request.post(REGISTER).send(registrationBody({ roles: ['trader' as never] }))).status).to.equal(400);
      expect((await t.request.post(REGISTER).send(registrationBody({ roles: [] }))).status).to.equal(400);
    });

    for (const role of ['regulator', 'credit_agency', 'admin'] as const) {
      it(`self-registering with the ${role} role is 403 FORBIDDEN_ROLE and creates nothing`, async () => {
        const before = [await count('orgs'), await count('users')];
        const res = await t.request.post(REGISTER).send(registrationBody({ roles: ['generator', role] }));
        expect(res.status).to.equal(403);
        expect(res.body.error.code).to.equal('FORBIDDEN_ROLE');
        expect([await count('orgs'), await count('users')]).to.deep.equal(before);
      });
    }

    it('a USCC that is already registered is 409 CONFLICT', async () => {
      const a = await registerOrg(t.request);
      const res = await t.request.post(REGISTER).send(registrationBody({ uscc: a.org.uscc }));
      expect(res.status).to.equal(409);
      expect(res.body.error.code).to.equal('CONFLICT');
    });

    it('an email that is already registered is 409 CONFLICT and leaves no half-made org', async () => {
      const a = await registerOrg(t.request);
      const body = registrationBody({ email: a.email });
      const res = await t.request.post(REGISTER).send(body);
      expect(res.status).to.equal(409);
      expect(await rows(t.ctx.db, sql`select 1 from orgs where uscc = ${body.org.uscc}`)).to.have.length(0);
    });

    it('two simultaneous registrations of one USCC: one 201, one 409', async () => {
      const uscc = makeUscc();
      const [x, y] = await Promise.all([
        t.request.post(REGISTER).send(registrationBody({ uscc })),
        t.request.post(REGISTER).send(registrationBody({ uscc })),
      ]);
      expect([x.status, y.status].sort()).to.deep.equal([201, 409]);
    });

    it('an unknown field is 400 naming it', async () => {
      const body = registrationBody();
      const res = await t.request.post(REGISTER).send({ ...body, org: { ...body.org, website: 'https://x.cn' } });
      expect(res.status).to.equal(400);
      expect(fieldsOf(res).some((f) => f.path.includes('website') || f.message.includes('website'))).to.equal(true);
      const top = await t.request.post(REGISTER).send({ ...body, isAdmin: true });
      expect(top.status).to.equal(400);
      expect(JSON.stringify(fieldsOf(top))).to.contain('isAdmin');
    });

    for (const key of ['__proto__', 'constructor']) {
      it(`a "${key}" key anywhere in the body is 400 and creates nothing`, async () => {
        const body = registrationBody();
        const before = await count('orgs');
        const top = `{"${key}":{"isAdmin":true},${JSON.stringify(body).slice(1)}`;
        const nested = JSON.stringify(body).replace('"org":{', `"org":{"${key}":{"roles":["admin"]},`);
        for (const raw of [top, nested]) {
          const res = await t.request.post(REGISTER).set('Content-Type', 'application/json').send(raw);
          expect(res.status, raw).to.equal(400);
          expect(JSON.stringify(fieldsOf(res))).to.contain(key);
        }
        expect(await count('orgs')).to.equal(before);
      });
    }
  });
});
