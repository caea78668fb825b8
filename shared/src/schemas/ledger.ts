import { z } from 'zod';
import { zText } from './text.js';

import { LEDGER_ACCOUNT_KINDS } from '../enums.js';

export { LEDGER_ACCOUNT_KINDS };
export type TLedgerAccountKind = (typeof LEDGER_ACCOUNT_KINDS)[number];

export const LEDGER_TRANSFER_KINDS = ['fund', 'settle', 'reversal', 'adjustment'] as const;
export type TLedgerTransferKind = (typeof LEDGER_TRANSFER_KINDS)[number];

export const ZLedgerAccount = z.object({
  /** escrow:<org>, payable:<org>, platform:fees, fund:<district>, clearing:<provider>. */
  id: z.string(),
  kind: z.enum(LEDGER_ACCOUNT_KINDS),
  orgId: z.uuid().nullable(),
  district: z.string().nullable(),
  provider: z.string().nullable(),
  balanceFen: z.number().int(),
});
export type TLedgerAccount = z.infer<typeof ZLedgerAccount>;

export const ZLedgerEntry = z.object({
  accountId: z.string(),
  kind: z.enum(LEDGER_ACCOUNT_KINDS),
  orgId: z.uuid().nullable(),
  district: z.string().nullable(),
  provider: z.string().nullable(),
  /** Positive: into the account; negative: out of it. A transfer's entries sum to zero. */
  amountFen: z.number().int(),
});
export type TLedgerEntry = z.infer<typeof ZLedgerEntry>;

export const ZLedgerTransfer = z.object({
  id: z.uuid(),
  seq: z.number().int(),
  /** The business operation, once: trade:<id>:fund, trade:<id>:settle. */
  operationId: z.string(),
  kind: z.enum(LEDGER_TRANSFER_KINDS),
  tradeId: z.uuid().nullable(),
  reversesTransferId: z.uuid().nullable(),
  description: z.string(),
  details: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
  entries: z.array(ZLedgerEntry),
  /** Always 0; carried so a reader can check it. */
  sumFen: z.number().int(),
});
export type TLedgerTransfer = z.infer<typeof ZLedgerTransfer>;

/** GET /trades/:id/ledger. */
export const ZTradeLedger = z.object({
  tradeId: z.uuid(),
  transfers: z.array(ZLedgerTransfer),
  /** What escrow still holds for this trade. */
  escrowHeldFen: z.number().int(),
});
export type TTradeLedger = z.infer<typeof ZTradeLedger>;

export const ZBalancesQuery = z.strictObject({
  /** Org accounts page (escrow and payable), by account id. */
  cursor: zText().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
export type TBalancesQuery = z.infer<typeof ZBalancesQuery>;

/** GET /admin/balances: the platform's own accounts, totals per kind, org accounts, and the invariants. */
export const ZPlatformBalances = z.object({
  system: z.array(ZLedgerAccount),
  totals: z.record(z.enum(LEDGER_ACCOUNT_KINDS), z.number().int()),
  orgAccounts: z.object({
    items: z.array(ZLedgerAccount.extend({ orgName: z.string().nullable() })),
    nextCursor: z.string().nullable(),
  }),
  checks: z.object({
    transfers: z.number().int(),
    /** Transfers whose entries do not sum to zero (the database refuses them; expected 0). */
    unbalancedTransfers: z.number().int(),
    /** Accounts whose balance differs from the sum of their entries (expected 0). */
    mismatchedBalances: z.number().int(),
    /** The sum of every balance (expected 0). */
    sumOfBalancesFen: z.number().int(),
  }),
});
export type TPlatformBalances = z.infer<typeof ZPlatformBalances>;
