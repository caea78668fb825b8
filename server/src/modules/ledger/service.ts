/**
 * The double-entry ledger (DESIGN §5.5, §5.7; RELIABILITY M3, M4). Money is integer fen; every
 * transfer's entries sum to zero; each business operation posts at most one transfer (its
 * operation id is unique); rows are never updated or deleted, and a correction is a reversing
 * transfer. Payments and settlement post through `postTransfer` inside their own transaction.
 */
import type { Ids } from '../../clock.js';
import type { Db, DbOrTx } from '../../db/client.js';
import { AppError, ErrorCodes } from '../../../../shared/src/errors.js';
import { decodeCursor, encodeCursor } from '../../../../shared/src/schemas/common.js';
import type {
  TBalancesQuery,
  TLedgerAccount,
  TLedgerTransfer,
  TPlatformBalances,
  TTradeLedger,
} from '../../../../shared/src/schemas/ledger.js';
import { LEDGER_ACCOUNT_KINDS } from '../../../../shared/src/schemas/ledger.js';
import type { UserActor } from '../../http/actor.js';
import { canSeeTrade, getTradeRow } from '../trades/index.js';
import { accountSpec, normaliseEntries, LedgerRuleError, type EntryInput } from './model.js';
import * as repo from './repo.js';

export { Accounts, LedgerRuleError, type EntryInput } from './model.js';
export type LedgerService = ReturnType<typeof createLedgerService>;

export interface PostTransfer {
  /** The business operation, e.g. `trade:<id>:settle`; a second post with the same id posts nothing. */
  operationId: string;
  kind: 'fund' | 'settle' | 'reversal' | 'adjustment';
  tradeId?: string | null;
  reversesTransferId?: string | null;
  description: string;
  details?: Record<string, unknown>;
  createdBy?: string | null;
  entries: readonly EntryInput[];
}

export interface Posted {
  transferId: string;
  /** False when the operation had posted before (nothing new was written). */
  created: boolean;
  entries: EntryInput[];
}

/** An entry would take an account below what its kind allows (the database refused it). */
export class LedgerOverdraftError extends Error {
  constructor(
    readonly operationId: string,
    cause: unknown,
  ) {
    super(`ledger transfer ${operationId} would overdraw an account`, { cause });
    this.name = 'LedgerOverdraftError';
  }
}

/** The same operation id was posted before with other entries: a bug upstream, never silently merged. */
export class LedgerConflictError extends Error {
  constructor(readonly operationId: string) {
    super(`ledger operation ${operationId} was posted before with different entries`);
    this.name = 'LedgerConflictError';
  }
}

