import { api } from '../../lib/api';
import type { TPage } from '../../../../shared/src/schemas/common.js';
import type { TTrade, TTradeStatus } from '../../../../shared/src/schemas/trades.js';

export type Trade = TTrade;
export type TradeStatus = TTradeStatus;

/** Mirror of TRADE_STATUSES (shared/src/schemas/trades.ts), checked against its type. */
export const TRADE_STATUSES = ['awaiting_payment', 'funded', 'in_transit', 'delivered', 'disputed', 'settled', 'cancelled'] as const satisfies readonly TradeStatus[];

export const tradesApi = {
  list: (status: TradeStatus | undefined, cursor: string | null, signal?: AbortSignal) =>
    api.get<TPage<Trade>>('/trades', { query: { status, cursor, limit: 20 }, signal }),
  get: (id: string, signal?: AbortSignal) => api.get<Trade>(`/trades/${encodeURIComponent(id)}`, { signal }),
};
