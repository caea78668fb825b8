/**
 * Issue 10 item 1: no shared secret by default, and no token outlives what the server issues.
 *
 * The embedded exchange is started through its real entry point (server/src/main.ts, as `npm start`
 * does) on a fresh data directory with no JWT_SECRET: a token signed with the constant the server
 * used to ship is refused, the key it generated sits in DATA_DIR with mode 0600, and a restart
 * keeps it (a token issued before the restart still works). In process: a token signed with the
 * right key but living 3650 days, or "issued" in the future, is refused at verify time.
 */
import { expect } from 'chai';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import jwt from 'jsonwebtoken';
import supertest from 'supertest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { auth, registerOrg } from '../helpers/actors.js';
import { killProcess, startEmbeddedServer } from '../helpers/embedded.js';

/** The constant server/src/config.ts signed with when JWT_SECRET was unset (up to 7621028). */
const OLD_CONSTANT = 'zwx-development-secret-not-for-production-use';
const PINNED = { algorithm: 'HS256' as const, issuer: 'zero-waste-exchange', audience: 'zwx-api' };
const EMBEDDED_ADMIN = { email: 'admin@embedded.test', password: 'embedded-admin-password' };

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** A token with every claim right (subject, roles, token version) except the key. */
function forge(secret: string, sub: string, extra: Record<string, unknown> = {}, expiresIn = 600): string {
  return jwt.sign({ org: null, roles: ['admin'], orole: 'owner', scope: null, tv: 0, ...extra }, secret, {
    ...PINNED,
    subject: sub,
    expiresIn,
  });
}

describe('security: the access-token key of an embedded exchange (issue 10 item 1)', function () {
  // The first start may build the web client once (main.ts does when client/dist is missing).
  this.timeout(400_000);
  let dataDir: string;
  let port: number;
  let child: ChildProcess | null = null;

  function start(): Promise<ChildProcess> {
    // No JWT_SECRET: the embedded server must make its own key.
    const env = { ADMIN_EMAIL: EMBEDDED_ADMIN.email, ADMIN_PASSWORD: EMBEDDED_ADMIN.password, JWT_SECRET: undefined };
    return startEmbeddedServer({ port, dataDir, env, timeoutMs: 300_000 }).then((c) => (child = c));
  }

  const stop = killProcess;

  before(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'zwx-secret-'));
    port = await freePort();
  });
  after(async () => {
    if (child) await stop(child);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('on a fresh data directory, a token signed with the old constant is 401 even with a real admin id; the generated key is in DATA_DIR (0600) and survives a restart', async () => {
    let c = await start();
    const request = supertest(`http://127.0.0.1:${port}`);
    const login = await request.post('/api/v1/auth/login').send(EMBEDDED_ADMIN);
    expect(login.status, JSON.stringify(login.body)).to.equal(200);
    const adminId = login.body.user.id as string;
    const issued = login.body.accessToken as string;

    const forged = forge(OLD_CONSTANT, adminId);
    const res = await request.get('/api/v1/admin/balances').set(auth(forged));
    expect(res.status).to.equal(401);
    expect(res.body.error.code).to.equal('UNAUTHENTICATED');
    expect((await request.get('/api/v1/admin/balances').set(auth(issued))).status, 'the issued token works').to.equal(200);

    const file = path.join(dataDir, 'jwt-secret');
    const key = readFileSync(file, 'utf8').trim();
    expect(statSync(file).mode & 0o777, 'file mode').to.equal(0o600);
    expect(key.length).to.be.at.least(43);
    expect(key).to.not.equal(OLD_CONSTANT);
    // The key on disk is the one the server signs with.
    expect((await request.get('/api/v1/me').set(auth(forge(key, adminId, { roles: ['admin'] })))).status).to.equal(200);

    await stop(c);
    c = await start();
    expect(readFileSync(file, 'utf8').trim(), 'the same key after a restart').to.equal(key);
    const me = await request.get('/api/v1/me').set(auth(issued));
    expect(me.status, 'a token from before the restart').to.equal(200);
    expect((await request.get('/api/v1/admin/balances').set(auth(forged))).status).to.equal(401);
    await stop(c);
  });
});

describe('security: access tokens live no longer than the server issues them (issue 10 item 1)', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(async () => {
    await t?.close();
  });

  function claimsOf(session: { user: { id: string }; org: { id: string; roles: string[] } | null }) {
    return { org: session.org?.id ?? null, roles: session.org?.roles ?? [], orole: 'owner', scope: null, tv: 0 };
  }

  it('a token signed with the right key but expiring in 3650 days is 401', async () => {
    const a = await registerOrg(t.request);
    const long = jwt.sign(claimsOf(a), t.ctx.config.JWT_SECRET, { ...PINNED, subject: a.user.id, expiresIn: '3650d' });
    const res = await t.request.get('/api/v1/me').set(auth(long));
    expect(res.status).to.equal(401);
    expect(res.body.error.code).to.equal('UNAUTHENTICATED');
    // The same claims with the issued lifetime pass: only the lifetime is wrong above.
    const normal = jwt.sign(claimsOf(a), t.ctx.config.JWT_SECRET, { ...PINNED, subject: a.user.id, expiresIn: 900 });
    expect((await t.request.get('/api/v1/me').set(auth(normal))).status).to.equal(200);
  });

  it('a token "issued" a year from now with a 15-minute span is 401', async () => {
    const a = await registerOrg(t.request);
    const iat = Math.floor(Date.now() / 1000) + 365 * 24 * 3600;
    const future = jwt.sign({ ...claimsOf(a), iat, exp: iat + 900 }, t.ctx.config.JWT_SECRET, { ...PINNED, subject: a.user.id });
    expect((await t.request.get('/api/v1/me').set(auth(future))).status).to.equal(401);
  });

  it('a token without a token version is 401', async () => {
    const a = await registerOrg(t.request);
    const { tv: _tv, ...noVersion } = claimsOf(a);
    const token = jwt.sign(noVersion, t.ctx.config.JWT_SECRET, { ...PINNED, subject: a.user.id, expiresIn: 900 });
    expect((await t.request.get('/api/v1/me').set(auth(token))).status).to.equal(401);
  });
});
