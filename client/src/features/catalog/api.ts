import { api } from '../../lib/api';
import type { TMaterial, TStream } from '../../../../shared/src/schemas/catalog.js';

export type Material = TMaterial;
export type Stream = TStream;

/** The five streams in the order the catalogue shows them. */
export { STREAMS } from '../../../../shared/src/enums.js';

export interface MaterialsFilter {
  stream?: Stream;
  hazardous?: boolean;
  q?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export const PAGE_SIZE = 20;

/** Query keys (lib/query.ts). The catalogue changes only with a release: no live event touches it. */
export const catalogKeys = {
  list: (filterKey: string) => ['catalog', 'list', filterKey] as const,
  all: () => ['catalog', 'all'] as const,
  material: (code: string) => ['catalog', 'material', code] as const,
  search: (q: string) => ['catalog', 'search', q] as const,
};

export const catalogApi = {
  list: (filter: MaterialsFilter, cursor: string | null, signal?: AbortSignal) =>
    api.get<Page<Material>>('/catalog/materials', {
      query: { stream: filter.stream, hazardous: filter.hazardous, q: filter.q, cursor, limit: PAGE_SIZE },
      signal,
    }),
  /** One page of at most 100, unfiltered (the whole catalogue takes a page or two). */
  listAll: (cursor: string | null, signal?: AbortSignal) =>
    api.get<Page<Material>>('/catalog/materials', { query: { cursor, limit: 100 }, signal }),
  get: (code: string, signal?: AbortSignal) => api.get<Material>(`/catalog/materials/${encodeURIComponent(code)}`, { signal }),
};
