import { useEffect, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Alert } from '../../components/Alert';
import { useI18n, type MessageKey } from '../../i18n';
import { errorText } from '../../lib/errors';
import { formatPricePerTonne } from '../../lib/money';
import { catalogApi, STREAMS, type Material, type MaterialsFilter, type Stream } from './api';
import { EditionNote } from './components/EditionNote';
import { MaterialBadges } from './components/MaterialBadges';
import { MaterialName } from './components/MaterialName';

/** `key` is the filter the items were loaded for; results for an older filter are never shown as current. */
interface State {
  status: 'loading' | 'ready' | 'error';
  key: string;
  items: Material[];
  nextCursor: string | null;
  error?: unknown;
}

/** Filters live in the URL, so a filtered view can be shared and the back button restores it. */
function readFilter(params: URLSearchParams): MaterialsFilter {
  const stream = params.get('stream');
  const hazardous = params.get('hazardous');
  const q = params.get('q')?.trim();
  return {
    stream: (STREAMS as readonly string[]).includes(stream ?? '') ? (stream as Stream) : undefined,
    hazardous: hazardous === 'true' ? true : hazardous === 'false' ? false : undefined,
    q: q || undefined,
  };
}

/** The filter as a canonical query string: the key a loaded list belongs to. */
function filterKeyOf(filter: MaterialsFilter): string {
  const p = new URLSearchParams();
  if (filter.stream) p.set('stream', filter.stream);
  if (filter.hazardous !== undefined) p.set('hazardous', String(filter.hazardous));
  if (filter.q) p.set('q', filter.q);
  return p.toString();
}

const filterOfKey = (key: string) => readFilter(new URLSearchParams(key));

