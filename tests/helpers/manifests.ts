/**
 * Manifest test helpers: a hazardous fly-ash trade (772-002-18, the generator pays a disposal fee)
 * and a general-waste slag trade (SW01, the recycler pays), each funded through the simulated
 * payment provider; a licensed carrier; trips opened and walked through the public API. Every helper
 * makes fresh orgs, listings and trades.
 */
import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import type { TestApp } from './app.js';
import { approvedLicence, auth, registerOrg, type LicenceOptions, type OrgActor } from './actors.js';
import { DAY, createGenerator, createListing, createRecycler, flyAshListing, inSeconds, placeBid } from './trading.js';
import { one, rows } from '../../server/src/db/tx.js';
import type { DistrictCode } from '../../shared/src/districts.js';
import type { TTrade } from '../../shared/src/schemas/trades.js';
import type { TManifest, TManifestEventRequest } from '../../shared/src/schemas/manifests.js';

type Request = TestApp['request'];

export interface Deal {
  generator: OrgActor;
  recycler: OrgActor;
  carrier: OrgActor;
  trade: TTrade;
}

/** A carrier org; with `licence`, an approved transport licence (default scope HW18). */
export async function createCarrier(
  request: Request,
  o: { licence?: LicenceOptions | null; district?: DistrictCode } = {},
): Promise<OrgActor & { licenceNumber: string | null }> {
  const carrier = await registerOrg(request, { roles: ['carrier'], district: o.district ?? '330603' });
  if (o.licence === null) return { ...carrier, licenceNumber: null };
  const licence = await approvedLicence(request, carrier, { kind: 'transport', wasteCodes: ['HW18'], ...o.licence });
  return { ...carrier, licenceNumber: licence.number };
}

/** General industrial slag (SW01, no reference band), 30 t at 50 yuan/t paid by the recycler. */
export function slagListing(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    side: 'supply',
    materialCode: 'SW01',
    quantityKg: 30_000,
    pricePerTonneFen: 5_000,
    mode: 'fixed',
    pickupFrom: inSeconds(DAY),
    pickupTo: inSeconds(10 * DAY),
    district: '330603',
    hazard: { characteristics: [], form: 'solid', packaging: 'bulk' },
    description: '冶炼废渣，散装',
    ...over,
  };
}

export async function trade(t: TestApp, who: OrgActor, id: string): Promise<TTrade> {
  const res = await t.request.get(`/api/v1/trades/${id}`).set(auth(who.token));
  expect(res.status, res.text).to.equal(200);
  return res.body as TTrade;
}

/** Pays the trade into escrow through the simulated provider (the payer follows the price sign). */
export async function fund(t: TestApp, d: Pick<Deal, 'generator' | 'recycler' | 'trade'>): Promise<TTrade> {
  const payer = d.trade.payerOrgId === d.generator.orgId ? d.generator : d.recycler;
  const res = await t.request.post(`/api/v1/trades/${d.trade.id}/pay`).set(auth(payer.token)).send({ provider: 'simulated' });
  expect(res.status, res.text).to.be.oneOf([200, 201]);
  const after = await trade(t, d.generator, d.trade.id);
  expect(after.status).to.equal('funded');
  return after;
}

/** A funded fly-ash trade: Keqiao generator → Shangyu licensed recycler, carrier licensed for HW18. */
export async function flyAshDeal(t: TestApp, o: { quantityKg?: number; fund?: boolean; carrier?: OrgActor } = {}): Promise<Deal> {
  const quantityKg = o.quantityKg ?? 20_000;
  const generator = await createGenerator(t.request);
  const recycler = await createRecycler(t.request);
  const carrier = o.carrier ?? (await createCarrier(t.request));
  const listing = await createListing(t.request, generator, flyAshListing({ quantityKg, minLotKg: quantityKg }));
  const bid = await placeBid(t.request, recycler, listing.id, { pricePerTonneFen: -189_300, quantityKg });
  expect(bid.tradeIds).to.have.length(1);
  let tr = await trade(t, generator, bid.tradeIds[0]!);
  expect(tr.payerOrgId, 'negative price: the generator pays').to.equal(generator.orgId);
  if (o.fund !== false) tr = await fund(t, { generator, recycler, trade: tr });
  return { generator, recycler, carrier, trade: tr };
}

/** A funded slag trade (general waste): the carrier needs no licence. */
export async function slagDeal(t: TestApp, o: { quantityKg?: number; fund?: boolean } = {}): Promise<Deal> {
  const quantityKg = o.quantityKg ?? 30_000;
  const generator = await createGenerator(t.request);
  const recycler = await createRecycler(t.request, { licence: null });
  const carrier = await createCarrier(t.request, { licence: null });
  const listing = await createListing(t.request, generator, slagListing({ quantityKg }));
  const bid = await placeBid(t.request, recycler, listing.id, { pricePerTonneFen: 5_000, quantityKg });
  let tr = await trade(t, generator, bid.tradeIds[0]!);
  expect(tr.payerOrgId, 'positive price: the recycler pays').to.equal(recycler.orgId);
  if (o.fund !== false) tr = await fund(t, { generator, recycler, trade: tr });
  return { generator, recycler, carrier, trade: tr };
}

