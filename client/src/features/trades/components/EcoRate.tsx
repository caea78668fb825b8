import { useQuery } from '@tanstack/react-query';
import { useI18n, type MessageKey } from '../../../i18n';
import { yuan } from '../../../lib/money';
import { districtName } from '../../listings/labels';
import { tradeKeys, tradesApi, type Trade } from '../api';

/**
 * The eco compensation rate a trade was created under, and where it came from (docs/eco-compensation.md):
 * the rate row's stream, districts, effective date and who set it, or the default table. The rate is
 * fixed on the trade; settlement charges it on the accepted weight.
 */
export function EcoRateSource({
  trade,
}: {
  trade: Pick<Trade, 'ecoRateId' | 'ecoFenPerTonne' | 'ecoCompensationFen' | 'originDistrict' | 'destinationDistrict'>;
}) {
  const { t, lang } = useI18n();
  const id = trade.ecoRateId;
  const rate = useQuery({
    queryKey: tradeKeys.ecoRate(id ?? ''),
    queryFn: ({ signal }) => tradesApi.ecoRate(id!, signal),
    enabled: !!id,
    staleTime: Number.POSITIVE_INFINITY,
  });
  if (trade.originDistrict === trade.destinationDistrict)
    return <span data-testid="trade-eco-rate">{t('trade.ecoRate.sameDistrict')}</span>;
  const perTonne = t('trade.ecoRate.perTonne', { amount: yuan(trade.ecoFenPerTonne) });
  // A trade from before the rate table: the single rate then in use, recovered from its stored fee.
  if (!id)
    return (
      <span data-testid="trade-eco-rate">
        {trade.ecoCompensationFen > 0 ? `${perTonne} · ${t('trade.ecoRate.legacy')}` : t('trade.ecoRate.noRate')}
      </span>
    );
  const r = rate.data;
  return (
    <span data-testid="trade-eco-rate" data-rate-id={id} data-source={r?.source}>
      <strong>{perTonne}</strong>
      {r && (
        <>
          {' · '}
          {t(`stream.${r.stream}` as MessageKey)}
          {' · '}
          {r.fromDistrict && r.toDistrict
            ? t('trade.ecoRate.scope.pair', { from: districtName(r.fromDistrict, lang), to: districtName(r.toDistrict, lang) })
            : t('trade.ecoRate.scope.city')}
          {' · '}
          {t('trade.ecoRate.from', { date: r.effectiveFrom })}
          <br />
          <span className="muted small" data-testid="trade-eco-rate-source">
            {r.source === 'default'
              ? t('trade.ecoRate.source.default')
              : t('trade.ecoRate.source.regulator', { org: r.setByOrgName ?? '—' })}
            {/* A regulator's note (the notice it implements); the default file's notes are for its maintainers. */}
            {r.source === 'regulator' && r.note ? ` (${r.note})` : ''}
          </span>
        </>
      )}
      <br />
      <span className="muted small">{t('trade.ecoRate.fixed')}</span>
    </span>
  );
}
