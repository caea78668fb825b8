import { api } from '../../lib/api';
import type { TPage } from '../../../../shared/src/schemas/common.js';
import type { TTrade, TTradeStatus } from '../../../../shared/src/schemas/trades.js';
import type { TEcoRate } from '../../../../shared/src/schemas/ecorates.js';

export type Trade = TTrade;
export type TradeStatus = TTradeStatus;

export { TRADE_STATUSES } from '../../../../shared/src/enums.js';

/** Query keys (lib/query.ts); trade events invalidate ['trades']. */
export const tradeKeys = {
  list: (status: string) => ['trades', 'list', status] as const,
  detail: (id: string) => ['trades', 'detail', id] as const,
  /** An eco rate row never changes (the table is append-only), so it is cached for good. */
  ecoRate: (id: string) => ['eco-rates', id] as const,
};

export const tradesApi = {
  list: (status: TradeStatus | undefined, cursor: string | null, signal?: AbortSignal) =>
    api.get<TPage<Trade>>('/trades', { query: { status, cursor, limit: 20 }, signal }),
  get: (id: string, signal?: AbortSignal) => api.get<Trade>(`/trades/${encodeURIComponent(id)}`, { signal }),
  ecoRate: (id: string, signal?: AbortSignal) => api.get<TEcoRate>(`/eco-rates/${encodeURIComponent(id)}`, { signal }),
};