export function tripBody(d: Pick<Deal, 'carrier'>, declaredKg: number, over: Record<string, unknown> = {}) {
  return { carrierOrgId: d.carrier.orgId, vehiclePlate: '浙D·12345', driverName: '王师傅', declaredKg, ...over };
}

export function openTripRaw(t: TestApp, who: OrgActor, tradeId: string, body: Record<string, unknown>) {
  return t.request.post(`/api/v1/trades/${tradeId}/manifests`).set(auth(who.token)).send(body);
}

export async function openTrip(t: TestApp, d: Deal, declaredKg: number, over: Record<string, unknown> = {}): Promise<TManifest> {
  const res = await openTripRaw(t, d.generator, d.trade.id, tripBody(d, declaredKg, over));
  expect(res.status, res.text).to.equal(201);
  return res.body as TManifest;
}

export function stepRaw(t: TestApp, who: OrgActor, manifestId: string, body: Record<string, unknown>) {
  return t.request.post(`/api/v1/manifests/${manifestId}/events`).set(auth(who.token)).send(body);
}

export async function step(
  t: TestApp,
  who: OrgActor,
  manifestId: string,
  body: TManifestEventRequest | Record<string, unknown>,
): Promise<TManifest> {
  const res = await stepRaw(t, who, manifestId, body);
  expect(res.status, `${String((body as { type: string }).type)}: ${res.text}`).to.equal(201);
  return res.body as TManifest;
}

export interface Walk {
  loadedKg?: number;
  receivedKg?: number;
  decision?: 'accept' | 'partial' | 'reject';
  acceptedKg?: number;
  note?: string;
  /** Stop after this step (default: receive). */
  until?: 'issue' | 'load' | 'depart' | 'arrive' | 'receive' | 'report_disposal';
}

/** Walks a trip from draft through the steps, each by its party. */
export async function walkTrip(t: TestApp, d: Deal, m: TManifest, w: Walk = {}): Promise<TManifest> {
  const order = ['issue', 'load', 'depart', 'arrive', 'receive', 'report_disposal'] as const;
  const until = order.indexOf(w.until ?? 'receive');
  let cur = m;
  for (const [i, type] of order.entries()) {
    if (i > until) break;
    if (type === 'issue') cur = await step(t, d.generator, cur.id, { type });
    if (type === 'load') cur = await step(t, d.carrier, cur.id, { type, weightKg: w.loadedKg ?? m.declaredKg });
    if (type === 'depart' || type === 'arrive') cur = await step(t, d.carrier, cur.id, { type });
    if (type === 'receive') {
      const decision = w.decision ?? 'accept';
      cur = await step(t, d.recycler, cur.id, {
        type,
        weightKg: w.receivedKg ?? w.loadedKg ?? m.declaredKg,
        decision,
        ...(w.acceptedKg !== undefined ? { acceptedKg: w.acceptedKg } : {}),
        ...(decision !== 'accept' ? { note: w.note ?? '含水率超标，与申报不符' } : {}),
      });
    }
    if (type === 'report_disposal') {
      const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
      cur = await step(t, d.recycler, cur.id, { type, methodCode: 'D10', method: '焚烧处置', disposalDate: today });
    }
  }
  return cur;
}

export async function manifestRow(t: TestApp, id: string): Promise<Record<string, unknown>> {
  return (await one(t.ctx.db, sql`select * from manifests where id = ${id}`))!;
}

export async function eventCount(t: TestApp, id?: string): Promise<number> {
  const r = await one<{ n: number }>(
    t.ctx.db,
    id
      ? sql`select count(*)::int as n from manifest_events where manifest_id = ${id}`
      : sql`select count(*)::int as n from manifest_events`,
  );
  return r!.n;
}

export async function creditEventsOf(
  t: TestApp,
  orgId: string,
): Promise<{ kind: string; subject_id: string; details: Record<string, unknown> }[]> {
  return rows(t.ctx.db, sql`select kind, subject_id, details from credit_events where org_id = ${orgId} order by id`);
}

/** The trade's ledger as its parties see it (settlement's GET /trades/:id/ledger). */
export async function ledgerOf(
  t: TestApp,
  who: OrgActor,
  tradeId: string,
): Promise<{
  transfers: { operationId: string; kind: string; details: Record<string, unknown>; sumFen: number }[];
  escrowHeldFen: number;
}> {
  const res = await t.request.get(`/api/v1/trades/${tradeId}/ledger`).set(auth(who.token));
  expect(res.status, res.text).to.equal(200);
  return res.body;
}
