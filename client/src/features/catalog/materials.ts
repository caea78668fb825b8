import { useEffect, useState } from 'react';
import { catalogApi, type Material } from './api';

/**
 * The whole catalogue (under a hundred codes), loaded once per page load and shared: the market's
 * material filter, and names for trades, which carry only the code.
 */
let all: Promise<Map<string, Material>> | null = null;

function loadAll(): Promise<Map<string, Material>> {
  all ??= (async () => {
    const map = new Map<string, Material>();
    let cursor: string | null = null;
    for (let i = 0; i < 20; i++) {
      const page = await catalogApi.listAll(cursor);
      for (const m of page.items) map.set(m.code, m);
      cursor = page.nextCursor;
      if (!cursor) break;
    }
    return map;
  })().catch((err: unknown) => {
    all = null; // let a later view try again
    throw err;
  });
  return all;
}

/** Every material by code; an empty map until loaded (or when the catalogue cannot be reached). */
export function useMaterials(): Map<string, Material> {
  const [materials, setMaterials] = useState<Map<string, Material>>(new Map());
  useEffect(() => {
    let live = true;
    loadAll()
      .then((m) => live && setMaterials(m))
      .catch(() => {});
    return () => {
      live = false;
    };
  }, []);
  return materials;
}
