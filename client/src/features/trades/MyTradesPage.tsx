import { Link } from 'react-router';
import { StatusFilter } from '../../components/Filters';
import { PagedList } from '../../components/PagedListChrome';
import { useI18n } from '../../i18n';
import { formatPricePerTonne } from '../../lib/money';
import { formatAmount, formatDateTime, formatTonnes } from '../../lib/units';
import { usePagedQuery } from '../../lib/query';
import { useStatusParam } from '../../lib/useUrlFilters';
import type { Me } from '../auth/api';
import { RequireSignIn } from '../auth/components/RequireSignIn';
import { useMaterials } from '../catalog/materials';
import { HazardBadge } from '../listings/components/ListingBits';
import { LiveBadge } from '../listings/components/LiveBadge';
import { tk } from '../listings/labels';
import { useLive } from '../realtime/LiveFeed';
import { TRADE_STATUSES, tradeKeys, tradesApi, type Trade } from './api';
import { MoneyRoleBadge, MyTradingTabs, TradeStatusBadge, moneyRole } from './components/TradeBits';

export function MyTradesPage() {
  return <RequireSignIn>{(me) => <MyTrades me={me} />}</RequireSignIn>;
}

function MyTrades({ me }: { me: Me }) {
  const { t, lang } = useI18n();
  const [status, setStatus] = useStatusParam(TRADE_STATUSES);
  const list = usePagedQuery<Trade>({
    queryKey: tradeKeys.list(status ?? ''),
    label: status ?? '',
    fetchPage: (cursor, signal) => tradesApi.list(status, cursor, signal),
  });
  const materials = useMaterials();
  const orgId = me.org?.id;

  // Trades arrive in the org's private room (DESIGN §8); each one refetches the list (realtime/invalidation.ts).
  const live = useLive({});

  return (
    <div className="page" data-testid="my-trades-page">
      <header className="page__header page__header--row">
        <div>
          <h1>{t('my.title')}</h1>
          <p className="page__lead">{t('trades.intro')}</p>
        </div>
        <LiveBadge status={live} />
      </header>
      <MyTradingTabs />
      <StatusFilter
        id="trades-status"
        statuses={TRADE_STATUSES}
        value={status}
        onChange={setStatus}
        labelOf={(s) => t(tk(`trade.status.${s}`))}
        testId="trades-filter-status"
      />
      <PagedList list={list} testId="trades-results" emptyTestId="trades-empty" emptyText={t('trades.empty')}>
        {(items) => (
          <table className="table trades" data-testid="trades-table">
            <thead>
              <tr>
                <th scope="col">{t('trades.col.material')}</th>
                <th scope="col" className="num">
                  {t('trades.col.quantity')}
                </th>
                <th scope="col" className="num">
                  {t('trades.col.price')}
                </th>
                <th scope="col" className="num">
                  {t('trades.col.amount')}
                </th>
                <th scope="col" className="num">
                  {t('trades.col.fees')}
                </th>
                <th scope="col">{t('trades.col.status')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((tr) => {
                const m = materials.get(tr.materialCode);
                return (
                  <tr key={tr.id} data-testid="trade-row" data-id={tr.id} data-status={tr.status}>
                    <td data-label={t('trades.col.material')}>
                      <Link to={`/trades/${tr.id}`} className="listings__name" data-testid="trade-link">
                        {m ? (lang === 'en' ? m.nameEn : m.nameZh) : tr.materialCode}
                      </Link>
                      <div className="listings__meta">
                        <span className="code">
                          {tr.classifiedCode ? `${tr.materialCode} → ${tr.classifiedCode}` : tr.materialCode}
                        </span>
                        <HazardBadge hazardous={tr.hazardous} />
                      </div>
                      <div className="muted small">{formatDateTime(tr.createdAt, lang)}</div>
                    </td>
                    <td className="num" data-label={t('trades.col.quantity')} data-testid="trade-quantity">
                      {formatTonnes(tr.quantityKg, lang)}
                    </td>
                    <td className="num" data-label={t('trades.col.price')}>
                      <span className={`price ${tr.pricePerTonneFen < 0 ? 'price--fee' : 'price--paid'}`}>
                        {formatPricePerTonne(tr.pricePerTonneFen, lang)}
                      </span>
                    </td>
                    <td className="num" data-label={t('trades.col.amount')}>
                      <span className="amount" data-testid="trade-amount">
                        {formatAmount(tr.amountFen)}
                      </span>
                      <div>
                        <MoneyRoleBadge role={moneyRole(tr, orgId)} />
                      </div>
                    </td>
                    <td className="num small" data-label={t('trades.col.fees')}>
                      <div data-testid="trade-platform-fee">
                        {t('trades.platformFee', { amount: formatAmount(tr.platformFeeFen) })}
                      </div>
                      <div data-testid="trade-eco-fee">{t('trades.ecoFee', { amount: formatAmount(tr.ecoCompensationFen) })}</div>
                    </td>
                    <td data-label={t('trades.col.status')}>
                      <TradeStatusBadge status={tr.status} />
                    </td>
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