export function CataloguePage() {
  const { t, lang } = useI18n();
  const [params, setParams] = useSearchParams();
  const filter = readFilter(params);
  const filterKey = filterKeyOf(filter);
  const [draft, setDraft] = useState(filter.q ?? '');
  const [state, setState] = useState<State>({ status: 'loading', key: filterKey, items: [], nextCursor: null });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => setDraft(filter.q ?? ''), [filter.q]);

  useEffect(() => {
    const controller = new AbortController();
    const key = filterKey;
    setState({ status: 'loading', key, items: [], nextCursor: null });
    catalogApi
      .list(filterOfKey(key), null, controller.signal)
      .then((page) => setState({ status: 'ready', key, items: page.items, nextCursor: page.nextCursor }))
      .catch((error: unknown) => {
        if (!controller.signal.aborted) setState({ status: 'error', key, items: [], nextCursor: null, error });
      });
    return () => controller.abort();
  }, [filterKey, attempt]);

  function update(changes: Record<string, string | undefined>) {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    setParams(next);
  }

  function onSearch(e: FormEvent) {
    e.preventDefault();
    update({ q: draft.trim() || undefined });
  }

  async function loadMore() {
    const { key, items, nextCursor } = state;
    if (!nextCursor) return;
    setState({ status: 'loading', key, items, nextCursor });
    // A page that arrives after the filter changed belongs to the old list: drop it.
    const settle = (next: State) => setState((current) => (current.key === key ? next : current));
    try {
      const page = await catalogApi.list(filterOfKey(key), nextCursor);
      settle({ status: 'ready', key, items: [...items, ...page.items], nextCursor: page.nextCursor });
    } catch (error) {
      settle({ status: 'error', key, items, nextCursor, error });
    }
  }

  const busy = state.status === 'loading' || state.key !== filterKey;

  const filtered = filter.stream !== undefined || filter.hazardous !== undefined || filter.q !== undefined;

  return (
    <div className="page" data-testid="catalogue-page">
      <header className="page__header">
        <h1>{t('catalogue.title')}</h1>
        <p className="page__lead">{t('catalogue.intro')}</p>
      </header>
      <EditionNote />

      <section className="filters" aria-label={t('catalogue.filters')}>
        <form className="filters__search" role="search" onSubmit={onSearch}>
          <label htmlFor="catalogue-q" className="field__label">
            {t('catalogue.search')}
          </label>
          <div className="input-group">
            <input
              id="catalogue-q"
              type="search"
              className="input"
              value={draft}
              placeholder={t('catalogue.search.placeholder')}
              onChange={(e) => setDraft(e.target.value)}
              data-testid="catalogue-search"
            />
            <button type="submit" className="btn btn--primary" data-testid="catalogue-search-submit">
              {t('catalogue.search.submit')}
            </button>
          </div>
        </form>
        <div className="filters__selects">
          <div className="field">
            <label htmlFor="catalogue-stream" className="field__label">
              {t('catalogue.filter.stream')}
            </label>
            <select
              id="catalogue-stream"
              className="input"
              value={filter.stream ?? ''}
              onChange={(e) => update({ stream: e.target.value || undefined })}
              data-testid="filter-stream"
            >
              <option value="">{t('common.all')}</option>
              {STREAMS.map((s) => (
                <option key={s} value={s}>
                  {t(`stream.${s}` as MessageKey)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="catalogue-hazardous" className="field__label">
              {t('catalogue.filter.hazardous')}
            </label>
            <select
              id="catalogue-hazardous"
              className="input"
              value={filter.hazardous === undefined ? '' : String(filter.hazardous)}
              onChange={(e) => update({ hazardous: e.target.value || undefined })}
              data-testid="filter-hazardous"
            >
              <option value="">{t('common.all')}</option>
              <option value="true">{t('catalogue.filter.hazardous.true')}</option>
              <option value="false">{t('catalogue.filter.hazardous.false')}</option>
            </select>
          </div>
          {filtered && (
            <button type="button" className="btn btn--link filters__clear" onClick={() => setParams(new URLSearchParams())}>
              {t('catalogue.clear')}
            </button>
          )}
        </div>
      </section>

      {state.status === 'error' && (
        <Alert>
          {t('common.errorPrefix')}
          {errorText(state.error, t)}{' '}
          <button type="button" className="btn btn--link" onClick={() => (state.items.length ? loadMore() : setAttempt((n) => n + 1))}>
            {t('common.retry')}
          </button>
        </Alert>
      )}

      <div className="results" data-testid="catalogue-results" aria-busy={busy} data-loaded-for={state.key}>
        {state.items.length > 0 && (
          <table className="materials" data-testid="materials-table">
            <thead>
              <tr>
                <th scope="col">{t('catalogue.col.code')}</th>
                <th scope="col">{t('catalogue.col.name')}</th>
                <th scope="col">{t('catalogue.col.stream')}</th>
                <th scope="col" className="materials__band">
                  {t('catalogue.col.band')}
                </th>
              </tr>
            </thead>
            <tbody>
              {state.items.map((m) => (
                <tr key={m.code} data-testid="material-row" data-code={m.code}>
                  <td className="materials__code" data-label={t('catalogue.col.code')}>
                    <Link to={`/catalog/${encodeURIComponent(m.code)}`} className="code" data-testid={`material-link-${m.code}`}>
                      {m.code}
                    </Link>
                  </td>
                  <td data-label={t('catalogue.col.name')}>
                    <div className="materials__name">
                      <MaterialName material={m} />
                    </div>
                    <MaterialBadges material={m} />
                  </td>
                  <td data-label={t('catalogue.col.stream')}>
                    {t(`stream.${m.stream}` as MessageKey)}
                    {m.categoryNameZh && (
                      <div className="muted small">
                        {m.category} {m.categoryNameZh}
                      </div>
                    )}
                  </td>
                  <td className="materials__band" data-label={t('catalogue.col.band')}>
                    {m.band ? (
                      <span className={m.band.medianFen < 0 ? 'price price--fee' : 'price price--paid'}>
                        {formatPricePerTonne(m.band.medianFen, lang)}
                      </span>
                    ) : (
                      <span className="muted">{t('catalogue.noBand')}</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}

        {!busy && state.status === 'ready' && state.items.length === 0 && (
          <p className="empty" data-testid="catalogue-empty">
            {t('catalogue.empty')}
          </p>
        )}
      </div>

      <div className="list-footer">
        {state.items.length > 0 && (
          <span className="muted" data-testid="catalogue-count">
            {t('catalogue.shown', { count: state.items.length })}
          </span>
        )}
        {busy && (
          <span className="spinner" role="status">
            {t('common.loading')}
          </span>
        )}
        {!busy && state.status === 'ready' && state.nextCursor && (
          <button type="button" className="btn btn--secondary" onClick={loadMore} data-testid="load-more">
            {t('catalogue.loadMore')}
          </button>
        )}
      </div>
    </div>
  );
}
