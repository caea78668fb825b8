/**
 * Security matrices generated from the route table (RELIABILITY A1, A2, A3, A6, A7). Every route in
 * allRoutes(ctx) is covered as soon as it is mounted: the role × route matrix comes from POLICY,
 * the tenant × object matrix from the routes with an :id and an object rule, the mass-assignment
 * check from every route with a body.
 *
 * A1 needs a real object of tenant A per route: add a fixture to TENANT_FIXTURES when you add a
 * route with `:id` and rule party / org-owner / self / bidder-or-owner. Without one, the route
 * still gets the random-id check, and the fixture check is skipped with a reason (failed in CI).
 */
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import type { Express } from 'express';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { skipOrFail } from '../helpers/services.js';
import { rows, one } from '../../server/src/db/tx.js';
import { raiseAlert } from '../../server/src/modules/alerts/service.js';
import { inTransaction } from '../../server/src/db/tx.js';
import { recordCreditEvent } from '../../server/src/modules/credit/events.js';
import { allRoutes } from '../../server/src/app.js';
import { OUTSIDE_ROUTE_TABLE, POLICY, allows, allowsClient, type Access, type RouteKey } from '../../server/src/http/policy.js';
import type { RouteDef } from '../../server/src/http/route.js';
import type { Role } from '../../shared/src/roles.js';
import {
  PASSWORD,
  adminToken,
  auth,
  createCreditAgency,
  createRegulator,
  licenceBody,
  registerOrg,
  registrationBody,
  submitLicence,
  uniqueEmail,
  addMember,
  approvedLicence,
  type OrgActor,
} from '../helpers/actors.js';
import { clientToken, registerClient } from '../helpers/clients.js';
import { CLIENT_SCOPES } from '../../shared/src/schemas/clients.js';

/**
 * 'client': a machine client with every scope (issue 14); 'client_unscoped': one whose only scope
 * (feeds:read:credit) is checked by the feed service, so the route layer sees it holding no route's
 * scope. Neither is in CALLERS, which are the users and nobody.
 */
type Caller =
  | 'anonymous'
  | 'generator'
  | 'recycler'
  | 'carrier'
  | 'collector'
  | 'regulator'
  | 'credit_agency'
  | 'admin'
  | 'client'
  | 'client_unscoped';
/** The one scope of 'client_unscoped': no policy entry names it (the feed service checks it per topic). */
const UNSCOPED_CLIENT_SCOPE = 'feeds:read:credit';
const CALLERS: Caller[] = ['anonymous', 'generator', 'recycler', 'carrier', 'collector', 'regulator', 'credit_agency', 'admin'];

/** Sample values for path parameters other than ids. */
const PARAM_SAMPLES: Record<string, string> = { code: 'SW07', topic: 'credit', market: 'SW07', number: 'ZJ-0001' };

function fillPath(path: string, id: () => string = randomUUID): string {
  return path.replace(/:(\w+)/g, (_m, name: string) => encodeURIComponent(PARAM_SAMPLES[name] ?? id()));
}

function methodOf(key: string): 'get' | 'post' | 'put' | 'patch' | 'delete' {
  return key.split(' ')[0]!.toLowerCase() as 'get';
}

interface Res {
  status: number;
  text: string;
  body: { error?: { code?: string; message?: string } } & Record<string, unknown>;
}

