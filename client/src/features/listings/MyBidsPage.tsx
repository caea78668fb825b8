import { useQueries } from '@tanstack/react-query';
import { Link } from 'react-router';
import { StatusFilter } from '../../components/Filters';
import { PagedList } from '../../components/PagedListChrome';
import { useI18n } from '../../i18n';
import { formatDateTime, formatTonnes } from '../../lib/units';
import { usePagedQuery } from '../../lib/query';
import { useStatusParam } from '../../lib/useUrlFilters';
import { RequireSignIn } from '../auth/components/RequireSignIn';
import { MyTradingTabs } from '../trades/components/TradeBits';
import { BID_STATUSES, listingKeys, listingsApi, type Bid, type Listing } from './api';
import { HazardBadge, Price } from './components/ListingBits';
import { PriceCheckBadge } from './components/PriceCheckFeedback';
import { listingMaterialName, tk } from './labels';

export function MyBidsPage() {
  return <RequireSignIn>{() => <MyBids />}</RequireSignIn>;
}

/**
 * The org's bids (GET /bids). A bid carries only its listing's id, so the listings on the page are
 * read one by one (each a cached query, shared with the listing page) to show what was bid on.
 */
function MyBids() {
  const { t, lang } = useI18n();
  const [status, setStatus] = useStatusParam(BID_STATUSES);
  const list = usePagedQuery<Bid>({
    queryKey: listingKeys.myBids(status ?? ''),
    label: status ?? '',
    fetchPage: (cursor, signal) => listingsApi.myBids(status, cursor, signal),
  });
  const ids = [...new Set(list.state.items.map((b) => b.listingId))];
  const listings = useQueries({
    queries: ids.map((id) => ({
      queryKey: listingKeys.detail(id),
      queryFn: ({ signal }: { signal: AbortSignal }) => listingsApi.get(id, signal),
    })),
    combine: (results) => new Map(results.flatMap((r) => (r.data ? [[r.data.id, r.data] as [string, Listing]] : []))),
  });

  return (
    <div className="page" data-testid="my-bids-page">
      <header className="page__header">
        <h1>{t('my.title')}</h1>
        <p className="page__lead">{t('my.bids.intro')}</p>
      </header>
      <MyTradingTabs />
      <StatusFilter
        id="my-bids-status"
        statuses={BID_STATUSES}
        value={status}
        onChange={setStatus}
        labelOf={(s) => t(tk(`bid.status.${s}`))}
      />
      <PagedList list={list} testId="my-bids-results" emptyTestId="my-bids-empty" emptyText={t('my.bids.empty')}>
        {(items) => (
          <table className="table" data-testid="my-bids-table">
            <thead>
              <tr>
                <th scope="col">{t('trades.col.material')}</th>
                <th scope="col" className="num">
                  {t('bids.col.price')}
                </th>
                <th scope="col" className="num">
                  {t('bids.col.quantity')}
                </th>
                <th scope="col">{t('bids.col.status')}</th>
                <th scope="col">{t('bids.col.time')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((b) => {
                const l = listings.get(b.listingId);
                return (
                  <tr key={b.id} data-testid="my-bid-row" data-status={b.status}>
                    <td data-label={t('trades.col.material')}>
                      <Link to={`/listings/${b.listingId}`} className="listings__name">
                        {l ? listingMaterialName(l, lang) : t('my.bids.listing')}
                      </Link>
                      {l && (
                        <div className="listings__meta">
                          <span className="code">{l.materialCode}</span>
                          <HazardBadge hazardous={l.hazardous} />
                        </div>
                      )}
                    </td>
                    <td className="num" data-label={t('bids.col.price')}>
                      <Price fen={b.pricePerTonneFen} />
                      <PriceCheckBadge check={b.priceCheck} />
                    </td>
                    <td className="num" data-label={t('bids.col.quantity')}>
                      {formatTonnes(b.quantityKg, lang)}
                      {b.filledKg > 0 && (
                        <div className="muted small">{t('bids.filled', { filled: formatTonnes(b.filledKg, lang) })}</div>
                      )}
                    </td>
                    <td data-label={t('bids.col.status')}>
                      {t(tk(`bid.status.${b.status}`))}
                      {b.tradeIds.map((id) => (
                        <div key={id}>
                          <Link to={`/trades/${id}`}>{t('bid.result.viewTrade')}</Link>
                        </div>
                      ))}
                    </td>
                    <td data-label={t('bids.col.time')}>{formatDateTime(b.createdAt, lang)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </PagedList>
    </div>
  );
}
