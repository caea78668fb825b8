import { Link } from 'react-router';
import { StatusFilter } from '../../components/Filters';
import { PagedList } from '../../components/PagedListChrome';
import { useI18n } from '../../i18n';
import { usePagedQuery } from '../../lib/query';
import { useStatusParam } from '../../lib/useUrlFilters';
import type { Me } from '../auth/api';
import { RequireSignIn } from '../auth/components/RequireSignIn';
import { useLive } from '../realtime/LiveFeed';
import { MyTradingTabs } from '../trades/components/TradeBits';
import { LISTING_STATUSES, listingKeys, listingsApi, type Listing } from './api';
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
  const list = usePagedQuery<Listing>({
    queryKey: listingKeys.list(`org=${orgId ?? ''}&status=${status ?? ''}`),
    label: `${orgId ?? ''}|${status ?? ''}`,
    fetchPage: (cursor, signal) => listingsApi.list({ orgId, status }, cursor, signal),
    enabled: !!orgId,
  });
  const canPost = me.roles.some((r) => r === 'generator' || r === 'recycler');

  // Listing changes arrive in the public feed, bids on our listings in the org room; both refetch the list.
  const live = useLive({ subscribe: { room: 'public:listings' } });

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
      <StatusFilter
        id="my-listings-status"
        statuses={LISTING_STATUSES}
        value={status}
        onChange={setStatus}
        labelOf={(s) => t(tk(`listing.status.${s}`))}
      />
      <PagedList list={list} testId="my-listings-results" emptyTestId="my-listings-empty" emptyText={t('my.listings.empty')}>
        {(items) => <ListingsTable items={items} testId="my-listings-table" />}
      </PagedList>
    </div>
  );
}
