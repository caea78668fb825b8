/**
 * Malformed requests the fuzz (tests/security/fuzz.test.ts) found answered with 500 or acted upon,
 * pinned down as fixed cases that run in every CI leg (PGlite too): undecodable path segments, bodies
 * that are not JSON, and crafted list cursors whose values PostgreSQL cannot hold.
 */
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { PASSWORD, adminToken, auth, createCreditAgency, createRegulator, registerOrg } from '../helpers/actors.js';
import { slagDeal } from '../helpers/manifests.js';
import { one } from '../../server/src/db/tx.js';
import { allRoutes } from '../../server/src/app.js';
import { POLICY, allows, type Access } from '../../server/src/http/policy.js';
import type { RouteDef } from '../../server/src/http/route.js';
import type { Role } from '../../shared/src/roles.js';
import { clientToken, registerClient } from '../helpers/clients.js';
import { CLIENT_SCOPES } from '../../shared/src/schemas/clients.js';

/** 'client': a machine client with every scope (issue 14), for routes only a client may call. */
type Caller =
  | 'anonymous'
  | 'generator'
  | 'recycler'
  | 'carrier'
  | 'collector'
  | 'regulator'
  | 'credit_agency'
  | 'admin'
  | 'client';
const PARAM_SAMPLES: Record<string, string> = { code: 'SW17-01', reference: 'ZWX0000000100' };

interface Res {
  status: number;
  text: string;
  body: { error?: { code?: string; details?: { fields?: { path: string; message: string }[] } }; requestId?: string };
}

