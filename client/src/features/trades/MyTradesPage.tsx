import { Link, useSearchParams } from 'react-router';
import { PagedListError, PagedListFooter } from '../../components/PagedListChrome';
import { useI18n } from '../../i18n';
import { formatPricePerTonne } from '../../lib/money';
import { formatAmount, formatDateTime, formatTonnes } from '../../lib/units';
import { usePagedList } from '../../lib/usePagedList';
import type { Me } from '../auth/api';
import { RequireSignIn } from '../auth/components/RequireSignIn';
import { useMaterials } from '../catalog/materials';
import { HazardBadge } from '../listings/components/ListingBits';
import { LiveBadge } from '../listings/components/LiveBadge';
import { tk } from '../listings/labels';
import { useLive } from '../realtime/LiveFeed';
import { TRADE_STATUSES, tradesApi, type Trade, type TradeStatus } from './api';
import { MoneyRoleBadge, MyTradingTabs, TradeStatusBadge, moneyRole } from './components/TradeBits';

export function MyTradesPage() {
  return <RequireSignIn>{(me) => <MyTrades me={me} />}</RequireSignIn>;
}

function MyTrades({ me }: { me: Me }) {
  const { t, lang } = useI18n();
  const [params, setParams] = useSearchParams();
  const raw = params.get('status') ?? '';
  const status = (TRADE_STATUSES as readonly string[]).includes(raw) ? (raw as TradeStatus) : undefined;
  const list = usePagedList<Trade>(status ?? '', (k, cursor, signal) => tradesApi.list((k || undefined) as TradeStatus | undefined, cursor, signal));
  const materials = useMaterials();
  const orgId = me.org?.id;

  // Trades arrive in the org's private room (DESIGN §8); any change there means: read the list again.
  const live = useLive({
    accept: (e) => e.room === `org:${orgId}` && (e.type === 'trade.created' || e.type === 'trade.updated'),
    onEvent: () => list.reload(),
    onResync: list.reload,
  });

  const { state, busy } = list;
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
      <div className="filters filters--inline">
        <div className="field">
          <label htmlFor="trades-status" className="field__label">
            {t('market.filter.status')}
          </label>
          <select
            id="trades-status"
            className="input"
            value={status ?? ''}
            onChange={(e) => setParams(e.target.value ? { status: e.target.value } : {})}
            data-testid="trades-filter-status"
          >
            <option value="">{t('common.all')}</option>
            {TRADE_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(tk(`trade.status.${s}`))}
              </option>
            ))}
          </select>
        </div>
      </div>
      <PagedListError state={state} onRetry={() => (state.nextCursor ? list.loadMore() : list.reload())} />
      <div className="results" data-testid="trades-results" aria-busy={busy}>
        {state.items.length > 0 && (
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
              {state.items.map((tr) => {
                const m = materials.get(tr.materialCode);
                return (
                  <tr key={tr.id} data-testid="trade-row" data-id={tr.id} data-status={tr.status}>
                    <td data-label={t('trades.col.material')}>
                      <Link to={`/trades/${tr.id}`} className="listings__name" data-testid="trade-link">
                        {m ? (lang === 'en' ? m.nameEn : m.nameZh) : tr.materialCode}
                      </Link>
                      <div className="listings__meta">
                        <span className="code">{tr.classifiedCode ? `${tr.materialCode} → ${tr.classifiedCode}` : tr.materialCode}</span>
                        <HazardBadge hazardous={tr.hazardous} />
                      </div>
                      <div className="muted small">{formatDateTime(tr.createdAt, lang)}</div>
                    </td>
                    <td className="num" data-label={t('trades.col.quantity')} data-testid="trade-quantity">
                      {formatTonnes(tr.quantityKg, lang)}
                    </td>
                    <td className="num" data-label={t('trades.col.price')}>
                      <span className={`price ${tr.pricePerTonneFen < 0 ? 'price--fee' : 'price--paid'}`}>{formatPricePerTonne(tr.pricePerTonneFen, lang)}</span>
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
                      <div data-testid="trade-platform-fee">{t('trades.platformFee', { amount: formatAmount(tr.platformFeeFen) })}</div>
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
        {!busy && state.status === 'ready' && state.items.length === 0 && (
          <p className="empty" data-testid="trades-empty">
            {t('trades.empty')}
          </p>
        )}
      </div>
      <PagedListFooter state={state} busy={busy} onMore={list.loadMore} />
    </div>
  );
}
