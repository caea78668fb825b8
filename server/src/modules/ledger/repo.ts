import { and, asc, eq, gt, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { one, rows } from '../../db/tx.js';
import { ledgerAccounts, ledgerEntries, ledgerTransfers, orgs } from '../../db/schema.js';
import type { AccountSpec, EntryInput } from './model.js';

export type TransferRow = typeof ledgerTransfers.$inferSelect;
export type AccountRow = typeof ledgerAccounts.$inferSelect;

/** Creates the accounts that do not exist yet (ids are deterministic), in id order. */
export async function ensureAccounts(dbx: DbOrTx, specs: AccountSpec[]): Promise<void> {
  if (specs.length === 0) return;
  const sorted = [...new Map(specs.map((s) => [s.id, s])).values()].sort((a, b) => (a.id < b.id ? -1 : 1));
  await dbx
    .insert(ledgerAccounts)
    .values(sorted.map((s) => ({ id: s.id, kind: s.kind, orgId: s.orgId, district: s.district, provider: s.provider })))
    .onConflictDoNothing({ target: ledgerAccounts.id });
}

export async function insertTransfer(dbx: DbOrTx, row: typeof ledgerTransfers.$inferInsert): Promise<TransferRow | null> {
  const [inserted] = await dbx
    .insert(ledgerTransfers)
    .values(row)
    .onConflictDoNothing({ target: ledgerTransfers.operationId })
    .returning();
  return inserted ?? null;
}

export async function insertEntries(dbx: DbOrTx, transferId: string, entries: EntryInput[]): Promise<void> {
  // One row at a time, in account-id order: the trigger locks each balance row as it goes.
  for (const e of entries) await dbx.insert(ledgerEntries).values({ transferId, accountId: e.accountId, amountFen: e.amountFen });
}

export async function findTransferByOperation(dbx: DbOrTx, operationId: string): Promise<TransferRow | null> {
  const [row] = await dbx.select().from(ledgerTransfers).where(eq(ledgerTransfers.operationId, operationId));
  return row ?? null;
}

export async function findTransfer(dbx: DbOrTx, id: string): Promise<TransferRow | null> {
  const [row] = await dbx.select().from(ledgerTransfers).where(eq(ledgerTransfers.id, id));
  return row ?? null;
}

export interface EntryWithAccount {
  transferId: string;
  accountId: string;
  amountFen: number;
  kind: AccountRow['kind'];
  orgId: string | null;
  district: string | null;
  provider: string | null;
}

export async function entriesOf(dbx: DbOrTx, transferIds: string[]): Promise<EntryWithAccount[]> {
  if (transferIds.length === 0) return [];
  return dbx
    .select({
      transferId: ledgerEntries.transferId,
      accountId: ledgerEntries.accountId,
      amountFen: ledgerEntries.amountFen,
      kind: ledgerAccounts.kind,
      orgId: ledgerAccounts.orgId,
      district: ledgerAccounts.district,
      provider: ledgerAccounts.provider,
    })
    .from(ledgerEntries)
    .innerJoin(ledgerAccounts, eq(ledgerAccounts.id, ledgerEntries.accountId))
    .where(inArray(ledgerEntries.transferId, transferIds))
    .orderBy(asc(ledgerEntries.id));
}

export async function transfersOfTrade(dbx: DbOrTx, tradeId: string): Promise<TransferRow[]> {
  return dbx.select().from(ledgerTransfers).where(eq(ledgerTransfers.tradeId, tradeId)).orderBy(asc(ledgerTransfers.seq));
}

/** Escrow entries of a trade's transfers: what escrow holds for it now. */
export async function escrowHeldForTrade(dbx: DbOrTx, tradeId: string): Promise<number> {
  const r = await one<{ held: string | number | null }>(
    dbx,
    sql`select coalesce(sum(e.amount_fen), 0) as held from ledger_entries e
        join ledger_transfers t on t.id = e.transfer_id
        join ledger_accounts a on a.id = e.account_id
        where t.trade_id = ${tradeId} and a.kind = 'escrow'`,
  );
  return Number(r?.held ?? 0);
}

export async function systemAccounts(dbx: DbOrTx): Promise<AccountRow[]> {
  return dbx
    .select()
    .from(ledgerAccounts)
    .where(inArray(ledgerAccounts.kind, ['platform_fee', 'eco_fund', 'clearing']))
    .orderBy(asc(ledgerAccounts.id));
}

export async function orgAccountsPage(
  dbx: DbOrTx,
  afterId: string | undefined,
  limit: number,
): Promise<(AccountRow & { orgName: string | null })[]> {
  const conds = [inArray(ledgerAccounts.kind, ['escrow', 'payable'])];
  if (afterId) conds.push(gt(ledgerAccounts.id, afterId));
  const found = await dbx
    .select({ account: ledgerAccounts, orgName: orgs.name })
    .from(ledgerAccounts)
    .leftJoin(orgs, eq(orgs.id, ledgerAccounts.orgId))
    .where(and(...conds))
    .orderBy(asc(ledgerAccounts.id))
    .limit(limit);
  return found.map((r) => ({ ...r.account, orgName: r.orgName }));
}

export async function totalsByKind(dbx: DbOrTx): Promise<{ kind: AccountRow['kind']; total: number }[]> {
  const r = await rows<{ kind: AccountRow['kind']; total: string | number }>(
    dbx,
    sql`select kind, coalesce(sum(balance_fen), 0) as total from ledger_accounts group by kind`,
  );
  return r.map((x) => ({ kind: x.kind, total: Number(x.total) }));
}

/** The ledger's invariants, computed in SQL over everything stored (RELIABILITY M3). */
export async function invariantCounts(
  dbx: DbOrTx,
): Promise<{ transfers: number; unbalancedTransfers: number; mismatchedBalances: number; sumOfBalancesFen: number }> {
  const r = await one<{
    transfers: string | number;
    unbalanced: string | number;
    mismatched: string | number;
    total: string | number;
  }>(
    dbx,
    sql`select
          (select count(*) from ledger_transfers) as transfers,
          (select count(*) from (
             select t.id from ledger_transfers t left join ledger_entries e on e.transfer_id = t.id
             group by t.id having coalesce(sum(e.amount_fen), 0) <> 0 or count(e.id) < 2) u) as unbalanced,
          (select count(*) from ledger_accounts a
             left join (select account_id, sum(amount_fen) as s from ledger_entries group by account_id) e on e.account_id = a.id
             where a.balance_fen <> coalesce(e.s, 0)) as mismatched,
          (select coalesce(sum(balance_fen), 0) from ledger_accounts) as total`,
  );
  return {
    transfers: Number(r!.transfers),
    unbalancedTransfers: Number(r!.unbalanced),
    mismatchedBalances: Number(r!.mismatched),
    sumOfBalancesFen: Number(r!.total),
  };
}
