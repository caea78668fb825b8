import { markStale, useWrite } from '../../lib/query';
import { api } from '../../lib/api';
import type { TPage } from '../../../../shared/src/schemas/common.js';
import type { TBankTransfer, TPayment } from '../../../../shared/src/schemas/payments.js';
import type { TPlatformBalances } from '../../../../shared/src/schemas/ledger.js';

export type BankTransfer = TBankTransfer;
export type PlatformBalances = TPlatformBalances;

/** Query keys (lib/query.ts); trade events invalidate ['admin']. */
export const adminKeys = {
  bankTransfers: (status: string) => ['admin', 'bankTransfers', status] as const,
  balances: () => ['admin', 'balances'] as const,
};

export const adminApi = {
  bankTransfers: (status: 'pending' | 'succeeded', cursor: string | null, signal?: AbortSignal) =>
    api.get<TPage<BankTransfer>>('/payments/bank-transfers', { query: { status, cursor, limit: 20 }, signal }),
  confirmBankTransfer: (reference: string, amountFen: number, note?: string) =>
    api.post<TPayment>(
      `/payments/bank-transfers/${encodeURIComponent(reference)}/confirm`,
      note ? { amountFen, note } : { amountFen },
    ),
  balances: (cursor: string | null, signal?: AbortSignal) =>
    api.get<PlatformBalances>('/admin/balances', { query: { cursor, limit: 50 }, signal }),
};

/** Confirming a bank transfer (lib/query.ts useWrite) funds a trade: transfers, balances, payments and trades are read again. */
export const useConfirmBankTransfer = () =>
  useWrite(
    (v: { reference: string; amountFen: number; note?: string }) =>
      adminApi.confirmBankTransfer(v.reference, v.amountFen, v.note),
    (client) => markStale(client, [['admin'], ['payments'], ['trades']]),
  );
