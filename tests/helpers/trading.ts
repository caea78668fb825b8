/**
 * Trading test helpers: a generator, a licensed recycler, listings and bids made through the public
 * API, and row counts for "nothing was written" checks. Every helper makes fresh rows.
 */
import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import type { TestApp } from './app.js';
import {
  adminToken,
  approvedLicence,
  auth,
  registerOrg,
  type LicenceOptions,
  type OrgActor,
  type RegisterOptions,
} from './actors.js';
import { rows } from '../../server/src/db/tx.js';
import type { TListing } from '../../shared/src/schemas/listings.js';
import type { TBid } from '../../shared/src/schemas/bids.js';
import supertest from 'supertest';
import type { AppContext } from '../../server/src/context.js';
import { createApp } from '../../server/src/app.js';
import { createListingsService } from '../../server/src/modules/listings/service.js';
import { createBidsService } from '../../server/src/modules/bids/service.js';
import type { CreditReader } from '../../server/src/modules/trades/service.js';
import type { CreditLevel } from '../../server/src/modules/credit/read-model.js';

type Request = TestApp['request'];

/** An ISO instant `seconds` from now. */
export function inSeconds(seconds: number): string {
  return new Date(Date.now() + seconds * 1000).toISOString();
}
export const DAY = 86_400;

/** A generator org (district default 330603 Keqiao). */
export function createGenerator(request: Request, o: RegisterOptions = {}): Promise<OrgActor> {
  return registerOrg(request, { district: '330603', ...o, roles: o.roles ?? ['generator'] });
}

/**
 * A recycler with an approved disposal licence (default: HW18 and fly ash, 10 000 t a year, valid
 * 2020–2099), approved by the admin. `licence: null` for a recycler without any licence.
 */
export async function createRecycler(
  request: Request,
  o: RegisterOptions & { licence?: LicenceOptions | null; admin?: string } = {},
): Promise<OrgActor & { licenceId: string | null }> {
  const recycler = await registerOrg(request, { district: '330604', ...o, roles: o.roles ?? ['recycler'] });
  if (o.licence === null) return { ...recycler, licenceId: null };
  const licence = await approvedLicence(request, recycler, o.licence ?? {}, o.admin ?? (await adminToken(request)));
  return { ...recycler, licenceId: licence.id };
}

/** A fixed-price heavy scrap steel lot (seed band 254 000 … 263 000 fen/t), 10 t, whole-lot. */
export function steelListing(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    side: 'supply',
    materialCode: 'SW17-01',
    quantityKg: 10_000,
    pricePerTonneFen: 258_500,
    mode: 'fixed',
    pickupFrom: inSeconds(DAY),
    pickupTo: inSeconds(10 * DAY),
    district: '330603',
    description: '重废钢，厂区自提',
    ...over,
  };
}

/** A fixed-price fly-ash lot (772-002-18, HW18; seed band −219 500 … −159 100 fen/t), 20 t. */
export function flyAshListing(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    side: 'supply',
    materialCode: '772-002-18',
    quantityKg: 20_000,
    minLotKg: 1_000,
    pricePerTonneFen: -189_300,
    mode: 'fixed',
    pickupFrom: inSeconds(DAY),
    pickupTo: inSeconds(10 * DAY),
    district: '330603',
    hazard: { characteristics: ['T'], form: 'solid', packaging: 'ton_bag' },
    analysis: { kind: 'fly_ash', dioxinNgTeqPerKg: 1200, leaching: { pb: 0.12, cd: 0.01 } },
    description: '生活垃圾焚烧飞灰，吨袋包装',
    ...over,
  };
}

export async function createListing(request: Request, who: OrgActor, body: Record<string, unknown>): Promise<TListing> {
  const res = await request.post('/api/v1/listings').set(auth(who.token)).send(body);
  expect(res.status, JSON.stringify(res.body)).to.equal(201);
  return res.body as TListing;
}

export function bid(request: Request, who: OrgActor, listingId: string, body: Record<string, unknown>) {
  return request.post(`/api/v1/listings/${listingId}/bids`).set(auth(who.token)).send(body);
}

export async function placeBid(request: Request, who: OrgActor, listingId: string, body: Record<string, unknown>): Promise<TBid> {
  const res = await bid(request, who, listingId, body);
  expect(res.status, JSON.stringify(res.body)).to.equal(201);
  return res.body as TBid;
}

/** Rows in a table (the trading tables and alerts), for "nothing was written" checks. */
export async function countRows(
  t: TestApp,
  table: 'listings' | 'bids' | 'trades' | 'alerts' | 'outbox',
  where = sql`true`,
): Promise<number> {
  const r = await rows<{ n: string | number }>(t.ctx.db, sql`select count(*) as n from ${sql.raw(table)} where ${where}`);
  return Number(r[0]!.n);
}

export async function alertsOf(
  t: TestApp,
  kind: string,
): Promise<
  {
    id: string;
    kind: string;
    district: string | null;
    subject_type: string;
    subject_id: string;
    details: Record<string, unknown>;
  }[]
> {
  return rows(
    t.ctx.db,
    sql`select id, kind, district, subject_type, subject_id, details from alerts where kind = ${kind} order by created_at`,
  );
}

/**
 * Moves a trade to settled at a given time, past escrow and manifests (bands and the index read settled
 * trades), and refreshes the material's band as the `prices.refreshBand` job settlement enqueues would.
 */
export async function settleTrade(t: TestApp, tradeId: string, settledAt: Date = new Date()): Promise<void> {
  const [row] = await rows<{ material_code: string }>(
    t.ctx.db,
    sql`update trades set status = 'settled', settled_at = ${settledAt.toISOString()}::timestamptz where id = ${tradeId} returning material_code`,
  );
  if (row) await t.ctx.prices.refreshBand(row.material_code);
}

export { auth };

/**
 * A request client for an app whose listings and bids read credit levels from `levels` (default
 * blue), on the same database and jobs as `t`: the neutral credit model reads everyone as blue, so
 * black (CREDIT_BARRED) and red (red_party alerts) need this fake, passed to the same factories.
 */
export function withCreditLevels(t: TestApp, levels: Map<string, CreditLevel>): Request {
  const readCredit: CreditReader = async (_dbx, orgId) => {
    const level = levels.get(orgId) ?? 'blue';
    return { level, score: { green: 95, blue: 80, yellow: 65, red: 50, black: 20 }[level] };
  };
  const deps = { ...t.ctx, readCredit };
  const ctx: AppContext = { ...t.ctx, listings: createListingsService(deps), bids: createBidsService(deps) };
  return supertest(createApp(ctx));
}
