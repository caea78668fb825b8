import { useQuery } from '@tanstack/react-query';
import { api } from '../../lib/api';
import { markStale, useWrite } from '../../lib/query';
import type { TPage } from '../../../../shared/src/schemas/common.js';
import type {
  TCreateWatchRequest,
  TMarketBook,
  TOrder,
  TPlaceOrderRequest,
  TPrint,
  TWatch,
} from '../../../../shared/src/schemas/markets.js';

// Types only: the zod schemas stay on the server, out of the browser bundle.
export type MarketBook = TMarketBook;
export type Order = TOrder;
export type Print = TPrint;
export type PlaceOrderBody = TPlaceOrderRequest;
export type Watch = TWatch;

/** Query keys; the live `market.trade` and `market.depth` events invalidate ['markets'] (realtime/liveKeys.ts), a print also ['orders']. */
export const marketKeys = {
  book: (code: string) => ['markets', code, 'book'] as const,
  prints: (code: string) => ['markets', code, 'prints'] as const,
  myOrders: (code: string) => ['orders', code] as const,
  watches: () => ['watches'] as const,
};

const path = (code: string) => `/markets/${encodeURIComponent(code)}`;

export const marketsApi = {
  book: (code: string, signal?: AbortSignal) => api.get<MarketBook>(`${path(code)}/book`, { query: { levels: 15 }, signal }),
  prints: (code: string, signal?: AbortSignal) =>
    api.get<{ items: Print[] }>(`${path(code)}/trades`, { query: { limit: 60 }, signal }),
  myOrders: (code: string, signal?: AbortSignal) =>
    api.get<TPage<Order>>('/orders', { query: { market: code, status: 'open', limit: 50 }, signal }),
  place: (v: { code: string; body: PlaceOrderBody }) => api.post<Order>(`${path(v.code)}/orders`, v.body),
  cancel: (v: { code: string; id: string }) => api.delete<Order>(`${path(v.code)}/orders/${encodeURIComponent(v.id)}`),
  watches: (signal?: AbortSignal) => api.get<{ items: Watch[] }>('/watches', { signal }),
  watch: (body: TCreateWatchRequest) => api.post<Watch>('/watches', body),
  unwatch: (id: string) => api.delete<Watch>(`/watches/${encodeURIComponent(id)}`),
};

export function useMarketBook(code: string) {
  return useQuery({ queryKey: marketKeys.book(code), queryFn: ({ signal }) => marketsApi.book(code, signal) });
}
export function usePrints(code: string) {
  return useQuery({ queryKey: marketKeys.prints(code), queryFn: ({ signal }) => marketsApi.prints(code, signal) });
}
export function useMyOrders(code: string, enabled: boolean) {
  return useQuery({ queryKey: marketKeys.myOrders(code), queryFn: ({ signal }) => marketsApi.myOrders(code, signal), enabled });
}

/** An order changes the book, maybe the prints and trades, and the caller's orders. */
export const usePlaceOrder = () =>
  useWrite(marketsApi.place, (client, order) =>
    markStale(client, [['markets'], ['orders'], ...(order.tradeIds.length ? [['trades']] : [])]),
  );
export const useCancelOrder = () => useWrite(marketsApi.cancel, (client) => markStale(client, [['markets'], ['orders']]));

export function useWatches(enabled: boolean) {
  return useQuery({ queryKey: marketKeys.watches(), queryFn: ({ signal }) => marketsApi.watches(signal), enabled });
}
export const useWatch = () => useWrite(marketsApi.watch, (client) => markStale(client, [['watches']]));
export const useUnwatch = () => useWrite(marketsApi.unwatch, (client) => markStale(client, [['watches']]));
