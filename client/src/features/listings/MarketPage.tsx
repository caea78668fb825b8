import { useMarketsText } from '../markets/messages';
import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { isDistrictCode } from '../../../../shared/src/districts.js';
import type { RealtimeEvent } from '../../../../shared/src/realtime.js';
import { DistrictOptions } from '../../components/DistrictOptions';
import { ClearFilters, FilterSelect, SearchForm } from '../../components/Filters';
import { PagedList } from '../../components/PagedListChrome';
import { useI18n } from '../../i18n';
import { usePagedQuery } from '../../lib/query';
import { useUrlFilters } from '../../lib/useUrlFilters';
import { useSession } from '../auth/session';
import { STREAMS, type Material } from '../catalog/api';
import { useMaterials } from '../catalog/materials';
import { useLive } from '../realtime/LiveFeed';
import { LISTING_STATUSES, SIDES, listingKeys, listingsApi, type Listing, type ListingsFilter, type ListingStatus } from './api';
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

/** Links to the continuous markets of the standardised grades (issue 16). */
function ContinuousMarkets({ materials }: { materials: Map<string, Material> }) {
  const { lang } = useI18n();
  const mt = useMarketsText();
  const grades = [...materials.values()].filter((m) => m.standardisedGrade && m.tradeable);
  if (!grades.length) return null;
  return (
    <nav className="continuous-markets" aria-label={mt('markets.title')} data-testid="continuous-markets">
      <strong>{mt('markets.title')}</strong> <span className="muted small">{mt('markets.intro')}</span>
      <ul className="chips">
        {grades.map((m) => (
          <li key={m.code}>
            <Link to={`/markets/${m.code}`} data-testid={`market-link-${m.code}`}>
              {lang === 'en' ? m.nameEn : m.nameZh}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}

export function MarketPage() {
  const { t, lang } = useI18n();
  const { session } = useSession();
  const { params, update, clear } = useUrlFilters();
  const filter = readFilter(params);
  const key = keyOf(filter);
  const [fresh, setFresh] = useState<Set<string>>(new Set());
  const materials = useMaterials();
  const me = session.status === 'signedIn' ? session.me : null;
  const canPost = !!me?.roles.some((r) => r === 'generator' || r === 'recycler');

  const list = usePagedQuery<Listing>({
    queryKey: listingKeys.list(`market?${key}`),
    label: key,
    fetchPage: (cursor, signal) => listingsApi.list(filter, cursor, signal),
  });

  // The list refetches on every listing event (realtime/invalidation.ts); a new one that fits the filter is marked.
  const liveStatus = useLive({
    subscribe: { room: 'public:listings' },
    accept: (e) => e.room === 'public:listings' && e.type === 'listing.created',
    onEvent: (e: RealtimeEvent) => {
      const listing = (e as { listing?: Listing }).listing;
      if (listing && matches(listing, filter)) setFresh((s) => new Set(s).add(listing.id));
    },
  });

  const byStream = useMemo(() => {
    const groups = new Map<string, Material[]>();
    for (const m of materials.values()) {
      if (!m.tradeable) continue;
      groups.set(m.stream, [...(groups.get(m.stream) ?? []), m]);
    }
    return groups;
  }, [materials]);

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

      <ContinuousMarkets materials={materials} />

      <section className="filters filters--market" aria-label={t('market.filters')}>
        <SearchForm
          id="market-q"
          label={t('market.search')}
          placeholder={t('market.search.placeholder')}
          testId="market-search"
          q={filter.q}
          onSearch={(q) => update({ q })}
        />
        <div className="filters__selects">
          <FilterSelect
            id="market-side"
            label={t('market.filter.side')}
            value={filter.side ?? ''}
            onChange={(side) => update({ side: side || undefined })}
            testId="filter-side"
          >
            <option value="">{t('common.all')}</option>
            <option value="supply">{t('listing.side.supply')}</option>
            <option value="demand">{t('listing.side.demand')}</option>
          </FilterSelect>
          <FilterSelect
            id="market-material"
            label={t('market.filter.material')}
            value={filter.material ?? ''}
            onChange={(material) => update({ material: material || undefined })}
            testId="filter-material"
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
          </FilterSelect>
          <FilterSelect
            id="market-district"
            label={t('market.filter.district')}
            value={filter.district ?? ''}
            onChange={(district) => update({ district: district || undefined })}
            testId="filter-district"
          >
            <option value="">{t('common.all')}</option>
            <DistrictOptions />
          </FilterSelect>
          <FilterSelect
            id="market-status"
            label={t('market.filter.status')}
            value={filter.status ?? 'any'}
            onChange={(status) => update({ status: status === 'open' ? undefined : status })}
            testId="filter-status"
          >
            <option value="any">{t('common.all')}</option>
            {LISTING_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(tk(`listing.status.${s}`))}
              </option>
            ))}
          </FilterSelect>
          {filtered && <ClearFilters onClear={clear} />}
        </div>
      </section>

      <PagedList list={list} testId="market-results" markLoadedFor emptyTestId="market-empty" emptyText={t('market.empty')}>
        {(items) => <ListingsTable items={items} fresh={fresh} />}
      </PagedList>
    </div>
  );
}
