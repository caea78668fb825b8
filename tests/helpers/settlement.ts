/**
 * Settlement test helpers: trades made directly with the trading module's createTradeForFill (any
 * price and weight, past the price checks that guard listings), actors for service calls, driving a
 * trade to delivered, and the ledger's invariants checked in SQL.
 */
import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import type { TestApp } from './app.js';
import { adminToken, auth, registerOrg, type OrgActor } from './actors.js';
import type { DistrictCode } from '../../shared/src/districts.js';
import type { TTrade } from '../../shared/src/schemas/trades.js';
import type { UserActor } from '../../server/src/http/actor.js';
import { verifyAccessToken } from '../../server/src/modules/auth/tokens.js';
import { inTransaction, one, rows } from '../../server/src/db/tx.js';
import { createTradeForFill } from '../../server/src/modules/trades/service.js';
import { markDelivered, markDisputed, markInTransit } from '../../server/src/modules/settlement/service.js';

type Request = TestApp['request'];

/** The service-level actor behind a session's access token. */
export function actorOf(t: TestApp, token: string): UserActor {
  const a = verifyAccessToken(t.ctx.config.JWT_SECRET, token);
  if (!a) throw new Error('not a valid token');
  const { exp: _exp, ...actor } = a;
  return actor;
}

export async function adminActor(t: TestApp): Promise<{ token: string; actor: UserActor }> {
  const token = await adminToken(t.request);
  return { token, actor: actorOf(t, token) };
}

export interface Parties {
  generator: OrgActor;
  recycler: OrgActor;
}

/** A generator (district 330603 by default) and a recycler (330604 by default: another district). */
export async function makeParties(
  request: Request,
  o: { generatorDistrict?: DistrictCode; recyclerDistrict?: DistrictCode } = {},
): Promise<Parties> {
  const generator = await registerOrg(request, { roles: ['generator'], district: o.generatorDistrict ?? '330603' });
  const recycler = await registerOrg(request, { roles: ['recycler'], district: o.recyclerDistrict ?? '330604' });
  return { generator, recycler };
}

export interface TradeSpec {
  pricePerTonneFen: number;
  quantityKg: number;
  /** Fly ash (HW18) when true, scrap steel otherwise. */
  hazardous?: boolean;
  /** Where the material is picked up (default: the generator's district). */
  originDistrict?: string;
}

/** A trade between the parties, as matching makes it (awaiting_payment, or funded at price 0). */
export async function makeTrade(t: TestApp, p: Parties, spec: TradeSpec): Promise<TTrade> {
  const hazardous = spec.hazardous ?? false;
  return inTransaction(t.ctx.db, (tx) =>
    createTradeForFill(tx, t.ctx, {
      listingId: null,
      bidId: null,
      generatorOrgId: p.generator.orgId,
      receiverOrgId: p.recycler.orgId,
      materialCode: hazardous ? '772-002-18' : 'SW17-01',
      classifiedCode: null,
      wasteCode: hazardous ? '772-002-18' : 'SW17-01',
      category: hazardous ? 'HW18' : 'SW17',
      hazardous,
      originDistrict: spec.originDistrict ?? p.generator.org.district,
      quantityKg: spec.quantityKg,
      pricePerTonneFen: spec.pricePerTonneFen,
    }),
  );
}

export function payerOf(p: Parties, trade: TTrade): OrgActor {
  return trade.payerOrgId === p.generator.orgId ? p.generator : p.recycler;
}
export function payeeOf(p: Parties, trade: TTrade): OrgActor {
  return trade.payeeOrgId === p.generator.orgId ? p.generator : p.recycler;
}

export function pay(request: Request, who: OrgActor, tradeId: string, body: Record<string, unknown> = {}) {
  return request.post(`/api/v1/trades/${tradeId}/pay`).set(auth(who.token)).send(body);
}

/** What the manifests module does when every trip is in: delivered with accepted kg (settlement is enqueued). */
export async function deliver(
  t: TestApp,
  tradeId: string,
  acceptedKg: number,
  o: { viaTransit?: boolean } = {},
): Promise<TTrade> {
  return inTransaction(t.ctx.db, async (tx) => {
    if (o.viaTransit) await markInTransit(tx, t.ctx, tradeId);
    const moved = await markDelivered(tx, t.ctx, tradeId, acceptedKg);
    expect(moved, 'the trade moved to delivered').to.not.equal(null);
    return moved!;
  });
}

export async function dispute(t: TestApp, tradeId: string, acceptedKg?: number): Promise<TTrade> {
  return inTransaction(t.ctx.db, async (tx) => {
    await markInTransit(tx, t.ctx, tradeId);
    const moved = await markDisputed(tx, t.ctx, tradeId, acceptedKg);
    expect(moved).to.not.equal(null);
    return moved!;
  });
}

