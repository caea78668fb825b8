import { useCallback, useEffect, useRef, useState } from 'react';

export interface PageOf<T> {
  items: T[];
  nextCursor: string | null;
}

/** `key` is the query the items were loaded for; a list for an older query is never shown as current. */
export interface PagedState<T> {
  status: 'loading' | 'ready' | 'error';
  key: string;
  items: T[];
  nextCursor: string | null;
  error?: unknown;
}

const idOfItem = (item: unknown) => (item as { id?: string }).id;

/**
 * A cursor-paged list (`{ items, nextCursor }`, DESIGN §7.1) for the query `key`: loads the first
 * page when the key changes, appends pages on loadMore, drops answers that arrive for an older key,
 * and lets live events patch the items in place. `idOf` tells items apart (by default their `id`),
 * so that a page does not add again what a live insert already put in the list.
 */
export function usePagedList<T>(
  key: string,
  fetchPage: (key: string, cursor: string | null, signal?: AbortSignal) => Promise<PageOf<T>>,
  idOf: (item: T) => unknown = idOfItem,
) {
  const [state, setState] = useState<PagedState<T>>({ status: 'loading', key, items: [], nextCursor: null });
  const [attempt, setAttempt] = useState(0);
  const fetchRef = useRef(fetchPage);
  fetchRef.current = fetchPage;
  const idOfRef = useRef(idOf);
  idOfRef.current = idOf;

  useEffect(() => {
    const controller = new AbortController();
    // A reload of the same list keeps showing the current items until the fresh page arrives.
    setState((s) => (s.key === key ? { ...s, status: 'loading' } : { status: 'loading', key, items: [], nextCursor: null }));
    fetchRef
      .current(key, null, controller.signal)
      .then((page) => setState({ status: 'ready', key, items: page.items, nextCursor: page.nextCursor }))
      .catch((error: unknown) => {
        if (!controller.signal.aborted) setState((s) => ({ status: 'error', key, items: s.key === key ? s.items : [], nextCursor: null, error }));
      });
    return () => controller.abort();
  }, [key, attempt]);

  const reload = useCallback(() => setAttempt((n) => n + 1), []);

  const stateRef = useRef(state);
  stateRef.current = state;

  const loadMore = useCallback(async () => {
    const s = stateRef.current;
    if (!s.nextCursor || s.status === 'loading') return;
    setState({ ...s, status: 'loading' });
    const settle = (next: PagedState<T>) => setState((current) => (current.key === s.key ? next : current));
    try {
      const page = await fetchRef.current(s.key, s.nextCursor);
      // Live inserts may already hold some of the page's items.
      const seen = new Set(s.items.map((i) => idOfRef.current(i)));
      settle({ status: 'ready', key: s.key, items: [...s.items, ...page.items.filter((i) => !seen.has(idOfRef.current(i)))], nextCursor: page.nextCursor });
    } catch (error) {
      settle({ ...s, status: 'error', error });
    }
  }, []);

  const patch = useCallback((fn: (items: T[]) => T[]) => setState((s) => ({ ...s, items: fn(s.items) })), []);

  /** After an error: the page that failed again (a next page, or the first). */
  const retry = useCallback(() => (stateRef.current.nextCursor ? loadMore() : reload()), [loadMore, reload]);

  return { state, busy: state.status === 'loading' || state.key !== key, reload, loadMore, retry, patch };
}
