import { Link } from 'react-router';
import { LoadError } from '../../components/LoadError';
import { useI18n } from '../../i18n';
import { usePagedQuery } from '../../lib/query';
import { formatAmount, formatDateTime, formatTonnes } from '../../lib/units';
import { useMaterials } from '../catalog/materials';
import { TradeStatusBadge } from '../trades/components/TradeBits';
import type { TTrade } from '../../../../shared/src/schemas/trades.js';
import { oversightApi, oversightKeys } from './api';

/** The trades an organisation is a party to, newest first, as far as the regulator's scope reaches. */
export function OrgTrades({ orgId }: { orgId: string }) {
  const { t, lang } = useI18n();
  const materials = useMaterials();
  const list = usePagedQuery<TTrade>({
    queryKey: oversightKeys.trades(orgId),
    label: orgId,
    fetchPage: (cursor, signal) => oversightApi.trades(orgId, cursor, signal),
  });
  if (list.state.status === 'error') return <LoadError error={list.state.error} reload={list.retry} />;
  if (list.state.items.length === 0)
    return <p className="empty">{list.state.status === 'loading' ? t('common.loading') : t('sanc.org.noTrades')}</p>;
  return (
    <div className="lic-scroll">
      <table className="table table--compact" data-testid="oversight-trades">
        <thead>
          <tr>
            <th scope="col">{t('sanc.org.tradeDate')}</th>
            <th scope="col">{t('band.material')}</th>
            <th scope="col">{t('sanc.org.quantity')}</th>
            <th scope="col">{t('sanc.org.amount')}</th>
            <th scope="col">{t('lic.status')}</th>
          </tr>
        </thead>
        <tbody>
          {list.state.items.map((tr) => {
            const m = materials.get(tr.materialCode);
            return (
              <tr key={tr.id}>
                <td className="small">
                  <Link to={`/trades/${tr.id}`}>{formatDateTime(tr.createdAt, lang)}</Link>
                </td>
                <td>{m ? (lang === 'en' ? m.nameEn : m.nameZh) : tr.materialCode}</td>
                <td>{formatTonnes(tr.quantityKg, lang)}</td>
                <td>{formatAmount(tr.amountFen)}</td>
                <td>
                  <TradeStatusBadge status={tr.status} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {list.state.nextCursor && (
        <button type="button" className="btn btn--secondary btn--small" onClick={list.loadMore}>
          {t('lic.more')}
        </button>
      )}
    </div>
  );
}
