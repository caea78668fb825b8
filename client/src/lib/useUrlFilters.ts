import { useSearchParams } from 'react-router';

/** A list's filters kept in the URL, so a filtered view can be shared and the back button restores it. */
export function useUrlFilters() {
  const [params, setParams] = useSearchParams();

  /** Sets the given filters (an empty value removes one), keeping the others. */
  function update(changes: Record<string, string | undefined>) {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    setParams(next);
  }

  const clear = () => setParams(new URLSearchParams());

  return { params, update, clear };
}

/** The `status` filter in the URL, one of `statuses` or none; setting it replaces the query. */
export function useStatusParam<S extends string>(statuses: readonly S[]): [S | undefined, (status: string) => void] {
  const [params, setParams] = useSearchParams();
  const raw = params.get('status') ?? '';
  const status = (statuses as readonly string[]).includes(raw) ? (raw as S) : undefined;
  return [status, (value) => setParams(value ? { status: value } : {})];
}
