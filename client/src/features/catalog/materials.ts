import { useQuery } from '@tanstack/react-query';
import { catalogApi, catalogKeys, type Material } from './api';

async function loadAll(signal: AbortSignal): Promise<Map<string, Material>> {
  const map = new Map<string, Material>();
  let cursor: string | null = null;
  for (let i = 0; i < 20; i++) {
    const page = await catalogApi.listAll(cursor, signal);
    for (const m of page.items) map.set(m.code, m);
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  return map;
}

const NONE = new Map<string, Material>();

/**
 * Every material by code (under a hundred codes), read once per page load and shared: the market's
 * material filter, and names for trades, which carry only the code. An empty map until loaded (or
 * when the catalogue cannot be reached; a later view tries again).
 */
export function useMaterials(): Map<string, Material> {
  const query = useQuery({
    queryKey: catalogKeys.all(),
    queryFn: ({ signal }) => loadAll(signal),
    staleTime: Infinity,
    gcTime: Infinity,
  });
  return query.data ?? NONE;
}
