/**
 * Test actors made through the public API: orgs of each role, the admin, regulators with a scope,
 * members and licences. Every helper creates fresh rows (unique USCC and email), so tests never
 * share data.
 */
import { createHash, randomBytes } from 'node:crypto';
import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import type supertest from 'supertest';
import { USCC_CHARSET, usccCheckCharacter } from '../../shared/src/uscc.js';
import type { DistrictCode } from '../../shared/src/districts.js';
import type { Role, RegulatorScope } from '../../shared/src/roles.js';
import { ADMIN } from './app.js';

type Request = ReturnType<typeof supertest>;

export const PASSWORD = 'correct-horse-battery';

/**
 * A valid USCC. With a seed it is deterministic (same seed, same code); without one it is random.
 * Positions: 9 (registration authority: industry & commerce), 1 (enterprise), 3306xx (Shaoxing),
 * then 9 characters from the seed, then the check character.
 */
export function makeUscc(seed?: string | number): string {
  const bytes = seed === undefined ? randomBytes(9) : createHash('sha256').update(String(seed)).digest().subarray(0, 9);
  const body = '91330602' + Array.from(bytes, (b) => USCC_CHARSET[b % USCC_CHARSET.length]).join('');
  return body + usccCheckCharacter(body)!;
}

let counter = 0;
/** A unique email for this process run. */
export function uniqueEmail(prefix = 'user'): string {
  return `${prefix}-${Date.now().toString(36)}-${(++counter).toString(36)}-${randomBytes(3).toString('hex')}@test.local`;
}

export interface Session {
  accessToken: string;
  refreshToken: string;
  user: { id: string; email: string; name: string; orgRole: 'owner' | 'member'; isAdmin: boolean };
  org: { id: string; name: string; uscc: string; district: string; roles: Role[]; scope: RegulatorScope | null } | null;
}

/** A signed-in org owner: its session plus the org id and the password used. */
export interface OrgActor extends Session {
  org: NonNullable<Session['org']>;
  orgId: string;
  token: string;
  email: string;
  password: string;
}

export function auth(token: string): { Authorization: string } {
  return { Authorization: `Bearer ${token}` };
}

function asActor(session: Session, password: string): OrgActor {
  return {
    ...session,
    org: session.org!,
    orgId: session.org!.id,
    token: session.accessToken,
    email: session.user.email,
    password,
  };
}

export interface RegisterOptions {
  roles?: Role[];
  district?: DistrictCode;
  name?: string;
  uscc?: string;
  email?: string;
}

/** The body POST /auth/register takes, with fresh unique values. */
export function registrationBody(o: RegisterOptions = {}) {
  return {
    org: {
      name: o.name ?? `Test org ${++counter}`,
      uscc: o.uscc ?? makeUscc(),
      district: o.district ?? '330602',
      roles: o.roles ?? ['generator'],
    },
    user: { email: o.email ?? uniqueEmail('owner'), password: PASSWORD, name: 'Owner' },
  };
}

/** Self-registers a trading org (generator, recycler, carrier) and returns its owner's session. */
export async function registerOrg(request: Request, o: RegisterOptions = {}): Promise<OrgActor> {
  const res = await request.post('/api/v1/auth/register').send(registrationBody(o));
  expect(res.status, JSON.stringify(res.body)).to.equal(201);
  return asActor(res.body as Session, PASSWORD);
}

export async function login(request: Request, email: string, password: string): Promise<Session> {
  const res = await request.post('/api/v1/auth/login').send({ email, password });
  expect(res.status, JSON.stringify(res.body)).to.equal(200);
  return res.body as Session;
}

/** The platform admin's access token (ADMIN from tests/helpers/app.ts, created at boot). */
export async function adminToken(request: Request): Promise<string> {
  return (await login(request, ADMIN.email, ADMIN.password)).accessToken;
}

/** Creates an authority org through POST /admin/orgs and signs its owner in. */
export async function createAuthorityOrg(
  request: Request,
  o: { roles: ('regulator' | 'credit_agency')[]; scope?: RegulatorScope; district?: DistrictCode; admin?: string },
): Promise<OrgActor> {
  const admin = o.admin ?? (await adminToken(request));
  const body = {
    org: {
      name: `Authority ${++counter}`,
      uscc: makeUscc(),
      district: o.district ?? '330602',
      roles: o.roles,
      ...(o.scope !== undefined ? { scope: o.scope } : {}),
    },
    user: { email: uniqueEmail('authority'), password: PASSWORD, name: 'Officer' },
  };
  const res = await request.post('/api/v1/admin/orgs').set(auth(admin)).send(body);
  expect(res.status, JSON.stringify(res.body)).to.equal(201);
  return asActor(await login(request, body.user.email, PASSWORD), PASSWORD);
}