function sqlState(err: unknown): string | undefined {
  for (let e: unknown = err, i = 0; i < 4 && e && typeof e === 'object'; i++, e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

function sameEntries(a: EntryInput[], b: EntryInput[]): boolean {
  return a.length === b.length && a.every((e, i) => e.accountId === b[i]!.accountId && e.amountFen === b[i]!.amountFen);
}

/**
 * Posts one balanced transfer in the caller's transaction, creating the accounts it names. Once per
 * operation id: a repeat with the same entries returns the stored transfer (created: false); with
 * other entries it throws LedgerConflictError. An overdraft throws LedgerOverdraftError (the caller's
 * transaction is then aborted, so nothing of it commits). Returns null when nothing moves (every
 * amount zero).
 */
export async function postTransfer(tx: DbOrTx, ids: Ids, t: PostTransfer): Promise<Posted | null> {
  let entries: EntryInput[];
  try {
    entries = normaliseEntries(t.entries);
  } catch (err) {
    if (err instanceof LedgerRuleError) throw new Error(`ledger operation ${t.operationId}: ${err.message}`, { cause: err });
    throw err;
  }
  if (entries.length === 0) return null;
  await repo.ensureAccounts(
    tx,
    entries.map((e) => accountSpec(e.accountId)),
  );
  const id = ids.uuid();
  const inserted = await repo.insertTransfer(tx, {
    id,
    operationId: t.operationId,
    kind: t.kind,
    tradeId: t.tradeId ?? null,
    reversesTransferId: t.reversesTransferId ?? null,
    description: t.description,
    details: t.details ?? {},
    createdBy: t.createdBy ?? null,
  });
  if (!inserted) {
    const prior = await repo.findTransferByOperation(tx, t.operationId);
    if (!prior) throw new Error(`ledger operation ${t.operationId} conflicted but is not visible`);
    const stored = (await repo.entriesOf(tx, [prior.id])).map((e) => ({ accountId: e.accountId, amountFen: e.amountFen }));
    if (!sameEntries(normaliseEntries(stored), entries)) throw new LedgerConflictError(t.operationId);
    return { transferId: prior.id, created: false, entries };
  }
  try {
    await repo.insertEntries(tx, id, entries);
  } catch (err) {
    if (sqlState(err) === '23514') throw new LedgerOverdraftError(t.operationId, err);
    throw err;
  }
  return { transferId: id, created: true, entries };
}

/** Posts the exact opposite of a transfer (a correction); once per reversed transfer. */
export async function reverseTransfer(
  tx: DbOrTx,
  ids: Ids,
  transferId: string,
  o: { description: string; createdBy?: string | null; details?: Record<string, unknown> },
): Promise<Posted | null> {
  const original = await repo.findTransfer(tx, transferId);
  if (!original) throw new AppError(ErrorCodes.NOT_FOUND, 'no such ledger transfer');
  const entries = (await repo.entriesOf(tx, [transferId])).map((e) => ({ accountId: e.accountId, amountFen: -e.amountFen }));
  return postTransfer(tx, ids, {
    operationId: `reversal:${transferId}`,
    kind: 'reversal',
    tradeId: original.tradeId,
    reversesTransferId: transferId,
    description: o.description,
    details: { ...o.details, reverses: original.operationId },
    createdBy: o.createdBy ?? null,
    entries,
  });
}

export function transferExists(dbx: DbOrTx, operationId: string): Promise<boolean> {
  return repo.findTransferByOperation(dbx, operationId).then((r) => r !== null);
}

export function escrowHeldForTrade(dbx: DbOrTx, tradeId: string): Promise<number> {
  return repo.escrowHeldForTrade(dbx, tradeId);
}

async function transfersWithEntries(dbx: DbOrTx, transfers: repo.TransferRow[]): Promise<TLedgerTransfer[]> {
  const entries = await repo.entriesOf(
    dbx,
    transfers.map((t) => t.id),
  );
  return transfers.map((t) => {
    const mine = entries.filter((e) => e.transferId === t.id);
    return {
      id: t.id,
      seq: t.seq,
      operationId: t.operationId,
      kind: t.kind,
      tradeId: t.tradeId,
      reversesTransferId: t.reversesTransferId,
      description: t.description,
      details: t.details,
      createdAt: t.createdAt.toISOString(),
      entries: mine.map((e) => ({
        accountId: e.accountId,
        kind: e.kind,
        orgId: e.orgId,
        district: e.district,
        provider: e.provider,
        amountFen: e.amountFen,
      })),
      sumFen: mine.reduce((s, e) => s + e.amountFen, 0),
    };
  });
}

function toAccount(a: repo.AccountRow): TLedgerAccount {
  return { id: a.id, kind: a.kind, orgId: a.orgId, district: a.district, provider: a.provider, balanceFen: a.balanceFen };
}

export function createLedgerService(deps: { db: Db }) {
  const { db } = deps;
  return {
    /** GET /trades/:id/ledger: parties and overseers in scope; others get 404. */
    async tradeLedger(actor: UserActor, tradeId: string): Promise<TTradeLedger> {
      const trade = await getTradeRow(db, tradeId);
      if (!trade || !canSeeTrade(actor, trade)) throw new AppError(ErrorCodes.NOT_FOUND, 'no such trade');
      const transfers = await transfersWithEntries(db, await repo.transfersOfTrade(db, tradeId));
      return { tradeId, transfers, escrowHeldFen: await repo.escrowHeldForTrade(db, tradeId) };
    },

    /** GET /admin/balances: the platform's accounts, totals per kind, org accounts by page, invariants. */
    async platformBalances(actor: UserActor, q: TBalancesQuery): Promise<TPlatformBalances> {
      if (!actor.roles.includes('admin')) throw new AppError(ErrorCodes.FORBIDDEN_ROLE, 'admins only');
      const after = q.cursor ? decodeCursor(q.cursor)?.[0] : undefined;
      if (q.cursor && typeof after !== 'string')
        throw new AppError(ErrorCodes.VALIDATION_FAILED, 'invalid cursor', {
          fields: [{ path: 'cursor', message: 'invalid cursor' }],
        });
      const page = await repo.orgAccountsPage(db, after as string | undefined, q.limit + 1);
      const items = page.slice(0, q.limit);
      const totals = Object.fromEntries(LEDGER_ACCOUNT_KINDS.map((k) => [k, 0])) as TPlatformBalances['totals'];
      for (const t of await repo.totalsByKind(db)) totals[t.kind] = t.total;
      return {
        system: (await repo.systemAccounts(db)).map(toAccount),
        totals,
        orgAccounts: {
          items: items.map((a) => ({ ...toAccount(a), orgName: a.orgName })),
          nextCursor: page.length > q.limit ? encodeCursor([items.at(-1)!.id]) : null,
        },
        checks: await repo.invariantCounts(db),
      };
    },
  };
}