export async function tradeStatus(t: TestApp, tradeId: string): Promise<string> {
  return (await one<{ status: string }>(t.ctx.db, sql`select status from trades where id = ${tradeId}`))!.status;
}

export async function balance(t: TestApp, accountId: string): Promise<number> {
  const r = await one<{ b: string | number }>(
    t.ctx.db,
    sql`select balance_fen as b from ledger_accounts where id = ${accountId}`,
  );
  return Number(r?.b ?? 0);
}

export interface TransferView {
  operation_id: string;
  kind: string;
  entries: Record<string, number>;
}

export async function transfersOfTrade(t: TestApp, tradeId: string): Promise<TransferView[]> {
  const r = await rows<{ operation_id: string; kind: string; account_id: string; amount_fen: string | number }>(
    t.ctx.db,
    sql`select tr.operation_id, tr.kind, e.account_id, e.amount_fen from ledger_transfers tr
        join ledger_entries e on e.transfer_id = tr.id where tr.trade_id = ${tradeId} order by tr.seq, e.id`,
  );
  const out: TransferView[] = [];
  for (const x of r) {
    let v = out.find((o) => o.operation_id === x.operation_id);
    if (!v) out.push((v = { operation_id: x.operation_id, kind: x.kind, entries: {} }));
    v.entries[x.account_id] = Number(x.amount_fen);
  }
  return out;
}

/**
 * RELIABILITY M3 and M4, in SQL over everything stored: every transfer balances with at least two
 * entries, every balance equals the sum of its entries, nothing is negative that may not be, every
 * entry was written by its transfer's own transaction (never updated: same xmin), and UPDATE and
 * DELETE on ledger rows are refused.
 */
export async function expectLedgerInvariants(t: TestApp, o: { tryWrites?: boolean } = {}): Promise<void> {
  const db = t.ctx.db;
  const unbalanced = await rows(
    db,
    sql`select t.operation_id, coalesce(sum(e.amount_fen), 0) as s, count(e.id) as n from ledger_transfers t
        left join ledger_entries e on e.transfer_id = t.id group by t.id, t.operation_id
        having coalesce(sum(e.amount_fen), 0) <> 0 or count(e.id) < 2`,
  );
  expect(unbalanced, 'transfers that do not balance').to.deep.equal([]);
  const mismatched = await rows(
    db,
    sql`select a.id, a.balance_fen, coalesce(e.s, 0) as entries from ledger_accounts a
        left join (select account_id, sum(amount_fen) as s from ledger_entries group by account_id) e on e.account_id = a.id
        where a.balance_fen <> coalesce(e.s, 0)`,
  );
  expect(mismatched, 'balances that differ from their entries').to.deep.equal([]);
  const negative = await rows(
    db,
    sql`select id, kind, balance_fen from ledger_accounts
        where (kind in ('escrow', 'platform_fee', 'eco_fund') and balance_fen < 0) or (kind = 'clearing' and balance_fen > 0)`,
  );
  expect(negative, 'accounts beyond what their kind allows').to.deep.equal([]);
  const total = await one<{ s: string | number }>(db, sql`select coalesce(sum(balance_fen), 0) as s from ledger_accounts`);
  expect(Number(total!.s), 'the sum of all balances').to.equal(0);
  const rewritten = await rows(
    db,
    sql`select e.id from ledger_entries e join ledger_transfers t on t.id = e.transfer_id where e.xmin::text <> t.xmin::text`,
  );
  expect(rewritten, 'entries written outside their transfer’s transaction (updated rows)').to.deep.equal([]);
  const held = await rows(
    db,
    sql`select t.id, t.status, sum(e.amount_fen) as held from trades t
        join ledger_transfers tr on tr.trade_id = t.id join ledger_entries e on e.transfer_id = tr.id
        join ledger_accounts a on a.id = e.account_id and a.kind = 'escrow'
        where t.status in ('settled', 'cancelled') group by t.id, t.status having sum(e.amount_fen) <> 0`,
  );
  expect(held, 'escrow still held for finished trades').to.deep.equal([]);
  if (o.tryWrites) {
    for (const stmt of [
      sql`update ledger_entries set amount_fen = amount_fen + 1`,
      sql`delete from ledger_entries`,
      sql`update ledger_transfers set description = 'edited'`,
      sql`delete from ledger_transfers`,
      sql`update ledger_accounts set balance_fen = balance_fen + 1`,
    ]) {
      const before = await one<{ n: number }>(db, sql`select count(*)::int as n from ledger_entries`);
      if (before!.n === 0) continue;
      let refused = false;
      try {
        await db.execute(stmt);
      } catch {
        refused = true;
      }
      expect(refused, 'a write to ledger rows is refused').to.equal(true);
    }
  }
}

export async function drainJobs(t: TestApp): Promise<void> {
  await t.ctx.jobs.drain(20_000);
}