describe('security: malformed requests are 400 in the §7.1 envelope, never a 500 or an action on {}', () => {
  let t: TestApp;
  let routes: RouteDef[];
  const tokens: Partial<Record<Caller, string>> = {};

  before(async () => {
    t = await createTestApp();
    routes = allRoutes(t.ctx);
    const admin = await adminToken(t.request);
    tokens.admin = admin;
    tokens.generator = (await registerOrg(t.request, { roles: ['generator'] })).token;
    tokens.recycler = (await registerOrg(t.request, { roles: ['recycler'] })).token;
    tokens.carrier = (await registerOrg(t.request, { roles: ['carrier'] })).token;
    tokens.collector = (await registerOrg(t.request, { roles: ['collector'] })).token;
    const regulator = await createRegulator(t.request, 'city', admin);
    tokens.regulator = regulator.token;
    tokens.client = await clientToken(t.request, await registerClient(t.request, [...CLIENT_SCOPES], admin, regulator.orgId));
    tokens.credit_agency = (await createCreditAgency(t.request, admin)).token;
  });
  after(async () => {
    await t?.close();
  });

  function callerFor(access: Access): Caller {
    if (access.who === 'client') return 'client';
    const order: Caller[] = ['anonymous', 'generator', 'recycler', 'carrier', 'collector', 'regulator', 'credit_agency', 'admin'];
    return order.find((c) => allows(access, c === 'anonymous' ? null : [c as Role]))!;
  }

  function request(r: RouteDef, path: string) {
    const method = r.key.split(' ')[0]!.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
    const caller = callerFor(POLICY[r.key]);
    const req = t.request[method](`/api/v1${path}`);
    return caller === 'anonymous' ? req : req.set(auth(tokens[caller]!));
  }

  function expectValidation(res: Res, what: string, field: string): void {
    expect(res.status, `${what}: ${res.text}`).to.equal(400);
    expect(res.body.error?.code, what).to.equal('VALIDATION_FAILED');
    expect(res.body.requestId, what).to.be.a('string');
    expect(
      res.body.error?.details?.fields?.map((f) => f.path),
      what,
    ).to.include(field);
  }

  it('a path segment that is not percent-encoded UTF-8 is 400 naming the params, on every route with one', async function () {
    this.timeout(60_000);
    const withParams = routes.filter((r) => r.key.includes('/:'));
    expect(withParams.length).to.be.greaterThan(20);
    for (const r of withParams)
      for (const bad of ['%zz', '%', '%ff', '%ED%A0%80', '%C0%80']) {
        const path = r.key.split(' ')[1]!.replace(/:(\w+)/g, () => bad);
        const res = (await request(r, path).send({})) as unknown as Res;
        expectValidation(res, `${r.key} with ${bad}`, 'params');
      }
  });

  it('a body that is not JSON (text/plain, form, multipart, merge-patch) is 400 naming Content-Type, on every route that takes one', async function () {
    this.timeout(60_000);
    const withBody = routes.filter((r) => r.body);
    expect(withBody.length).to.be.greaterThan(15);
    const kinds: [string, string | undefined, string][] = [
      ['text/plain', 'text/plain', '{}'],
      ['form', 'application/x-www-form-urlencoded', 'a=1'],
      [
        'multipart',
        'multipart/form-data; boundary=XyZ',
        '--XyZ\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--XyZ--\r\n',
      ],
      ['merge-patch', 'application/merge-patch+json', '{}'],
    ];
    for (const r of withBody) {
      const path = r.key.split(' ')[1]!.replace(/:(\w+)/g, (_m, name: string) => PARAM_SAMPLES[name] ?? randomUUID());
      for (const [what, type, body] of kinds) {
        const res = (await request(r, path).set('Content-Type', type!).send(body)) as unknown as Res;
        expectValidation(res, `${r.key} as ${what}`, 'Content-Type');
      }
    }
  });

  it('paying with the right JSON sent as text/plain is refused and the trade stays unpaid', async () => {
    const deal = await slagDeal(t, { fund: false });
    const res = (await t.request
      .post(`/api/v1/trades/${deal.trade.id}/pay`)
      .set(auth(deal.recycler.token))
      .set('Content-Type', 'text/plain')
      .send('{"provider":"simulated"}')) as unknown as Res;
    expectValidation(res, 'text/plain pay', 'Content-Type');
    const row = await one<{ status: string }>(t.ctx.db, sql`select status from trades where id = ${deal.trade.id}`);
    expect(row!.status).to.equal('awaiting_payment');
  });

  it('a malformed sign-in (400) is not a password attempt: it never counts toward the throttle’s lock', async () => {
    const owner = await registerOrg(t.request, { roles: ['carrier'] });
    const login = () => t.request.post('/api/v1/auth/login');
    const malformed: [string, () => Promise<unknown>][] = [
      ['password missing', () => login().send({ email: owner.email })],
      ['password a number', () => login().send({ email: owner.email, password: 12345 })],
      ['password with NUL', () => login().send({ email: owner.email, password: 'x\u0000y' })],
      ['empty password', () => login().send({ email: owner.email, password: '' })],
      ['extra key', () => login().send({ email: owner.email, password: 'guess', isAdmin: true })],
      [
        'text/plain',
        () =>
          login()
            .set('Content-Type', 'text/plain')
            .send(JSON.stringify({ email: owner.email, password: 'guess' })),
      ],
      ['truncated JSON', () => login().set('Content-Type', 'application/json').send(`{"email":"${owner.email}","password":"gue`)],
    ];
    // Twice the free attempts: had any of these counted, the pair would be locked before the real guesses below.
    for (const [what, send] of [...malformed, ...malformed]) {
      const res = (await send()) as unknown as Res;
      expect(res.status, `${what}: ${res.text}`).to.equal(400);
      expect(res.body.error?.code, what).to.equal('VALIDATION_FAILED');
    }
    for (let i = 1; i <= 4; i++) {
      const res = (await login().send({ email: owner.email, password: `wrong-guess-${i}` })) as unknown as Res;
      expect(res.status, `wrong password ${i}: ${res.text}`).to.equal(401);
    }
    const res = (await login().send({ email: owner.email, password: PASSWORD })) as unknown as Res;
    expect(res.status, `right password after 4 wrong ones: ${res.text}`).to.equal(200);
  });

  it('a list cursor holding NUL, year 0, an impossible or out-of-range instant or a non-uuid id is 400, not a database error', async () => {
    const cursor = (v: unknown[]) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const nil = '00000000-0000-0000-0000-000000000000';
    const probes: [string, Caller, string][] = [
      ['/catalog/materials', 'anonymous', cursor(['x\u0000y'])],
      ['/admin/balances', 'admin', cursor(['x\u0000y'])],
      ['/regulator/alerts', 'regulator', cursor(['0000-01-01T00:00:00Z', nil])],
      ['/regulator/alerts', 'regulator', cursor(['+275760-09-13T00:00:00Z', nil])],
      ['/regulator/flows/trades?fromDistrict=330603&toDistrict=330604', 'regulator', cursor(['0000-01-01T00:00:00Z', 1])],
      ['/payments/bank-transfers', 'admin', cursor(['0000-01-01T00:00:00Z', nil])],
      ['/payments/bank-transfers', 'admin', cursor(['2026-01-01T00:00:00Z', 'not-a-uuid'])],
      ['/credit/deliveries', 'credit_agency', cursor(['2026-01-01T00:00:00Z', '-'.repeat(36)])],
      ['/credit/deliveries', 'credit_agency', cursor(['-000001-01-01T00:00:00Z', nil])],
    ];
    for (const [path, caller, c] of probes) {
      const url = `/api/v1${path}${path.includes('?') ? '&' : '?'}cursor=${c}`;
      let req = t.request.get(url);
      if (caller !== 'anonymous') req = req.set(auth(tokens[caller]!));
      const res = (await req) as unknown as Res;
      expectValidation(res, `${path} cursor ${Buffer.from(c, 'base64url').toString()}`, 'cursor');
    }
  });
});
