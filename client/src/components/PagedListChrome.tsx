import type { ReactNode } from 'react';
import { useI18n } from '../i18n';
import type { PagedState } from '../lib/query';
import { LoadError } from './LoadError';

/** The error (with retry) above a paged list. */
export function PagedListError<T>({ state, onRetry }: { state: PagedState<T>; onRetry(): void }) {
  if (state.status !== 'error') return null;
  return <LoadError error={state.error} reload={onRetry} />;
}

/** Count, spinner and "load more" under a paged list. */
export function PagedListFooter<T>({
  state,
  busy,
  onMore,
  testId = 'load-more',
}: {
  state: PagedState<T>;
  busy: boolean;
  onMore(): void;
  testId?: string;
}) {
  const { t } = useI18n();
  return (
    <div className="list-footer">
      {state.items.length > 0 ? (
        <span className="muted" data-testid="list-count">
          {t('catalogue.shown', { count: state.items.length })}
        </span>
      ) : (
        <span />
      )}
      {busy && (
        <span className="spinner" role="status">
          {t('common.loading')}
        </span>
      )}
      {!busy && state.status === 'ready' && state.nextCursor && (
        <button type="button" className="btn btn--secondary" onClick={onMore} data-testid={testId}>
          {t('catalogue.loadMore')}
        </button>
      )}
    </div>
  );
}

interface PagedResultsProps<T> {
  state: PagedState<T>;
  busy: boolean;
  testId: string;
  /** Marks the results with the query they were loaded for (`data-loaded-for`), for a test to wait on. */
  markLoadedFor?: boolean;
  emptyTestId: string;
  emptyText: ReactNode;
  /** The items, as a table. */
  children(items: T[]): ReactNode;
}

/** A paged list's results: the items, or a note that there are none (once loaded). */
export function PagedResults<T>({ state, busy, testId, markLoadedFor, emptyTestId, emptyText, children }: PagedResultsProps<T>) {
  return (
    <div className="results" data-testid={testId} aria-busy={busy} data-loaded-for={markLoadedFor ? state.key : undefined}>
      {state.items.length > 0 && children(state.items)}
      {!busy && state.status === 'ready' && state.items.length === 0 && (
        <p className="empty" data-testid={emptyTestId}>
          {emptyText}
        </p>
      )}
    </div>
  );
}

type PagedListProps<T> = Omit<PagedResultsProps<T>, 'state' | 'busy'> & {
  list: { state: PagedState<T>; busy: boolean; loadMore(): void; retry(): void };
};

/** A paged list with its error (and retry) above and its count and "load more" below. */
export function PagedList<T>({ list, ...results }: PagedListProps<T>) {
  const { state, busy } = list;
  return (
    <>
      <PagedListError state={state} onRetry={list.retry} />
      <PagedResults state={state} busy={busy} {...results} />
      <PagedListFooter state={state} busy={busy} onMore={list.loadMore} />
    </>
  );
}
