import { useI18n } from '../i18n';
import { errorText } from '../lib/errors';
import type { PagedState } from '../lib/usePagedList';
import { Alert } from './Alert';

/** The error (with retry) above a paged list. */
export function PagedListError<T>({ state, onRetry }: { state: PagedState<T>; onRetry(): void }) {
  const { t } = useI18n();
  if (state.status !== 'error') return null;
  return (
    <Alert>
      {t('common.errorPrefix')}
      {errorText(state.error, t)}{' '}
      <button type="button" className="btn btn--link" onClick={onRetry}>
        {t('common.retry')}
      </button>
    </Alert>
  );
}

/** Count, spinner and "load more" under a paged list. */
export function PagedListFooter<T>({ state, busy, onMore, testId = 'load-more' }: { state: PagedState<T>; busy: boolean; onMore(): void; testId?: string }) {
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
