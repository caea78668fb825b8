import { Link } from 'react-router';
import { StatusFilter } from '../../components/Filters';
import { PagedList } from '../../components/PagedListChrome';
import { useI18n } from '../../i18n';
import { usePagedList } from '../../lib/usePagedList';
import { useStatusParam } from '../../lib/useUrlFilters';
import type { Me } from '../auth/api';
import { RequireSignIn } from '../auth/components/RequireSignIn';
import { useLive } from '../realtime/LiveFeed';
import { MyTradingTabs } from '../trades/components/TradeBits';
import { LISTING_STATUSES, listingsApi, type Listing } from './api';
import { ListingsTable } from './components/ListingsTable';
import { LiveBadge } from './components/LiveBadge';
import { tk } from './labels';

export function MyListingsPage() {
  return <RequireSignIn>{(me) => <MyListings me={me} />}</RequireSignIn>;
}

/** The org's own listings, every status, through GET /listings?orgId= (newest first). */
function MyListings({ me }: { me: Me }) {
  const { t } = useI18n();
  const [status, setStatus] = useStatusParam(LISTING_STATUSES);
  const orgId = me.org?.id;
  const list = usePagedList<Listing>(`${orgId ?? ''}|${status ?? ''}`, (_k, cursor, signal) =>
    orgId ? listingsApi.list({ orgId, status }, cursor, signal) : Promise.resolve({ items: [], nextCursor: null }),
  );
  const canPost = me.roles.some((r) => r === 'generator' || r === 'recycler');

  // Bids on our listings arrive in the org room; listing changes in the public feed.
  const live = useLive({
    subscribe: { room: 'public:listings' },
    accept: (e) =>
      (e.room === 'public:listings' && (e.type === 'listing.created' || e.type === 'listing.updated')) || (e.room === `org:${orgId}` && e.type === 'bid.placed'),
    onEvent: (e) => {
      const listing = (e as { listing?: Listing }).listing;
      if (e.type === 'bid.placed') {
        const { listingId, bidCount } = e as { listingId?: string; bidCount?: number };
        if (listingId && typeof bidCount === 'number') list.patch((items) => items.map((i) => (i.id === listingId ? { ...i, bidCount } : i)));
      } else if (listing && listing.orgId === orgId) {
        const l: Listing = listing;
        if (e.type === 'listing.created' && !status) list.patch((items) => (items.some((i) => i.id === l.id) ? items : [l, ...items]));
        else list.patch((items) => items.map((i) => (i.id === l.id ? l : i)));
      }
    },
    onResync: list.reload,
  });

  return (
    <div className="page" data-testid="my-listings-page">
      <header className="page__header page__header--row">
        <div>
          <h1>{t('my.title')}</h1>
          <p className="page__lead">{t('my.listings.intro')}</p>
        </div>
        <div className="page__header-actions">
          <LiveBadge status={live} />
          {canPost && (
            <Link to="/listings/new" className="btn btn--primary">
              {t('nav.newListing')}
            </Link>
          )}
        </div>
      </header>
      <MyTradingTabs />
      <StatusFilter id="my-listings-status" statuses={LISTING_STATUSES} value={status} onChange={setStatus} labelOf={(s) => t(tk(`listing.status.${s}`))} />
      <PagedList list={list} testId="my-listings-results" emptyTestId="my-listings-empty" emptyText={t('my.listings.empty')}>
        {(items) => <ListingsTable items={items} testId="my-listings-table" />}
      </PagedList>
    </div>
  );
}