/** A regulator org owner with this scope ('city' or district codes). */
export function createRegulator(request: Request, scope: RegulatorScope = 'city', admin?: string): Promise<OrgActor> {
  const district = (scope === 'city' ? '330602' : scope[0]) as DistrictCode;
  return createAuthorityOrg(request, { roles: ['regulator'], scope, district, ...(admin ? { admin } : {}) });
}

export function createCreditAgency(request: Request, admin?: string): Promise<OrgActor> {
  return createAuthorityOrg(request, { roles: ['credit_agency'], ...(admin ? { admin } : {}) });
}

/** Adds a member to the owner's org and signs it in. */
export async function addMember(request: Request, owner: OrgActor): Promise<OrgActor> {
  const email = uniqueEmail('member');
  const res = await request
    .post(`/api/v1/orgs/${owner.orgId}/users`)
    .set(auth(owner.token))
    .send({ email, password: PASSWORD, name: 'Member' });
  expect(res.status, JSON.stringify(res.body)).to.equal(201);
  return asActor(await login(request, email, PASSWORD), PASSWORD);
}

export interface LicenceOptions {
  number?: string;
  kind?: 'disposal' | 'transport' | 'collection';
  wasteCodes?: string[];
  annualCapacityKg?: number;
  validFrom?: string;
  validTo?: string;
}

export function licenceBody(o: LicenceOptions = {}) {
  return {
    number: o.number ?? `ZJ-${randomBytes(4).toString('hex').toUpperCase()}`,
    kind: o.kind ?? 'disposal',
    wasteCodes: o.wasteCodes ?? ['HW18', '772-002-18'],
    annualCapacityKg: o.annualCapacityKg ?? 10_000_000,
    validFrom: o.validFrom ?? '2020-01-01',
    validTo: o.validTo ?? '2099-12-31',
  };
}

/** Submits a licence for the owner's org; returns it (status pending). */
export async function submitLicence(
  request: Request,
  owner: OrgActor,
  o: LicenceOptions = {},
): Promise<{ id: string; status: string; number: string }> {
  const res = await request.post(`/api/v1/orgs/${owner.orgId}/licences`).set(auth(owner.token)).send(licenceBody(o));
  expect(res.status, JSON.stringify(res.body)).to.equal(201);
  return res.body;
}

/** Submits a licence and has the admin approve it. */
export async function approvedLicence(
  request: Request,
  owner: OrgActor,
  o: LicenceOptions = {},
  approver?: string,
): Promise<{ id: string; status: string; number: string }> {
  const licence = await submitLicence(request, owner, o);
  const res = await request
    .post(`/api/v1/licences/${licence.id}/approve`)
    .set(auth(approver ?? (await adminToken(request))))
    .send({});
  expect(res.status, JSON.stringify(res.body)).to.equal(200);
  return res.body;
}

/** A recycler with an approved disposal licence (default scope: HW18 and fly ash). */
export async function licensedRecycler(
  request: Request,
  o: RegisterOptions & { licence?: LicenceOptions } = {},
): Promise<OrgActor & { licenceId: string }> {
  const recycler = await registerOrg(request, { ...o, roles: o.roles ?? ['recycler'] });
  const licence = await approvedLicence(request, recycler, o.licence);
  return { ...recycler, licenceId: licence.id };
}

/**
 * Tokens an attacker or a stale client might present, each carrying a real user's claims:
 * expired, signed with another secret, unsigned (`alg: none`), another algorithm, another issuer,
 * another audience. Every one must be refused (401).
 */
export function craftedTokens(
  secret: string,
  session: { user: { id: string }; org: { id: string; roles: string[] } | null },
): Record<string, string> {
  const now = Math.floor(Date.now() / 1000);
  const claims = { org: session.org?.id ?? null, roles: session.org?.roles ?? [], orole: 'owner', scope: null };
  const pinned = { issuer: 'zero-waste-exchange', audience: 'zwx-api', subject: session.user.id };
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return {
    expired: jwt.sign({ ...claims, iat: now - 1000, exp: now - 10 }, secret, { algorithm: 'HS256', ...pinned }),
    otherSecret: jwt.sign(claims, 'another-secret-another-secret-000000', { algorithm: 'HS256', expiresIn: 600, ...pinned }),
    algNone: `${enc({ alg: 'none', typ: 'JWT' })}.${enc({ ...claims, sub: pinned.subject, iss: pinned.issuer, aud: pinned.audience, iat: now, exp: now + 600 })}.`,
    hs512: jwt.sign(claims, secret, { algorithm: 'HS512', expiresIn: 600, ...pinned }),
    otherIssuer: jwt.sign(claims, secret, { algorithm: 'HS256', expiresIn: 600, ...pinned, issuer: 'someone-else' }),
    otherAudience: jwt.sign(claims, secret, { algorithm: 'HS256', expiresIn: 600, ...pinned, audience: 'other-api' }),
  };
}