/** Anything that shows the server's insides: stack frames, file paths, SQL, driver messages. */
const LEAK =
  /"stack"|\n\s+at |\bat [\w.<>$]+ \(|node_modules|\/work\/|[\w-]+\.(ts|js|mjs|cjs):\d+|\bselect\b[^"]*\bfrom\b|insert into|update \w+ set|delete from|duplicate key|violates|syntax error at|relation "|column "|drizzle|PGlite|postgres(ql)? error/i;

function expectNoLeak(res: Res, what: string): void {
  expect(res.text ?? '', `${what}: response leaks internals`).to.not.match(LEAK);
}

describe('security: matrices generated from the route table', () => {
  let t: TestApp;
  let routes: RouteDef[];
  const tokens: Partial<Record<Caller, string>> = {};
  /** Every response the matrices saw, for the leak check (A7). */
  const seen: { what: string; res: Res }[] = [];

  before(async function () {
    this.timeout(120_000);
    t = await createTestApp();
    routes = [...allRoutes(t.ctx)].sort((a, b) => a.key.localeCompare(b.key));
    const admin = await adminToken(t.request);
    tokens.admin = admin;
    tokens.generator = (await registerOrg(t.request, { roles: ['generator'] })).token;
    tokens.recycler = (await registerOrg(t.request, { roles: ['recycler'] })).token;
    tokens.carrier = (await registerOrg(t.request, { roles: ['carrier'] })).token;
    tokens.collector = (await registerOrg(t.request, { roles: ['collector'] })).token;
    const regulator = await createRegulator(t.request, 'city', admin);
    tokens.regulator = regulator.token;
    tokens.credit_agency = (await createCreditAgency(t.request, admin)).token;
    tokens.client = await clientToken(t.request, await registerClient(t.request, [...CLIENT_SCOPES], admin, regulator.orgId));
    tokens.client_unscoped = await clientToken(t.request, await registerClient(t.request, [UNSCOPED_CLIENT_SCOPE], admin));
  });
  after(async () => {
    await t?.close();
  });

  function call(key: string, path: string, caller: Caller, body?: unknown, contentType?: string) {
    let req = t.request[methodOf(key)](`/api/v1${path}`);
    if (caller !== 'anonymous') req = req.set(auth(tokens[caller]!));
    if (contentType) req = req.set('Content-Type', contentType);
    return (methodOf(key) === 'get' || methodOf(key) === 'delete' ? req : req.send(body as object)) as unknown as Promise<Res>;
  }

  /** A caller the policy lets through, preferring trading roles (they have an org). */
  function allowedCaller(access: Access): Caller {
    if (access.who === 'client') return 'client';
    const preference: Caller[] = [
      'anonymous',
      'generator',
      'recycler',
      'carrier',
      'collector',
      'regulator',
      'credit_agency',
      'admin',
    ];
    return preference.find((c) => allows(access, c === 'anonymous' ? null : [c as Role]))!;
  }

  describe('the route table and the policy agree', () => {
    it('every route in allRoutes has a POLICY entry', () => {
      const missing = routes.map((r) => r.key).filter((k) => !(k in POLICY));
      expect(missing).to.deep.equal([]);
    });

    it('every route mounted under /api/v1 comes from allRoutes and has a POLICY entry', () => {
      const mounted = mountedApiRoutes(t.app);
      expect(mounted.length, 'found the mounted routes').to.be.greaterThan(0);
      const table = new Set(routes.map((r) => r.key));
      // Declared exceptions (policy.ts OUTSIDE_ROUTE_TABLE, each with its reason) must be mounted; nothing else may bypass the table.
      const outside = new Set<string>(Object.keys(OUTSIDE_ROUTE_TABLE));
      for (const k of outside) expect(mounted, `declared outside the table: ${k}`).to.include(k);
      const governed = mounted.filter((k) => !outside.has(k));
      expect(
        governed.filter((k) => !(k in POLICY)),
        'mounted without a policy',
      ).to.deep.equal([]);
      expect(
        governed.filter((k) => !table.has(k as RouteKey)),
        'mounted outside the route table',
      ).to.deep.equal([]);
      for (const r of routes) expect(mounted, r.key).to.include(r.key);
    });

    it('POLICY keys not mounted yet answer 404 (no route serves them around the table)', async () => {
      const table = new Set<string>(routes.map((r) => r.key));
      const pending = (Object.keys(POLICY) as RouteKey[]).filter((k) => !table.has(k));
      for (const key of pending) {
        const res = await call(key, fillPath(key.split(' ')[1]!), 'admin', {});
        expect(res.status, key).to.equal(404);
      }
    });
  });

  describe('A2: role × route, exactly as POLICY declares', () => {
    it('covers every route in the table', () => {
      expect(routes.length).to.be.greaterThan(10);
    });

    // Generated per route at run time, so a route added to allRoutes is covered without editing this file.
    it('each caller is refused (401/403 FORBIDDEN_ROLE) exactly when POLICY does not allow it', async function () {
      this.timeout(120_000);
      const problems: string[] = [];
      for (const r of routes) {
        const access: Access = POLICY[r.key];
        const path = fillPath(r.key.split(' ')[1]!);
        for (const caller of CALLERS) {
          const allowed = allows(access, caller === 'anonymous' ? null : [caller as Role]);
          const res = await call(r.key, path, caller, {});
          seen.push({ what: `${r.key} as ${caller}`, res });
          const code = res.body?.error?.code;
          const refused = res.status === 401 || (res.status === 403 && code === 'FORBIDDEN_ROLE');
          if (res.status >= 500) problems.push(`${r.key} as ${caller}: ${res.status} ${res.text.slice(0, 200)}`);
          else if (allowed && refused) problems.push(`${r.key} as ${caller}: policy allows, got ${res.status} ${code}`);
          else if (!allowed && caller === 'anonymous' && !(res.status === 401 && code === 'UNAUTHENTICATED'))
            problems.push(`${r.key} as anonymous: policy refuses, expected 401 UNAUTHENTICATED, got ${res.status} ${code}`);
          else if (!allowed && caller !== 'anonymous' && !(res.status === 403 && code === 'FORBIDDEN_ROLE'))
            problems.push(`${r.key} as ${caller}: policy refuses, expected 403 FORBIDDEN_ROLE, got ${res.status} ${code}`);
        }
      }
      expect(problems, problems.join('\n')).to.deep.equal([]);
    });

    it('a machine client token is refused on every user route (403 FORBIDDEN_ROLE) and admitted on client routes', async () => {
      const problems: string[] = [];
      for (const r of routes) {
        const access: Access = POLICY[r.key];
        if (access.who === 'public') continue;
        const res = await call(r.key, fillPath(r.key.split(' ')[1]!), 'client', {});
        seen.push({ what: `${r.key} as client`, res });
        const code = res.body?.error?.code;
        const refused =
          res.status === 401 || (res.status === 403 && (code === 'FORBIDDEN_ROLE' || code === 'INSUFFICIENT_SCOPE'));
        // This client holds every scope: POLICY admits it on client routes and on user routes with a clientScope.
        const allowed = allowsClient(access, CLIENT_SCOPES);
        if (res.status >= 500) problems.push(`${r.key} as client: ${res.status}`);
        else if (allowed && refused) problems.push(`${r.key} as client: policy allows, refused ${res.status} ${code}`);
        else if (!allowed && !(res.status === 403 && code === 'FORBIDDEN_ROLE'))
          problems.push(`${r.key} as client: expected 403 FORBIDDEN_ROLE, got ${res.status} ${code}`);
      }
      expect(problems, problems.join('\n')).to.deep.equal([]);
    });

    it('a machine client without the scope a route names is 403 INSUFFICIENT_SCOPE (client routes and clientScope routes)', async () => {
      const problems: string[] = [];
      const scoped = routes.filter((r) => {
        const access: Access = POLICY[r.key];
        return (access.who === 'client' && access.scope) || access.clientScope;
      });
      // The manifest export (issue 14 item 4) is the first user route open to a client; keep it covered.
      expect(scoped.map((r) => r.key)).to.include.members(['GET /manifests/export', 'GET /manifests/:id/export']);
      for (const r of scoped) {
        const access: Access = POLICY[r.key];
        expect(allowsClient(access, [UNSCOPED_CLIENT_SCOPE]), r.key).to.equal(false);
        const res = await call(r.key, fillPath(r.key.split(' ')[1]!), 'client_unscoped', {});
        seen.push({ what: `${r.key} as a client without its scope`, res });
        const code = res.body?.error?.code;
        const scope = (res.body?.error as { details?: { scope?: string } } | undefined)?.details?.scope;
        if (!(res.status === 403 && code === 'INSUFFICIENT_SCOPE' && scope === (access.scope ?? access.clientScope)))
          problems.push(`${r.key} without its scope: expected 403 INSUFFICIENT_SCOPE, got ${res.status} ${code} ${scope}`);
      }
      expect(problems, problems.join('\n')).to.deep.equal([]);
    });

    it('a malformed id on any :id route is a client error (400/404), never a 500', async function () {
      this.timeout(60_000);
      const problems: string[] = [];
      for (const r of routes.filter((x) => x.key.includes(':id'))) {
        const caller = allowedCaller(POLICY[r.key]);
        for (const bad of ['not-a-uuid', "1' OR '1'='1", '00000000-0000-0000-0000-00000000000g']) {
          const res = await call(
            r.key,
            fillPath(r.key.split(' ')[1]!, () => bad),
            caller,
            {},
          );
          seen.push({ what: `${r.key} with id ${bad}`, res });
          if (![400, 404].includes(res.status)) problems.push(`${r.key} id=${bad}: ${res.status} ${res.text.slice(0, 200)}`);
        }
      }
      expect(problems, problems.join('\n')).to.deep.equal([]);
    });
  });

  describe('A1: tenant B never reaches tenant A’s objects', () => {
    const OBJECT_RULES = ['party', 'org-owner', 'self', 'bidder-or-owner'];

    interface TenantCase {
      /** The id of A's object to put in the path, a valid body for the route, and A's strings that must not reach B. */
      id: string;
      /** A second path parameter (:userId), when the route has one. */
      userId?: string;
      /** A market code (:code), when the route has one. */
      code?: string;
      body?: object;
      secrets: string[];
      /** Checks after B's attempt that A's data is unchanged. */
      unchanged?: () => Promise<unknown>;
      /** Scope routes: A and B are two regulators with disjoint scopes (their tokens), not the trading owners. */
      as?: { a: string; b: string };
    }
    /** One per route key; `a` and `b` are owners of two orgs holding every trading role. */
    const TENANT_FIXTURES: Partial<Record<RouteKey, (a: OrgActor, b: OrgActor) => Promise<TenantCase>>> = {
      'POST /orgs/:id/users': async (a) => {
        const email = uniqueEmail('intruder');
        return {
          id: a.orgId,
          body: { email, password: PASSWORD, name: 'Intruder' },
          secrets: [a.email, a.org.uscc],
          unchanged: async () => expect(await rows(t.ctx.db, sql`select 1 from users where email = ${email}`)).to.have.length(0),
        };
      },
      'GET /orgs/:id/users': async (a) => ({ id: a.orgId, secrets: [a.email] }),
      'DELETE /orgs/:id/users/:userId': async (a) => {
        const member = await addMember(t.request, a);
        return {
          id: a.orgId,
          userId: member.user.id,
          secrets: [member.email],
          unchanged: async () =>
            expect(
              await rows(t.ctx.db, sql`select 1 from users where id = ${member.user.id} and disabled_at is null`),
            ).to.have.length(1),
        };
      },
      'POST /orgs/:id/licences': async (a) => {
        const body = licenceBody();
        return {
          id: a.orgId,
          body,
          secrets: [a.email],
          unchanged: async () =>
            expect(await rows(t.ctx.db, sql`select 1 from licences where org_id = ${a.orgId}`)).to.have.length(0),
        };
      },
      'GET /orgs/:id/licences': async (a) => {
        const licence = await submitLicence(t.request, a, { number: `SECRET-${randomUUID().slice(0, 8)}` });
        return { id: a.orgId, secrets: [licence.id, licence.number] };
      },
      'PATCH /listings/:id': async (a) => {
        const listing = await postListing(a);
        return {
          id: listing.id,
          body: { description: 'changed by its owner' },
          secrets: [a.org.uscc],
          unchanged: async () => expect((await listingRow(listing.id)).description).to.equal(STEEL_DESCRIPTION),
        };
      },
      'POST /listings/:id/cancel': async (a) => {
        const listing = await postListing(a);
        return {
          id: listing.id,
          secrets: [a.org.uscc],
          unchanged: async () => expect((await listingRow(listing.id)).status).to.equal('open'),
        };
      },
      'GET /listings/:id/bids': async (a) => {
        const listing = await postListing(a);
        const c = await registerOrg(t.request, { roles: ['recycler'] });
        const bid = await postBid(c, listing.id, 255_000);
        return { id: listing.id, secrets: [bid.id, c.orgId] };
      },
      'POST /bids/:id/withdraw': async (a) => {
        const c = await registerOrg(t.request, { roles: ['generator'] });
        const listing = await postListing(c);
        const bid = await postBid(a, listing.id, 255_000);
        return {
          id: bid.id,
          secrets: [a.orgId],
          unchanged: async () =>
            expect((await one<{ status: string }>(t.ctx.db, sql`select status from bids where id = ${bid.id}`))!.status).to.equal(
              'active',
            ),
        };
      },
      'GET /trades/:id': async (a) => {
        const listing = await postListing(a);
        const c = await registerOrg(t.request, { roles: ['recycler'] });
        const bid = await postBid(c, listing.id, STEEL_PRICE, listing.quantityKg);
        expect(bid.tradeIds, 'a matching bid makes a trade').to.have.length(1);
        return { id: bid.tradeIds[0]!, secrets: [c.orgId, a.orgId, bid.id] };
      },
      // Regulator alerts: an alert in Keqiao; A regulates Keqiao, B regulates Zhuji (rule 'scope').
      'POST /regulator/alerts/:id/resolve': async () => {
        const admin = await adminToken(t.request);
        const ra = await createRegulator(t.request, ['330603'], admin);
        const rb = await createRegulator(t.request, ['330681'], admin);
        const message = `tenant A alert ${randomUUID()}`;
        const id = await inTransaction(t.ctx.db, (tx) =>
          raiseAlert(tx, t.ctx.ids, {
            kind: 'weight_gap',
            district: '330603',
            subjectType: 'manifest',
            subjectId: randomUUID(),
            message,
          }),
        );
        return {
          id: id!,
          body: { note: 'checked the weighbridge tickets' },
          secrets: [message],
          as: { a: ra.token, b: rb.token },
          unchanged: async () =>
            expect((await one<{ status: string }>(t.ctx.db, sql`select status from alerts where id = ${id}`))!.status).to.equal(
              'open',
            ),
        };
      },
      // Issue 18: intakes are decided by their collector (A and B are two collectors here).
      'POST /collection/intakes/:id/accept': async () => {
        const { intakeId, a, b, producer } = await intakeAtCollector();
        return {
          id: intakeId,
          secrets: [producer.orgId],
          as: { a, b },
          unchanged: async () => expect(await intakeStatusOf(intakeId)).to.equal('declared'),
        };
      },
      'POST /collection/intakes/:id/refuse': async () => {
        const { intakeId, a, b, producer } = await intakeAtCollector();
        return {
          id: intakeId,
          body: { reason: '包装破损' },
          secrets: [producer.orgId],
          as: { a, b },
          unchanged: async () => expect(await intakeStatusOf(intakeId)).to.equal('declared'),
        };
      },
      // A's ended fly-ash lot goes to fallback only by A.
      'POST /listings/:id/fallback': async (a) => {
        const disposer = await registerOrg(t.request, { roles: ['recycler'] });
        const designationId = await designate(disposer);
        const listingId = await endedFlyAsh(a);
        return {
          id: listingId,
          body: { designationId, feePerTonneFen: 200_000, acceptTariff: true },
          secrets: [a.orgId],
          unchanged: async () =>
            expect(await rows(t.ctx.db, sql`select 1 from fallback_requests where listing_id = ${listingId}`)).to.have.length(0),
        };
      },
      // A fallback request is answered by its designated disposer (A) only.
      'POST /fallback/requests/:id/accept': async (a) => {
        const { requestId, c } = await fallbackRequestTo(a);
        return {
          id: requestId,
          secrets: [c.orgId],
          unchanged: async () => expect(await fallbackStatusOf(requestId)).to.equal('pending'),
        };
      },
      'POST /fallback/requests/:id/decline': async (a) => {
        const { requestId, c } = await fallbackRequestTo(a);
        return {
          id: requestId,
          body: { reason: '焚烧线检修' },
          secrets: [c.orgId],
          unchanged: async () => expect(await fallbackStatusOf(requestId)).to.equal('pending'),
        };
      },
      // Settlement routes: a trade where A receives scrap steel at a positive price, so A is the payer.
      'POST /trades/:id/pay': async (a) => {
        const { tradeId, c } = await tradeWithPayer(a);
        return {
          id: tradeId,
          secrets: [c.orgId],
          unchanged: async () => expect(await tradeStatusOf(tradeId)).to.equal('awaiting_payment'),
        };
      },
      'GET /trades/:id/payment': async (a) => {
        const { tradeId, c } = await tradeWithPayer(a);
        return { id: tradeId, secrets: [c.orgId, a.orgId] };
      },
      'POST /trades/:id/cancel': async (a) => {
        const { tradeId, c } = await tradeWithPayer(a);
        return {
          id: tradeId,
          body: {},
          secrets: [c.orgId],
          unchanged: async () => expect(await tradeStatusOf(tradeId)).to.equal('awaiting_payment'),
        };
      },
      'GET /trades/:id/ledger': async (a) => {
        const { tradeId, c } = await tradeWithPayer(a);
        const paid = await t.request.post(`/api/v1/trades/${tradeId}/pay`).set(auth(a.token)).send({});
        expect(paid.status, paid.text).to.equal(200);
        return { id: tradeId, secrets: [c.orgId, a.orgId] };
      },
      // Credit: A's score and its history (one stored evaluation); B has not traded with A.
      'GET /credit/orgs/:id': async (a) => ({ id: a.orgId, secrets: [a.orgId, a.org.uscc] }),
      'GET /credit/orgs/:id/history': async (a) => {
        await inTransaction(t.ctx.db, (tx) =>
          recordCreditEvent(tx, {
            orgId: a.orgId,
            kind: 'late_pickup',
            subjectType: 'manifest',
            subjectId: `tenant-${a.orgId}`,
            occurredAt: new Date(),
          }),
        );
        await t.ctx.jobs.drain();
        return { id: a.orgId, secrets: [a.orgId, 'late_pickup'] };
      },
      // Manifests: a funded scrap-steel trade where A is the generator (the shipper) and its own carrier.
      'POST /trades/:id/manifests': async (a) => {
        const { tradeId, c } = await fundedTradeOfShipper(a);
        return {
          id: tradeId,
          body: tripOf(a),
          secrets: [c.orgId, a.org.uscc],
          unchanged: async () =>
            expect(await rows(t.ctx.db, sql`select 1 from manifests where trade_id = ${tradeId}`)).to.have.length(0),
        };
      },
      'POST /trades/:id/close-shipments': async (a) => {
        const { tradeId, c } = await fundedTradeOfShipper(a);
        return {
          id: tradeId,
          body: {},
          secrets: [c.orgId],
          unchanged: async () =>
            expect(await rows(t.ctx.db, sql`select 1 from shipment_closures where trade_id = ${tradeId}`)).to.have.length(0),
        };
      },
      'GET /manifests/:id': async (a) => manifestOfShipper(a),
      'GET /manifests/:id/audit': async (a) => manifestOfShipper(a),
      'GET /manifests/:id/pdf': async (a) => manifestOfShipper(a),
      'POST /manifests/:id/events': async (a) => draftTripStaysDraft(a, { type: 'issue' }),
      // Issue 14: B may neither cancel A's draft trip nor add to its form.
      'POST /manifests/:id/cancel': async (a) => draftTripStaysDraft(a, { reason: 'tenant B tries to cancel' }),
      'POST /manifests/:id/form': async (a) => {
        const m = await manifestOfShipper(a);
        return {
          ...m,
          body: { pickupAddress: 'tenant B writes an address' },
          unchanged: async () =>
            expect(
              (await one<{ n: number }>(t.ctx.db, sql`select event_count as n from manifests where id = ${m.id}`))!.n,
            ).to.equal(1),
        };
      },
      'POST /notifications/:id/read': async (a) => {
        // A sanction notification for A's org, written as the fanout job writes it.
        const key = `policy:${randomUUID()}`;
        await t.ctx.notifications.fanout(
          {
            orgId: a.orgId,
            kind: 'sanction',
            key,
            subjectType: 'org',
            subjectId: a.orgId,
            data: { note: a.org.uscc },
            at: new Date().toISOString(),
          },
          { outboxId: -1 },
        );
        const n = await one<{ id: string }>(
          t.ctx.db,
          sql`select id from notifications where source_key = ${key} and user_id = ${a.user.id}`,
        );
        return {
          id: n!.id,
          body: {},
          secrets: [a.org.uscc],
          unchanged: async () =>
            expect(
              (await one<{ read_at: unknown }>(t.ctx.db, sql`select read_at from notifications where id = ${n!.id}`))!.read_at,
            ).to.equal(null),
        };
      },
      'GET /documents/:id': async (a) => {
        // Evidence a party of A's trip attached to its manifest (any party of a trip may).
        const m = await manifestOfShipper(a);
        const res = await t.request
          .post(`/api/v1/documents?subjectType=manifest&subjectId=${m.id}&kind=evidence&filename=tenant-a-evidence.pdf`)
          .set(auth(a.token))
          .set('Content-Type', 'application/pdf')
          .send(Buffer.from('%PDF-1.4\n% tenant A evidence\n%%EOF\n'));
        expect(res.status, res.text).to.equal(201);
        return { id: res.body.id, secrets: [res.body.sha256, 'tenant-a-evidence.pdf', ...m.secrets] };
      },
      'DELETE /markets/:code/orders/:id': async (a) => {
        const res = await t.request
          .post('/api/v1/markets/SW17-01/orders')
          .set(auth(a.token))
          .send({ side: 'sell', pricePerTonneFen: 263_000, quantityKg: 5_000, district: a.org.district });
        expect(res.status, res.text).to.equal(201);
        return {
          id: res.body.id,
          code: 'SW17-01',
          secrets: [a.orgId],
          unchanged: async () =>
            expect(
              (await one<{ status: string }>(t.ctx.db, sql`select status from market_orders where id = ${res.body.id}`))!.status,
            ).to.equal('open'),
        };
      },
      'DELETE /watches/:id': async (a) => {
        const res = await t.request
          .post('/api/v1/watches')
          .set(auth(a.token))
          .send({ materialCode: 'SW17-01', district: '330602' });
        expect(res.status, res.text).to.equal(201);
        return {
          id: res.body.id,
          secrets: [a.user.id],
          unchanged: async () =>
            expect(await rows(t.ctx.db, sql`select 1 from watches where id = ${res.body.id}`)).to.have.length(1),
        };
      },
      'GET /trades/:id/evidence': async (a) => {
        const { tradeId, c } = await fundedTradeOfShipper(a);
        return { id: tradeId, secrets: [a.org.uscc, c.org.uscc] };
      },
      'POST /trades/:id/evidence': async (a) => {
        const { tradeId } = await fundedTradeOfShipper(a);
        // Evidence is taken while a trade is disputed; a weight dispute takes a whole trip to reach
        // (tests/integration/disputes.test.ts does), so the status is set directly: this matrix checks access only.
        await t.ctx.db.execute(sql`update trades set status = 'disputed' where id = ${tradeId}`);
        return {
          id: tradeId,
          body: { note: 'note from outside the trade' },
          secrets: [a.org.uscc],
          unchanged: async () =>
            expect(await rows(t.ctx.db, sql`select 1 from dispute_notes where trade_id = ${tradeId}`)).to.have.length(0),
        };
      },
    };

    async function tradeWithPayer(a: OrgActor): Promise<{ tradeId: string; c: OrgActor }> {
      const c = await registerOrg(t.request, { roles: ['generator'] });
      const listing = await postListing(c);
      const bid = await postBid(a, listing.id, STEEL_PRICE, listing.quantityKg);
      expect(bid.tradeIds, 'a matching bid makes a trade').to.have.length(1);
      return { tradeId: bid.tradeIds[0]!, c };
    }
    async function fundedTradeOfShipper(a: OrgActor): Promise<{ tradeId: string; c: OrgActor }> {
      const listing = await postListing(a);
      const c = await registerOrg(t.request, { roles: ['recycler'] });
      const bid = await postBid(c, listing.id, STEEL_PRICE, listing.quantityKg);
      const tradeId = bid.tradeIds[0]!;
      const paid = await t.request.post(`/api/v1/trades/${tradeId}/pay`).set(auth(c.token)).send({ provider: 'simulated' });
      expect(paid.status, paid.text).to.equal(200);
      return { tradeId, c };
    }
    function tripOf(a: OrgActor) {
      return { carrierOrgId: a.orgId, vehiclePlate: '浙D12345', driverName: 'tenant A driver', declaredKg: 1_000 };
    }
    async function manifestOfShipper(a: OrgActor): Promise<{ id: string; secrets: string[] }> {
      const { tradeId, c } = await fundedTradeOfShipper(a);
      const res = await t.request.post(`/api/v1/trades/${tradeId}/manifests`).set(auth(a.token)).send(tripOf(a));
      expect(res.status, res.text).to.equal(201);
      return { id: res.body.id, secrets: [res.body.number, a.org.uscc, c.orgId, 'tenant A driver'] };
    }
    /** A's draft trip with the body B sends to it; afterwards the trip must still be a draft. */
    async function draftTripStaysDraft(a: OrgActor, body: Record<string, unknown>) {
      const m = await manifestOfShipper(a);
      return {
        ...m,
        body,
        unchanged: async () =>
          expect(
            (await one<{ status: string }>(t.ctx.db, sql`select status from manifests where id = ${m.id}`))!.status,
          ).to.equal('draft'),
      };
    }
    async function tradeStatusOf(id: string): Promise<string> {
      return (await one<{ status: string }>(t.ctx.db, sql`select status from trades where id = ${id}`))!.status;
    }

    // Trading objects for the fixtures, made through the public API: a fixed-price scrap steel lot
    // (inside its seeded band, non-hazardous, so no licence is needed) and bids on it.
    const STEEL_PRICE = 258_500;
    const STEEL_DESCRIPTION = 'tenant A scrap steel';
    async function postListing(owner: OrgActor): Promise<{ id: string; quantityKg: number }> {
      const day = 86_400_000;
      const res = await t.request
        .post('/api/v1/listings')
        .set(auth(owner.token))
        .send({
          side: 'supply',
          materialCode: 'SW17-01',
          quantityKg: 10_000,
          minLotKg: 1_000,
          pricePerTonneFen: STEEL_PRICE,
          mode: 'fixed',
          pickupFrom: new Date(Date.now() + day).toISOString(),
          pickupTo: new Date(Date.now() + 10 * day).toISOString(),
          district: owner.org.district,
          description: STEEL_DESCRIPTION,
        });
      expect(res.status, res.text).to.equal(201);
      return res.body;
    }
    async function postBid(
      bidder: OrgActor,
      listingId: string,
      pricePerTonneFen: number,
      quantityKg = 1_000,
    ): Promise<{ id: string; tradeIds: string[] }> {
      const res = await t.request
        .post(`/api/v1/listings/${listingId}/bids`)
        .set(auth(bidder.token))
        .send({ pricePerTonneFen, quantityKg });
      expect(res.status, res.text).to.equal(201);
      return res.body;
    }
    const shanghaiToday = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    /** A collector with an HW18 collection licence and a point; its session token. */
    async function collectorWithPoint(admin: string): Promise<{ token: string; pointId: string }> {
      const c = await registerOrg(t.request, { roles: ['collector'], district: '330603' });
      await approvedLicence(t.request, c, { kind: 'collection', wasteCodes: ['HW18'] }, admin);
      const res = await t.request
        .post('/api/v1/collection/points')
        .set(auth(c.token))
        .send({ name: '收集点', address: '柯桥区 1 号', district: '330603', feePerTonneFen: 150_000 });
      expect(res.status, res.text).to.equal(201);
      return { token: c.token, pointId: res.body.id as string };
    }
    /** An intake declared at collector A's point; B is another collector. */
    async function intakeAtCollector(): Promise<{ intakeId: string; a: string; b: string; producer: OrgActor }> {
      const admin = await adminToken(t.request);
      const ca = await collectorWithPoint(admin);
      const cb = await collectorWithPoint(admin);
      const producer = await registerOrg(t.request, { roles: ['generator'], district: '330603' });
      const res = await t.request
        .post('/api/v1/collection/intakes')
        .set(auth(producer.token))
        .send({ pointId: ca.pointId, materialCode: '772-002-18', quantityKg: 100 });
      expect(res.status, res.text).to.equal(201);
      return { intakeId: res.body.id as string, a: ca.token, b: cb.token, producer };
    }
    async function intakeStatusOf(id: string): Promise<string> {
      return (await one<{ status: string }>(t.ctx.db, sql`select status from intakes where id = ${id}`))!.status;
    }
    async function fallbackStatusOf(id: string): Promise<string> {
      return (await one<{ status: string }>(t.ctx.db, sql`select status from fallback_requests where id = ${id}`))!.status;
    }
    /** A city regulator designates `disposer` (given an HW18 disposal licence) for HW18; the designation's id. */
    async function designate(disposer: OrgActor): Promise<string> {
      const admin = await adminToken(t.request);
      await approvedLicence(t.request, disposer, { wasteCodes: ['HW18'] }, admin);
      const city = await createRegulator(t.request, 'city', admin);
      const res = await t.request.post('/api/v1/regulator/fallback/designations').set(auth(city.token)).send({
        wasteCode: 'HW18',
        disposerOrgId: disposer.orgId,
        feePerTonneFen: 200_000,
        effectiveFrom: shanghaiToday(),
        source: 'tenant test tariff',
      });
      expect(res.status, res.text).to.equal(201);
      return res.body.id as string;
    }
    /** A fly-ash lot of `owner`, cancelled: its market ended unsold. */
    async function endedFlyAsh(owner: OrgActor): Promise<string> {
      const day = 86_400_000;
      const res = await t.request
        .post('/api/v1/listings')
        .set(auth(owner.token))
        .send({
          side: 'supply',
          materialCode: '772-002-18',
          quantityKg: 2_000,
          pricePerTonneFen: -189_300,
          mode: 'fixed',
          pickupFrom: new Date(Date.now() + day).toISOString(),
          pickupTo: new Date(Date.now() + 10 * day).toISOString(),
          district: '330603',
          hazard: { characteristics: ['T'], form: 'solid', packaging: 'ton_bag' },
        });
      expect(res.status, res.text).to.equal(201);
      const cancel = await t.request.post(`/api/v1/listings/${res.body.id}/cancel`).set(auth(owner.token)).send({});
      expect(cancel.status, cancel.text).to.equal(200);
      return res.body.id as string;
    }
    /** A producer C's ended lot sent to fallback with `disposer` (A) designated. */
    async function fallbackRequestTo(disposer: OrgActor): Promise<{ requestId: string; c: OrgActor }> {
      const designationId = await designate(disposer);
      const c = await registerOrg(t.request, { roles: ['generator'], district: '330603' });
      const listingId = await endedFlyAsh(c);
      const res = await t.request
        .post(`/api/v1/listings/${listingId}/fallback`)
        .set(auth(c.token))
        .send({ designationId, feePerTonneFen: 200_000, acceptTariff: true });
      expect(res.status, res.text).to.equal(201);
      return { requestId: res.body.id as string, c };
    }
    async function listingRow(id: string): Promise<{ status: string; description: string | null }> {
      return (await one<{ status: string; description: string | null }>(
        t.ctx.db,
        sql`select status, description from listings where id = ${id}`,
      ))!;
    }

    it('every :id route with an object rule has a tenant fixture', function () {
      const uncovered = routes
        .filter((r) => r.key.includes(':id') && OBJECT_RULES.includes((POLICY[r.key] as Access).rule ?? ''))
        .map((r) => r.key)
        .filter((k) => !TENANT_FIXTURES[k]);
      if (uncovered.length) skipOrFail(this, `no A1 tenant fixture for: ${uncovered.join(', ')} (add them to TENANT_FIXTURES)`);
    });

    it('B gets 403/404 with none of A’s data on every route with a fixture; A’s data is unchanged', async function () {
      this.timeout(120_000);
      const problems: string[] = [];
      for (const r of routes) {
        const fixture = TENANT_FIXTURES[r.key];
        if (!fixture) continue;
        const a = await registerOrg(t.request, { roles: ['generator', 'recycler', 'carrier'] });
        const b = await registerOrg(t.request, { roles: ['generator', 'recycler', 'carrier'] });
        const c = await fixture(a, b);
        const path = r.key
          .split(' ')[1]!
          .replace(':id', c.id)
          .replace(':userId', c.userId ?? ':userId')
          .replace(':code', c.code ?? ':code');
        let req = t.request[methodOf(r.key)](`/api/v1${path}`).set(auth(c.as?.b ?? b.token));
        const res = (await (methodOf(r.key) === 'get' ? req : req.send(c.body ?? {}))) as unknown as Res;
        seen.push({ what: `${r.key} by tenant B`, res });
        if (![403, 404].includes(res.status)) problems.push(`${r.key}: B got ${res.status} ${res.text.slice(0, 200)}`);
        for (const s of c.secrets) if (res.text.includes(s)) problems.push(`${r.key}: B's response contains A's ${s}`);
        await c.unchanged?.();
        // The fixture must be a real object: A itself gets through.
        req = t.request[methodOf(r.key)](`/api/v1${path}`).set(auth(c.as?.a ?? a.token));
        const own = (await (methodOf(r.key) === 'get' ? req : req.send(c.body ?? {}))) as unknown as Res;
        if (own.status >= 400)
          problems.push(`${r.key}: the fixture is broken, A itself got ${own.status} ${own.text.slice(0, 200)}`);
      }
      expect(problems, problems.join('\n')).to.deep.equal([]);
    });

    it('on every :id route with an object rule, an id that does not exist is 403/404 for any allowed caller', async function () {
      this.timeout(60_000);
      const problems: string[] = [];
      for (const r of routes.filter(
        (x) => x.key.includes(':id') && OBJECT_RULES.includes((POLICY[x.key] as Access).rule ?? ''),
      )) {
        const res = await call(r.key, fillPath(r.key.split(' ')[1]!), allowedCaller(POLICY[r.key]), {});
        // A body check may answer first (400); what must never happen is a success on an object nobody owns.
        if (res.status < 400) problems.push(`${r.key}: ${res.status} on a random id`);
      }
      expect(problems, problems.join('\n')).to.deep.equal([]);
    });
  });

  describe('A3: mass assignment', () => {
    const count = async (table: string) =>
      Number((await one<{ n: number }>(t.ctx.db, sql`select count(*)::int as n from ${sql.raw(table)}`))!.n);

    const EXTRAS: [string, string][] = [
      ['status', '"status":"approved"'],
      ['orgId', `"orgId":"${randomUUID()}"`],
      ['isAdmin', '"isAdmin":true'],
      ['__proto__', '"__proto__":{"isAdmin":true,"roles":["admin"]}'],
      ['constructor', '"constructor":{"prototype":{"isAdmin":true}}'],
    ];
    /** The JSON text of `body` with one extra member inserted at the top level or inside `nested`. */
    const withExtra = (body: object, member: string, nested?: string) =>
      nested
        ? JSON.stringify(body).replace(`"${nested}":{`, `"${nested}":{${member},`)
        : `{${member},${JSON.stringify(body).slice(1)}`;

    for (const [name, member] of EXTRAS) {
      it(`register with an extra "${name}" (top level, in org, in user) is 400 and writes nothing`, async () => {
        const before = [await count('orgs'), await count('users'), await count('refresh_tokens')];
        for (const nested of [undefined, 'org', 'user']) {
          const res = (await t.request
            .post('/api/v1/auth/register')
            .set('Content-Type', 'application/json')
            .send(withExtra(registrationBody(), member, nested))) as unknown as Res;
          seen.push({ what: `register + ${name}`, res });
          expect(res.status, `${name} in ${nested ?? 'body'}`).to.equal(400);
          expect(res.text).to.contain(name);
        }
        expect([await count('orgs'), await count('users'), await count('refresh_tokens')]).to.deep.equal(before);
      });

      it(`a licence with an extra "${name}" is 400 and writes nothing`, async () => {
        const owner = await registerOrg(t.request, { roles: ['recycler'] });
        const res = (await t.request
          .post(`/api/v1/orgs/${owner.orgId}/licences`)
          .set(auth(owner.token))
          .set('Content-Type', 'application/json')
          .send(withExtra(licenceBody(), member))) as unknown as Res;
        expect(res.status).to.equal(400);
        expect(await rows(t.ctx.db, sql`select 1 from licences where org_id = ${owner.orgId}`)).to.have.length(0);
      });
    }

    it('a member added with isAdmin / orgRole / orgId is 400 and no user is written', async () => {
      const owner = await registerOrg(t.request);
      for (const extra of [{ isAdmin: true }, { orgRole: 'owner' }, { orgId: randomUUID() }]) {
        const email = uniqueEmail('escalate');
        const res = await t.request
          .post(`/api/v1/orgs/${owner.orgId}/users`)
          .set(auth(owner.token))
          .send({ email, password: PASSWORD, name: 'x', ...extra });
        expect(res.status, JSON.stringify(extra)).to.equal(400);
        expect(await rows(t.ctx.db, sql`select 1 from users where email = ${email}`)).to.have.length(0);
      }
    });

    it('every route with a body refuses unknown fields (strict schemas), with a caller the policy allows', async function () {
      this.timeout(60_000);
      const problems: string[] = [];
      for (const r of routes.filter((x) => x.body && !x.raw)) {
        const caller = allowedCaller(POLICY[r.key]);
        // A field the contract declares is not an extra (POST /regulator/sanctions takes an orgId).
        const declared = Object.keys((r.body as { shape?: Record<string, unknown> }).shape ?? {});
        for (const [name, member] of EXTRAS) {
          if (declared.includes(name)) continue;
          const res = await call(r.key, fillPath(r.key.split(' ')[1]!), caller, `{${member}}`, 'application/json');
          seen.push({ what: `${r.key} + ${name}`, res });
          if (res.status !== 400 || !res.text.includes(name))
            problems.push(`${r.key} + ${name}: ${res.status} ${res.text.slice(0, 160)}`);
        }
      }
      expect(problems, problems.join('\n')).to.deep.equal([]);
    });

    it('nothing in the process picked up a polluted prototype', () => {
      expect(({} as Record<string, unknown>).isAdmin).to.equal(undefined);
      expect(({} as Record<string, unknown>).roles).to.equal(undefined);
    });
  });

  describe('A6: injection', () => {
    it('SQL in credentials, filters and cursors is data, not code', async () => {
      const inj = "' OR '1'='1' --";
      const login = (await t.request
        .post('/api/v1/auth/login')
        .send({ email: `admin@test.local${inj}`, password: inj })) as unknown as Res;
      expect(login.status).to.equal(401);
      for (const q of [
        `status=${encodeURIComponent(inj)}`,
        `cursor=${encodeURIComponent(inj)}`,
        `district=${encodeURIComponent(inj)}`,
      ]) {
        const res = (await t.request.get(`/api/v1/licences?${q}`).set(auth(tokens.admin!))) as unknown as Res;
        seen.push({ what: `GET /licences?${q}`, res });
        expect(res.status, q).to.equal(400);
      }
      const crafted = Buffer.from(JSON.stringify([`${randomUUID()}') or true --`])).toString('base64url');
      const res = (await t.request.get(`/api/v1/licences?cursor=${crafted}`).set(auth(tokens.admin!))) as unknown as Res;
      expect(res.status).to.equal(400);
      expect(await rows(t.ctx.db, sql`select 1 from orgs limit 1`)).to.have.length(1);
    });
  });

  describe('A7: errors leak nothing', () => {
    it('a conflict, bad JSON, a wrong method and a huge id answer without stack, SQL or paths', async () => {
      const a = await registerOrg(t.request);
      const probes: [string, Promise<unknown>][] = [
        ['duplicate USCC', t.request.post('/api/v1/auth/register').send(registrationBody({ uscc: a.org.uscc }))],
        ['duplicate email', t.request.post('/api/v1/auth/register').send(registrationBody({ email: a.email }))],
        ['bad JSON', t.request.post('/api/v1/auth/login').set('Content-Type', 'application/json').send('{"email":')],
        ['wrong method', t.request.delete('/api/v1/me').set(auth(a.token))],
        ['huge id', t.request.get(`/api/v1/orgs/${'9'.repeat(5000)}`).set(auth(a.token))],
        ['unknown route', t.request.get('/api/v1/../../etc/passwd')],
        [
          'licence conflict',
          (async () => {
            const owner = await registerOrg(t.request, { roles: ['recycler'] });
            const l = await submitLicence(t.request, owner);
            return t.request
              .post(`/api/v1/orgs/${owner.orgId}/licences`)
              .set(auth(owner.token))
              .send(licenceBody({ number: l.number }));
          })(),
        ],
      ];
      for (const [what, p] of probes) {
        const res = (await p) as Res;
        expect(res.status, what).to.be.within(400, 499);
        expect(res.body.error?.code, what).to.be.a('string');
        expectNoLeak(res, what);
      }
    });

    it('no response seen by the matrices above leaked internals', () => {
      expect(seen.length).to.be.greaterThan(50);
      const leaks = seen.filter((s) => LEAK.test(s.res.text ?? '')).map((s) => `${s.what}: ${s.res.text.slice(0, 200)}`);
      expect(leaks, leaks.join('\n')).to.deep.equal([]);
    });
  });
});

/** "METHOD /path" of every route on the routers mounted in the app (the /api/v1 router and any app-level /api/v1 route). */
function mountedApiRoutes(app: Express): string[] {
  type Layer = { route?: { path: unknown; methods: Record<string, boolean> }; handle?: { stack?: Layer[] } };
  const root = (
    (app as unknown as { router?: { stack: Layer[] }; _router?: { stack: Layer[] } }).router ??
    (app as unknown as { _router: { stack: Layer[] } })._router
  ).stack;
  const out: string[] = [];
  const add = (route: NonNullable<Layer['route']>, prefix: string) => {
    for (const [m, on] of Object.entries(route.methods))
      if (on && m !== '_all') out.push(`${m.toUpperCase()} ${prefix}${String(route.path)}`);
  };
  for (const layer of root) {
    if (typeof layer.route?.path === 'string' && layer.route.path.startsWith('/api/v1/')) add(layer.route, '');
    // The API router holds the route table's paths relative to /api/v1.
    for (const inner of layer.handle?.stack ?? []) if (inner.route) add(inner.route, '');
  }
  return [...new Set(out.map((k) => k.replace(/^(\w+) \/api\/v1/, '$1 ')))].sort();
}
