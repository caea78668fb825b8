import { Link } from 'react-router';
import { ClearFilters, FilterSelect, SearchForm } from '../../components/Filters';
import { PagedListError, PagedResults } from '../../components/PagedListChrome';
import { useI18n, type MessageKey } from '../../i18n';
import { formatPricePerTonne } from '../../lib/money';
import { usePagedQuery } from '../../lib/query';
import { useUrlFilters } from '../../lib/useUrlFilters';
import { catalogApi, catalogKeys, STREAMS, type Material, type MaterialsFilter, type Stream } from './api';
import { EditionNote } from './components/EditionNote';
import { MaterialBadges } from './components/MaterialBadges';
import { MaterialName } from './components/MaterialName';

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

export function CataloguePage() {
  const { t, lang } = useI18n();
  const { params, update, clear } = useUrlFilters();
  const filter = readFilter(params);
  const filterKey = filterKeyOf(filter);
  // Materials are told apart by their code; results for an older filter are never shown as current.
  const list = usePagedQuery<Material>({
    queryKey: catalogKeys.list(filterKey),
    label: filterKey,
    fetchPage: (cursor, signal) => catalogApi.list(filter, cursor, signal),
    idOf: (m) => m.code,
  });
  const { state, busy, loadMore } = list;

  const filtered = filter.stream !== undefined || filter.hazardous !== undefined || filter.q !== undefined;

  return (
    <div className="page" data-testid="catalogue-page">
      <header className="page__header">
        <h1>{t('catalogue.title')}</h1>
        <p className="page__lead">{t('catalogue.intro')}</p>
        <p>
          <Link to="/public" data-testid="link-public">
            {t('public.link')}
          </Link>
        </p>
      </header>
      <EditionNote />

      <section className="filters" aria-label={t('catalogue.filters')}>
        <SearchForm
          id="catalogue-q"
          label={t('catalogue.search')}
          placeholder={t('catalogue.search.placeholder')}
          testId="catalogue-search"
          q={filter.q}
          onSearch={(q) => update({ q })}
        />
        <div className="filters__selects">
          <FilterSelect
            id="catalogue-stream"
            label={t('catalogue.filter.stream')}
            value={filter.stream ?? ''}
            onChange={(stream) => update({ stream: stream || undefined })}
            testId="filter-stream"
          >
            <option value="">{t('common.all')}</option>
            {STREAMS.map((s) => (
              <option key={s} value={s}>
                {t(`stream.${s}` as MessageKey)}
              </option>
            ))}
          </FilterSelect>
          <FilterSelect
            id="catalogue-hazardous"
            label={t('catalogue.filter.hazardous')}
            value={filter.hazardous === undefined ? '' : String(filter.hazardous)}
            onChange={(hazardous) => update({ hazardous: hazardous || undefined })}
            testId="filter-hazardous"
          >
            <option value="">{t('common.all')}</option>
            <option value="true">{t('catalogue.filter.hazardous.true')}</option>
            <option value="false">{t('catalogue.filter.hazardous.false')}</option>
          </FilterSelect>
          {filtered && <ClearFilters onClear={clear} />}
        </div>
      </section>

      <PagedListError state={state} onRetry={() => (state.items.length ? loadMore() : list.reload())} />

      <PagedResults
        state={state}
        busy={busy}
        testId="catalogue-results"
        markLoadedFor
        emptyTestId="catalogue-empty"
        emptyText={t('catalogue.empty')}
      >
        {(items) => (
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
              {items.map((m) => (
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
      </PagedResults>

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
