import { useCallback, useEffect, useRef, useState } from 'react';

/** One thing read from the API: still loading, loaded, or failed. */
export type Resource<T> = { status: 'loading' } | { status: 'ready'; data: T } | { status: 'error'; error: unknown };

export interface ResourceOptions {
  /**
   * What the page shows while a (re)load runs: `keep` (the default) keeps what it shows until the
   * answer; `loading` shows the loading state each time; `keepReady` keeps loaded data but shows the
   * loading state over an error.
   */
  pending?: 'keep' | 'loading' | 'keepReady';
  /** When this answers true, a failed reload keeps the data already loaded instead of showing the error. */
  keepDataOnError?: (error: unknown) => boolean;
}

/**
 * Loads `load` when `deps` change and on `reload()`, aborting the load it replaces; an answer to an
 * aborted load is never shown as an error. `setData` replaces the loaded data (e.g. with what an
 * action or a live event returned); given a function, it updates loaded data and leaves any other
 * state alone. `setError` shows an error in its place.
 */
export function useResource<T>(load: (signal: AbortSignal) => Promise<T>, deps: readonly unknown[], options: ResourceOptions = {}) {
  const [state, setState] = useState<Resource<T>>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const optionsRef = useRef(options);
  optionsRef.current = options;

  useEffect(() => {
    const controller = new AbortController();
    const { pending = 'keep', keepDataOnError } = optionsRef.current;
    if (pending === 'loading') setState({ status: 'loading' });
    else if (pending === 'keepReady') setState((s) => (s.status === 'ready' ? s : { status: 'loading' }));
    loadRef
      .current(controller.signal)
      .then((data) => setState({ status: 'ready', data }))
      .catch((error: unknown) => {
        if (controller.signal.aborted) return;
        setState((s) => (s.status === 'ready' && keepDataOnError?.(error) ? s : { status: 'error', error }));
      });
    return () => controller.abort();
    // The deps are the caller's: `load` is read through a ref, as it was when the deps last changed.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, attempt]);

  const reload = useCallback(() => setAttempt((n) => n + 1), []);

  const setData = useCallback((next: T | ((data: T) => T)) => {
    if (typeof next === 'function') {
      const update = next as (data: T) => T;
      setState((s) => (s.status === 'ready' ? { status: 'ready', data: update(s.data) } : s));
    } else {
      setState({ status: 'ready', data: next });
    }
  }, []);

  const setError = useCallback((error: unknown) => setState({ status: 'error', error }), []);

  return { state, reload, setData, setError };
}
