import { markStale, useWrite } from '../../lib/query';
import { api } from '../../lib/api';
import type { TPayResponse, TPaymentProvider, TTradePayment } from '../../../../shared/src/schemas/payments.js';
import type { TTradeLedger } from '../../../../shared/src/schemas/ledger.js';
import type { TTrade } from '../../../../shared/src/schemas/trades.js';

export type PayResponse = TPayResponse;
export type TradePaymentState = TTradePayment;
export type TradeLedgerView = TTradeLedger;
export type PaymentProvider = TPaymentProvider;

/** Query keys (lib/query.ts); trade events invalidate ['payments']. */
export const paymentKeys = {
  state: (tradeId: string, tradeStatus: string) => ['payments', 'state', tradeId, tradeStatus] as const,
  ledger: (tradeId: string) => ['payments', 'ledger', tradeId] as const,
};

export const paymentsApi = {
  /** POST /trades/:id/pay; no provider: the deployment's own (bank transfer above Stripe's limit). */
  pay: (tradeId: string, provider?: PaymentProvider) =>
    api.post<PayResponse>(`/trades/${encodeURIComponent(tradeId)}/pay`, provider ? { provider } : {}),
  payment: (tradeId: string, signal?: AbortSignal) =>
    api.get<TradePaymentState>(`/trades/${encodeURIComponent(tradeId)}/payment`, { signal }),
  ledger: (tradeId: string, signal?: AbortSignal) =>
    api.get<TradeLedgerView>(`/trades/${encodeURIComponent(tradeId)}/ledger`, { signal }),
  cancel: (tradeId: string, reason?: string) =>
    api.post<TTrade>(`/trades/${encodeURIComponent(tradeId)}/cancel`, reason ? { reason } : {}),
};

// Writes (lib/query.ts useWrite): a payment action moves the payment and the trade.
export const usePay = () =>
  useWrite(
    (v: { tradeId: string; provider?: PaymentProvider }) => paymentsApi.pay(v.tradeId, v.provider),
    (client) => markStale(client, [['payments'], ['trades']]),
  );
export const useCancelTrade = () =>
  useWrite(
    (v: { tradeId: string; reason?: string }) => paymentsApi.cancel(v.tradeId, v.reason),
    (client) => markStale(client, [['payments'], ['trades'], ['listings']]),
  );
