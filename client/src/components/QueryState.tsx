import type { ReactNode } from 'react';
import { useI18n } from '../i18n';
import { isNotFound, LoadError } from './LoadError';

/** What QueryState reads of a `useQuery` or `useInfiniteQuery` result (an enabled one: a disabled query stays pending). */
interface QueryLike<T> {
  data: T | undefined;
  error: unknown;
  isPending: boolean;
  isError: boolean;
  isFetching: boolean;
  refetch(): unknown;
}

interface QueryStateProps<T> {
  query: QueryLike<T>;
  /** When the data holds nothing to show: `empty` is shown in place of the children. */
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
  /** As LoadError's: shown in place of the error, and of data read before, when the API says the thing is not there. */
  notFound?: ReactNode;
  notFoundCodes?: readonly string[];
  children(data: T): ReactNode;
}

/**
 * A query's loading line, its error with a retry, a note when it holds nothing, and its data.
 * TanStack Query keeps `isError` while a retry runs, so the loading line stands in for the error
 * then (a retry that seemed to do nothing). Data read before a failed reload stays under the error
 * (ADR 0011) unless the error says the thing is gone.
 */
export function QueryState<T>({ query, isEmpty, empty, notFound, notFoundCodes, children }: QueryStateProps<T>) {
  const { t } = useI18n();
  const retrying = query.isError && query.isFetching;
  const gone = query.isError && notFound !== undefined && isNotFound(query.error, notFoundCodes);
  const data = gone ? undefined : query.data;
  return (
    <>
      {(query.isPending || retrying) && <p role="status">{t('common.loading')}</p>}
      {query.isError && !retrying && (
        <LoadError error={query.error} reload={() => void query.refetch()} notFound={notFound} notFoundCodes={notFoundCodes} />
      )}
      {data !== undefined && (isEmpty?.(data) ? empty : children(data))}
    </>
  );
}
