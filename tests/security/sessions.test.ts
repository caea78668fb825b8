/**
 * Issue 10 item 10: sessions end when they should. Every access token carries its user's token
 * version; logout, a refresh-family revoke (reuse), disable, password change and a one-time reset
 * bump it, so the old access token is 401 on the very next request, not 15 minutes later. A user
 * deleted behind the API's back is refused once the per-process cache entry expires (a few seconds,
 * driven here by a manual clock) and at once when the process had not seen it yet.
 */
import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { io as ioClient } from 'socket.io-client';
import { createTestApp, ManualClock, type TestApp } from '../helpers/app.js';
import { PASSWORD, adminToken, auth, registerOrg, type OrgActor } from '../helpers/actors.js';
import { rows } from '../../server/src/db/tx.js';
import { SUBJECT_CACHE_TTL_MS } from '../../server/src/modules/auth/subjects.js';

const NEW_PASSWORD = 'a-brand-new-passphrase-42';
/** A route any signed-in user may read that does not look the user up itself. */
const PROBE = '/api/v1/trades';

describe('security: sessions end when they should (issue 10 item 10)', () => {
  let t: TestApp;
  let clock: ManualClock;
  let admin: string;
  before(async () => {
    clock = new ManualClock();
    t = await createTestApp({ clock, listen: true });
    admin = await adminToken(t.request);
  });
  after(async () => {
    await t?.close();
  });

  /** Signs in, and checks the access token works (so the subject is in the process's cache). */
  async function activeUser(): Promise<OrgActor> {
    const a = await registerOrg(t.request);
    expect((await t.request.get(PROBE).set(auth(a.token))).status).to.equal(200);
    return a;
  }

  async function expect401(token: string, what: string) {
    const res = await t.request.get(PROBE).set(auth(token));
    expect(res.status, what).to.equal(401);
    expect(res.body.error.code, what).to.equal('UNAUTHENTICATED');
  }

  it('after logout, the access token of that session is 401 at once', async () => {
    const a = await activeUser();
    expect((await t.request.post('/api/v1/auth/logout').send({ refreshToken: a.refreshToken })).status).to.equal(204);
    await expect401(a.token, 'access token after logout');
    expect((await t.request.post('/api/v1/auth/refresh').send({ refreshToken: a.refreshToken })).status).to.equal(401);
  });

  it('after logout, another session of the same user gets a fresh access token by refreshing', async () => {
    const a = await activeUser();
    const other = await t.request.post('/api/v1/auth/login').send({ email: a.email, password: PASSWORD });
    await t.request.post('/api/v1/auth/logout').send({ refreshToken: a.refreshToken });
    await expect401(other.body.accessToken, "the other session's access token");
    const refreshed = await t.request.post('/api/v1/auth/refresh').send({ refreshToken: other.body.refreshToken });
    expect(refreshed.status).to.equal(200);
    expect((await t.request.get(PROBE).set(auth(refreshed.body.accessToken))).status).to.equal(200);
  });

  it('when a rotated refresh token is reused, the family is revoked and its access tokens are 401 at once', async () => {
    const a = await activeUser();
    const rotated = await t.request.post('/api/v1/auth/refresh').send({ refreshToken: a.refreshToken });
    expect(rotated.status).to.equal(200);
    expect((await t.request.get(PROBE).set(auth(rotated.body.accessToken))).status).to.equal(200);
    // The old token again: a copy is in someone else's hands.
    expect((await t.request.post('/api/v1/auth/refresh').send({ refreshToken: a.refreshToken })).status).to.equal(401);
    await expect401(rotated.body.accessToken, 'access token minted by the revoked family');
    expect(
      (await t.request.post('/api/v1/auth/refresh').send({ refreshToken: rotated.body.refreshToken })).status,
      'newest refresh token',
    ).to.equal(401);
  });

  it('a disabled user is 401 at once (access token, refresh and sign-in), and the disable is audited', async () => {
    const a = await activeUser();
    const res = await t.request
      .post(`/api/v1/admin/users/${a.user.id}/disable`)
      .set(auth(admin))
      .send({ reason: 'left the company' });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.user.id).to.equal(a.user.id);
    expect(res.body.disabledAt).to.be.a('string');
    await expect401(a.token, 'access token after disable');
    expect((await t.request.post('/api/v1/auth/refresh').send({ refreshToken: a.refreshToken })).status).to.equal(401);
    expect((await t.request.post('/api/v1/auth/login').send({ email: a.email, password: PASSWORD })).status).to.equal(401);
    const audit = await rows<{ action: string; details: { reason?: string } }>(
      t.ctx.db,
      sql`select action, details from audit_log where subject_type = 'user' and subject_id = ${a.user.id}`,
    );
    expect(audit.map((r) => r.action)).to.deep.equal(['user.disable']);
    expect(audit[0]!.details.reason).to.equal('left the company');
  });

  it('an unknown user id to disable is 404, and an admin cannot disable itself', async () => {
    const unknown = await t.request
      .post('/api/v1/admin/users/7d0c6a3e-0000-4000-8000-000000000001/disable')
      .set(auth(admin))
      .send({});
    expect(unknown.status).to.equal(404);
    const me = await t.request.get('/api/v1/me').set(auth(admin));
    const self = await t.request.post(`/api/v1/admin/users/${me.body.user.id}/disable`).set(auth(admin)).send({});
    expect(self.status).to.equal(409);
    expect(self.body.error.code).to.equal('INVALID_STATE');
  });

  it('a user deleted from the database is 401: at once when not cached, within the cache TTL when cached', async () => {
    const cached = await activeUser();
    const unseen = await registerOrg(t.request);
    for (const u of [cached, unseen]) {
      await t.ctx.db.execute(sql`delete from refresh_tokens where user_id = ${u.user.id}`);
      await t.ctx.db.execute(sql`delete from users where id = ${u.user.id}`);
    }
    await expect401(unseen.token, 'deleted user never seen by this process');
    clock.advance(SUBJECT_CACHE_TTL_MS + 1);
    await expect401(cached.token, 'deleted user after the cache TTL');
  });

  it('the live feed refuses a socket whose access token was ended by logout', async () => {
    const a = await activeUser();
    const handshake = (token: string) =>
      new Promise<string>((resolve) => {
        const c = ioClient(t.server!.url, {
          path: '/socket.io',
          transports: ['websocket'],
          reconnection: false,
          forceNew: true,
          auth: { token },
        });
        c.once('connect', () => (c.disconnect(), resolve('connected')));
        c.once('connect_error', (err) => (c.disconnect(), resolve(err.message)));
      });
    expect(await handshake(a.token)).to.equal('connected');
    await t.request.post('/api/v1/auth/logout').send({ refreshToken: a.refreshToken });
    expect(await handshake(a.token)).to.equal('UNAUTHENTICATED');
  });

  describe('password change (POST /auth/password)', () => {
    it('with the wrong current password: 400 naming currentPassword, and nothing changes', async () => {
      const a = await activeUser();
      const res = await t.request
        .post('/api/v1/auth/password')
        .set(auth(a.token))
        .send({ currentPassword: 'not-the-password', newPassword: NEW_PASSWORD });
      expect(res.status).to.equal(400);
      expect(res.body.error.code).to.equal('VALIDATION_FAILED');
      expect(res.body.error.details.fields.map((f: { path: string }) => f.path)).to.deep.equal(['currentPassword']);
      expect((await t.request.get(PROBE).set(auth(a.token))).status).to.equal(200);
      expect((await t.request.post('/api/v1/auth/login').send({ email: a.email, password: PASSWORD })).status).to.equal(200);
    });

    it('ends every old session (access and refresh tokens) and returns a new one; only the new password signs in', async () => {
      const a = await activeUser();
      const res = await t.request
        .post('/api/v1/auth/password')
        .set(auth(a.token))
        .send({ currentPassword: PASSWORD, newPassword: NEW_PASSWORD });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      await expect401(a.token, 'access token from before the change');
      expect((await t.request.post('/api/v1/auth/refresh').send({ refreshToken: a.refreshToken })).status).to.equal(401);
      expect((await t.request.get(PROBE).set(auth(res.body.accessToken))).status, 'the new session').to.equal(200);
      expect((await t.request.post('/api/v1/auth/refresh').send({ refreshToken: res.body.refreshToken })).status).to.equal(200);
      expect((await t.request.post('/api/v1/auth/login').send({ email: a.email, password: PASSWORD })).status).to.equal(401);
      expect((await t.request.post('/api/v1/auth/login').send({ email: a.email, password: NEW_PASSWORD })).status).to.equal(200);
    });
  });

  describe('admin-issued one-time reset', () => {
    it('works once: sets the password, ends every session; the same token again is 401', async () => {
      const a = await activeUser();
      const issued = await t.request.post(`/api/v1/admin/users/${a.user.id}/reset`).set(auth(admin)).send();
      expect(issued.status, JSON.stringify(issued.body)).to.equal(201);
      const token = issued.body.token as string;
      expect(issued.body.path).to.contain(token);
      // Stored only as its hash.
      const stored = await rows<{ token_hash: string }>(
        t.ctx.db,
        sql`select token_hash from password_resets where user_id = ${a.user.id}`,
      );
      expect(stored).to.have.length(1);
      expect(stored[0]!.token_hash).to.not.equal(token);

      const used = await t.request.post('/api/v1/auth/reset').send({ token, newPassword: NEW_PASSWORD });
      expect(used.status, JSON.stringify(used.body)).to.equal(204);
      await expect401(a.token, 'access token from before the reset');
      expect((await t.request.post('/api/v1/auth/refresh').send({ refreshToken: a.refreshToken })).status).to.equal(401);
      expect((await t.request.post('/api/v1/auth/login').send({ email: a.email, password: NEW_PASSWORD })).status).to.equal(200);

      const again = await t.request.post('/api/v1/auth/reset').send({ token, newPassword: 'yet-another-passphrase-7' });
      expect(again.status).to.equal(401);
      expect(again.body.error.code).to.equal('UNAUTHENTICATED');
      expect((await t.request.post('/api/v1/auth/login').send({ email: a.email, password: NEW_PASSWORD })).status).to.equal(200);
    });

    it('expires after 24 hours, and a newer reset retires the older one', async () => {
      const a = await activeUser();
      const first = (await t.request.post(`/api/v1/admin/users/${a.user.id}/reset`).set(auth(admin)).send()).body.token as string;
      const second = (await t.request.post(`/api/v1/admin/users/${a.user.id}/reset`).set(auth(admin)).send()).body
        .token as string;
      expect(
        (await t.request.post('/api/v1/auth/reset').send({ token: first, newPassword: NEW_PASSWORD })).status,
        'retired',
      ).to.equal(401);
      clock.advance(24 * 3600 * 1000 + 1);
      expect(
        (await t.request.post('/api/v1/auth/reset').send({ token: second, newPassword: NEW_PASSWORD })).status,
        'expired',
      ).to.equal(401);
      expect((await t.request.post('/api/v1/auth/login').send({ email: a.email, password: PASSWORD })).status).to.equal(200);
    });

    it('issuing a reset is audited without the token', async () => {
      const a = await activeUser();
      const token = (await t.request.post(`/api/v1/admin/users/${a.user.id}/reset`).set(auth(admin)).send()).body.token as string;
      const audit = await rows<{ action: string; details: unknown }>(
        t.ctx.db,
        sql`select action, details from audit_log where subject_type = 'user' and subject_id = ${a.user.id}`,
      );
      expect(audit.map((r) => r.action)).to.deep.equal(['user.password_reset_issued']);
      expect(JSON.stringify(audit[0]!.details)).to.not.contain(token);
    });
  });
});
