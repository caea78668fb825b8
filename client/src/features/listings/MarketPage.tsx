import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { DISTRICTS, isDistrictCode } from '../../../../shared/src/districts.js';
import type { RealtimeEvent } from '../../../../shared/src/realtime.js';
import { PagedListError, PagedListFooter } from '../../components/PagedListChrome';
import { useI18n } from '../../i18n';
import { usePagedList } from '../../lib/usePagedList';
import { useSession } from '../auth/session';
import { STREAMS, type Material } from '../catalog/api';
import { useMaterials } from '../catalog/materials';
import { useLive } from '../realtime/LiveFeed';
import { LISTING_STATUSES, SIDES, listingsApi, type Listing, type ListingsFilter, type ListingStatus } from './api';
import { ListingsTable } from './components/ListingsTable';
import { LiveBadge } from './components/LiveBadge';
import { tk } from './labels';

/** Filters live in the URL (shareable, back button). Status defaults to open; `any` means every status. */
function readFilter(params: URLSearchParams): ListingsFilter {
  const side = params.get('side');
  const district = params.get('district') ?? '';
  const status = params.get('status') ?? 'open';
  const material = params.get('material')?.trim();
  const q = params.get('q')?.trim();
  return {
    side: (SIDES as readonly string[]).includes(side ?? '') ? (side as ListingsFilter['side']) : undefined,
    district: isDistrictCode(district) ? district : undefined,
    status: (LISTING_STATUSES as readonly string[]).includes(status) ? (status as ListingStatus) : undefined,
    material: material || undefined,
    q: q || undefined,
  };
}

function keyOf(f: ListingsFilter): string {
  const p = new URLSearchParams();
  for (const k of ['side', 'material', 'district', 'status', 'q'] as const) if (f[k]) p.set(k, f[k]!);
  return p.toString();
}

/** Whether a listing belongs in the list for this filter (all but the text query can be told here). */
function matches(l: Listing, f: ListingsFilter): boolean {
  return (
    (!f.side || l.side === f.side) &&
    (!f.district || l.district === f.district) &&
    (!f.status || l.status === f.status) &&
    (!f.material || l.materialCode === f.material || l.wasteCode === f.material)
  );
}

