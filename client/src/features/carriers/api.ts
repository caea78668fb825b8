import { api } from '../../lib/api';
import type { TPage } from '../../../../shared/src/schemas/common.js';
import type { TCarrier } from '../../../../shared/src/schemas/carriers.js';

export type Carrier = TCarrier;

/** Query keys (lib/query.ts): the directory changes only with licence decisions, so no live invalidation. */
export const carrierKeys = {
  search: (q: string, code: string | null) => ['carriers', 'search', q, code ?? ''] as const,
};

export const carriersApi = {
  /** GET /carriers: by name or USCC; with a hazardous `code`, only carriers licensed for it today. */
  search: (q: string, code: string | null, signal?: AbortSignal) =>
    api.get<TPage<Carrier>>('/carriers', { query: { q: q || undefined, code: code ?? undefined, limit: 8 }, signal }),
};
