import { markStale, useWrite } from '../../lib/query';
import type { QueryClient } from '@tanstack/react-query';
import { api } from '../../lib/api';
import type { TPage } from '../../../../shared/src/schemas/common.js';
import type {
  TCreditFeedPage,
  TCreditHistoryEntry,
  TCreditScore,
  TDeliveryStatus,
  TDelivery,
  TSubscription,
  TSubscriptionList,
} from '../../../../shared/src/schemas/credit.js';
import type { TOrgProfile } from '../../../../shared/src/schemas/orgs.js';

export type CreditScore = TCreditScore;
export type CreditHistoryEntry = TCreditHistoryEntry;
export type Subscription = TSubscription;
export type Delivery = TDelivery;
export type DeliveryStatus = TDeliveryStatus;

export { DELIVERY_STATUSES } from '../../../../shared/src/enums.js';

/** Query keys (lib/query.ts); credit.changed invalidates ['credit']. */
export const creditKeys = {
  org: (orgId: string) => ['credit', 'org', orgId] as const,
  feed: () => ['credit', 'feed'] as const,
  subscriptions: () => ['credit', 'subscriptions'] as const,
  deliveries: (q: { subscriptionId?: string; status?: string }) => ['credit', 'deliveries', q] as const,
};

export const creditApi = {
  score: (orgId: string, signal?: AbortSignal) => api.get<CreditScore>(`/credit/orgs/${encodeURIComponent(orgId)}`, { signal }),
  history: (orgId: string, cursor: string | null, limit = 100, signal?: AbortSignal) =>
    api.get<TPage<CreditHistoryEntry>>(`/credit/orgs/${encodeURIComponent(orgId)}/history`, { query: { cursor, limit }, signal }),
  org: (orgId: string, signal?: AbortSignal) => api.get<TOrgProfile>(`/orgs/${encodeURIComponent(orgId)}`, { signal }),
  feed: (after: string | null, limit = 50, signal?: AbortSignal) =>
    api.get<TCreditFeedPage>('/credit/feed', { query: { after, limit }, signal }),
  subscriptions: (signal?: AbortSignal) => api.get<TSubscriptionList>('/credit/subscriptions', { signal }),
  subscribe: (url: string, secret: string) => api.post<Subscription>('/credit/subscriptions', { url, secret }),
  unsubscribe: (id: string) => api.delete<Subscription>(`/credit/subscriptions/${encodeURIComponent(id)}`),
  deliveries: (q: { subscriptionId?: string; status?: DeliveryStatus }, cursor: string | null, signal?: AbortSignal) =>
    api.get<TPage<Delivery>>('/credit/deliveries', { query: { ...q, cursor, limit: 20 }, signal }),
};

// Writes (lib/query.ts useWrite): subscriptions and their deliveries are read again.
const subscriptionsChanged = (client: QueryClient) => markStale(client, [creditKeys.subscriptions(), ['credit', 'deliveries']]);
export const useSubscribe = () =>
  useWrite((v: { url: string; secret: string }) => creditApi.subscribe(v.url, v.secret), subscriptionsChanged);
export const useUnsubscribe = () => useWrite(creditApi.unsubscribe, subscriptionsChanged);