export function MarketPage() {
  const { t, lang } = useI18n();
  const { session } = useSession();
  const [params, setParams] = useSearchParams();
  const filter = readFilter(params);
  const key = keyOf(filter);
  const [draft, setDraft] = useState(filter.q ?? '');
  const [fresh, setFresh] = useState<Set<string>>(new Set());
  const materials = useMaterials();
  const me = session.status === 'signedIn' ? session.me : null;
  const canPost = !!me?.roles.some((r) => r === 'generator' || r === 'recycler');

  useEffect(() => setDraft(filter.q ?? ''), [filter.q]);

  const list = usePagedList<Listing>(key, (k, cursor, signal) => listingsApi.list(readFilter(new URLSearchParams(k)), cursor, signal));

  const liveStatus = useLive({
    subscribe: { room: 'public:listings' },
    accept: (e) => e.room === 'public:listings' && (e.type === 'listing.created' || e.type === 'listing.updated'),
    onEvent: (e: RealtimeEvent) => {
      const listing = (e as { listing?: Listing }).listing;
      // An event without the listing (or a text query we cannot evaluate here): ask the server.
      if (!listing || (e.type === 'listing.created' && filter.q)) return list.reload();
      if (e.type === 'listing.created') {
        if (!matches(listing, filter)) return;
        list.patch((items) => (items.some((i) => i.id === listing.id) ? items : [listing, ...items]));
        setFresh((s) => new Set(s).add(listing.id));
      } else {
        list.patch((items) => items.map((i) => (i.id === listing.id ? listing : i)));
      }
    },
    onResync: list.reload,
  });

  function update(changes: Record<string, string | undefined>) {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    setParams(next);
  }

  function onSearch(e: FormEvent) {
    e.preventDefault();
    update({ q: draft.trim() || undefined });
  }

  const byStream = useMemo(() => {
    const groups = new Map<string, Material[]>();
    for (const m of materials.values()) {
      if (!m.tradeable) continue;
      groups.set(m.stream, [...(groups.get(m.stream) ?? []), m]);
    }
    return groups;
  }, [materials]);

  const { state, busy } = list;
  const filtered = params.toString() !== '';

  return (
    <div className="page" data-testid="market-page">
      <header className="page__header page__header--row">
        <div>
          <h1>{t('market.title')}</h1>
          <p className="page__lead">{t('market.intro')}</p>
        </div>
        <div className="page__header-actions">
          <LiveBadge status={liveStatus} />
          {canPost && (
            <Link to="/listings/new" className="btn btn--primary" data-testid="market-new-listing">
              {t('nav.newListing')}
            </Link>
          )}
        </div>
      </header>

      <section className="filters filters--market" aria-label={t('market.filters')}>
        <form className="filters__search" role="search" onSubmit={onSearch}>
          <label htmlFor="market-q" className="field__label">
            {t('market.search')}
          </label>
          <div className="input-group">
            <input
              id="market-q"
              type="search"
              className="input"
              value={draft}
              placeholder={t('market.search.placeholder')}
              onChange={(e) => setDraft(e.target.value)}
              data-testid="market-search"
            />
            <button type="submit" className="btn btn--primary" data-testid="market-search-submit">
              {t('catalogue.search.submit')}
            </button>
          </div>
        </form>
        <div className="filters__selects">
          <div className="field">
            <label htmlFor="market-side" className="field__label">
              {t('market.filter.side')}
            </label>
            <select id="market-side" className="input" value={filter.side ?? ''} onChange={(e) => update({ side: e.target.value || undefined })} data-testid="filter-side">
              <option value="">{t('common.all')}</option>
              <option value="supply">{t('listing.side.supply')}</option>
              <option value="demand">{t('listing.side.demand')}</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor="market-material" className="field__label">
              {t('market.filter.material')}
            </label>
            <select
              id="market-material"
              className="input"
              value={filter.material ?? ''}
              onChange={(e) => update({ material: e.target.value || undefined })}
              data-testid="filter-material"
            >
              <option value="">{t('common.all')}</option>
              {filter.material && !materials.has(filter.material) && <option value={filter.material}>{filter.material}</option>}
              {STREAMS.filter((s) => byStream.has(s)).map((s) => (
                <optgroup key={s} label={t(tk(`stream.${s}`))}>
                  {byStream.get(s)!.map((m) => (
                    <option key={m.code} value={m.code}>
                      {m.code} {lang === 'en' ? m.nameEn : m.nameZh}
                    </option>
                  ))}
                </optgroup>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="market-district" className="field__label">
              {t('market.filter.district')}
            </label>
            <select
              id="market-district"
              className="input"
              value={filter.district ?? ''}
              onChange={(e) => update({ district: e.target.value || undefined })}
              data-testid="filter-district"
            >
              <option value="">{t('common.all')}</option>
              {DISTRICTS.map((d) => (
                <option key={d.code} value={d.code}>
                  {lang === 'en' ? d.nameEn : d.nameZh}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="market-status" className="field__label">
              {t('market.filter.status')}
            </label>
            <select
              id="market-status"
              className="input"
              value={filter.status ?? 'any'}
              onChange={(e) => update({ status: e.target.value === 'open' ? undefined : e.target.value })}
              data-testid="filter-status"
            >
              <option value="any">{t('common.all')}</option>
              {LISTING_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {t(tk(`listing.status.${s}`))}
                </option>
              ))}
            </select>
          </div>
          {filtered && (
            <button type="button" className="btn btn--link filters__clear" onClick={() => setParams(new URLSearchParams())}>
              {t('catalogue.clear')}
            </button>
          )}
        </div>
      </section>

      <PagedListError state={state} onRetry={() => (state.nextCursor ? list.loadMore() : list.reload())} />

      <div className="results" data-testid="market-results" aria-busy={busy} data-loaded-for={state.key}>
        {state.items.length > 0 && <ListingsTable items={state.items} fresh={fresh} />}
        {!busy && state.status === 'ready' && state.items.length === 0 && (
          <p className="empty" data-testid="market-empty">
            {t('market.empty')}
          </p>
        )}
      </div>
      <PagedListFooter state={state} busy={busy} onMore={list.loadMore} />
    </div>
  );
}
