import { api } from '../../lib/api';
import type { TPriceIndex } from '../../../../shared/src/schemas/prices.js';
import type {
  TPublicCreditList,
  TPublicFlows,
  TPublicIndicators,
  TPublicLicences,
} from '../../../../shared/src/schemas/public.js';

/** Public disclosure (公示): GET /api/v1/public/…, no sign-in. */
export const publicKeys = {
  prices: (material: string) => ['public', 'prices', material] as const,
  flows: () => ['public', 'flows'] as const,
  indicators: () => ['public', 'indicators'] as const,
  credit: () => ['public', 'credit'] as const,
  licences: () => ['public', 'licences'] as const,
};

export const publicApi = {
  prices: (material: string, signal?: AbortSignal) =>
    api.get<TPriceIndex>('/public/prices', { query: { material, weeks: 26 }, signal }),
  flows: (signal?: AbortSignal) => api.get<TPublicFlows>('/public/flows', { query: { months: 12 }, signal }),
  indicators: (signal?: AbortSignal) => api.get<TPublicIndicators>('/public/indicators', { signal }),
  credit: (signal?: AbortSignal) => api.get<TPublicCreditList>('/public/credit', { signal }),
  licences: (signal?: AbortSignal) => api.get<TPublicLicences>('/public/licences', { signal }),
};
