import { useRef } from 'react';
import { QueryClient, useInfiniteQuery, useMutation, useQueryClient, type QueryKey } from '@tanstack/react-query';

/**
 * The client's one data loader is TanStack Query (docs/decisions/0011-client-data-loading.md): every
 * read it shows goes through a query with a key from its feature's `api.ts`, every write through a
 * mutation (`useWrite` below) that marks stale what it changed, and the live feed invalidates keys in
 * one place (features/realtime/liveKeys.ts). File downloads (manifest PDF, flows CSV) are not queries.
 *
 * No automatic retries and no refetch on focus: a failed load shows its error with a retry button at
 * once (as the hand-written loaders did), and the live feed, not the window focus, says when data changed.
 */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { retry: false, refetchOnWindowFocus: false, refetchOnReconnect: false },
      mutations: { retry: false },
    },
  });
}

export interface PageOf<T> {
  items: T[];
  nextCursor: string | null;
}

/** A cursor-paged list as the list chrome shows it. `key` is the query the items were loaded for. */
export interface PagedState<T> {
  status: 'loading' | 'ready' | 'error';
  key: string;
  items: T[];
  nextCursor: string | null;
  error?: unknown;
}

const idOfItem = (item: unknown) => (item as { id?: string }).id;

/**
 * A cursor-paged list (`{ items, nextCursor }`, DESIGN §7.1) as an infinite query: the first page
 * when the key changes, one more page per loadMore. Items are told apart by `idOf` (their `id` by
 * default), so a page never shows twice what an earlier page already holds. `label` is what the
 * results are marked with (`data-loaded-for`) once loaded.
 */
export function usePagedQuery<T>(options: {
  queryKey: QueryKey;
  label: string;
  fetchPage: (cursor: string | null, signal: AbortSignal) => Promise<PageOf<T>>;
  idOf?: (item: T) => unknown;
  enabled?: boolean;
}) {
  const { queryKey, label, fetchPage, idOf = idOfItem, enabled } = options;
  const query = useInfiniteQuery({
    queryKey,
    queryFn: ({ pageParam, signal }) => fetchPage(pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    enabled,
  });

  const items: T[] = [];
  const seen = new Set<unknown>();
  for (const page of query.data?.pages ?? []) {
    for (const item of page.items) {
      const id = idOf(item);
      if (seen.has(id)) continue;
      seen.add(id);
      items.push(item);
    }
  }
  const nextCursor = query.data?.pages.at(-1)?.nextCursor ?? null;
  const state: PagedState<T> = {
    status: query.isFetching ? 'loading' : query.isError ? 'error' : 'ready',
    key: label,
    items,
    nextCursor,
    error: query.error ?? undefined,
  };
  const loadMore = () => {
    if (nextCursor && !query.isFetching) void query.fetchNextPage();
  };
  return {
    state,
    busy: query.isFetching,
    reload: () => void query.refetch(),
    loadMore,
    /** After an error: the page that failed again (a next page, or the list). */
    retry: () => (query.isFetchNextPageError ? loadMore() : void query.refetch()),
  };
}

/**
 * A write through the API as a mutation: `run` sends it; once it succeeds, `after` marks stale
 * what it changed (and may put the answer in the cache), so every view showing that data reads it
 * again. Callers `await mutateAsync(…)` inside their own form handling (field errors, busy state).
 * Invalidation is not awaited: the caller goes on (e.g. navigates) while the refetch runs.
 */
export function useWrite<V, R>(run: (vars: V) => Promise<R>, after: (client: QueryClient, result: R, vars: V) => void) {
  const client = useQueryClient();
  return useMutation({ mutationFn: run, onSuccess: (result, vars) => after(client, result, vars) });
}

/** Marks every query under each key prefix stale; those on screen refetch. */
export function markStale(client: QueryClient, keys: QueryKey[]): void {
  for (const queryKey of keys) void client.invalidateQueries({ queryKey });
}

/**
 * The last data a query had, across its key changes and failures: for a view that keeps showing
 * figures beside an error rather than losing them (the regulator's dashboard). TanStack Query keeps
 * data when a refetch of the same key fails, and `keepPreviousData` while a new key loads, but not
 * when the new key's first load fails.
 */
export function useLastData<T>(data: T | undefined): T | undefined {
  const last = useRef(data);
  if (data !== undefined) last.current = data;
  return last.current;
}
