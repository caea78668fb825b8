import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { Alert } from '../../components/Alert';
import { QueryState } from '../../components/QueryState';
import { useI18n } from '../../i18n';
import { formatPricePerTonne } from '../../lib/money';
import { formatAmount, formatDateTime, formatTonnes } from '../../lib/units';
import type { Me } from '../auth/api';
import { RequireSignIn } from '../auth/components/RequireSignIn';
import { useMaterials } from '../catalog/materials';
import { HazardBadge } from '../listings/components/ListingBits';
import { districtName } from '../listings/labels';
import { TradeTrips } from '../manifests/TradeTrips';
import { DisputePanel } from '../disputes/DisputePanel';
import { TradeLedger } from '../payments/TradeLedger';
import { TradePayment } from '../payments/TradePayment';
import { tradeKeys, tradesApi } from './api';
import { OrgName } from './components/OrgName';
import { SettledFigures } from './components/SettledFigures';
import { MoneyRoleBadge, MyTradingTabs, TradeStatusBadge, moneyRole } from './components/TradeBits';
import { EcoRateSource } from './components/EcoRate';

export function TradePage() {
  return <RequireSignIn>{(me) => <TradeDetail me={me} />}</RequireSignIn>;
}

function TradeDetail({ me }: { me: Me }) {
  const { id = '' } = useParams();
  const { t, lang } = useI18n();
  const materials = useMaterials();
  // Trade events in the org's room refetch it (realtime/invalidation.ts).
  const state = useQuery({ queryKey: tradeKeys.detail(id), queryFn: ({ signal }) => tradesApi.get(id, signal) });

  const orgId = me.org?.id;
  return (
    <div className="page" data-testid="trade-page">
      <MyTradingTabs />
      <p className="back-link">
        <Link to="/trades">← {t('trade.back')}</Link>
      </p>
      <QueryState
        query={state}
        notFound={<Alert>{t('trade.notFound')}</Alert>}
        notFoundCodes={['NOT_FOUND', 'VALIDATION_FAILED', 'NOT_A_PARTY']}
      >
        {(tr) => {
          const m = materials.get(tr.materialCode);
          const role = moneyRole(tr, orgId);
          const weAreGenerator = orgId === tr.generatorOrgId;
          const weAreReceiver = orgId === tr.receiverOrgId;
          // What we pay or receive in all (DESIGN §5.4–5.5): the payee bears the platform fee, the
          // generator the eco compensation, whichever side of the payment it is on.
          const eco = weAreGenerator ? tr.ecoCompensationFen : 0;
          const net = role === 'payer' ? tr.amountFen + eco : role === 'payee' ? tr.amountFen - tr.platformFeeFen - eco : eco;
          return (
            <article className="trade" data-testid="trade-detail" data-id={tr.id} data-status={tr.status}>
              <header className="listing__header">
                <div className="listing__code">
                  <span className="code">
                    {tr.classifiedCode ? `${tr.materialCode} → ${tr.classifiedCode}` : tr.materialCode}
                  </span>
                </div>
                <h1 data-testid="trade-title">{m ? (lang === 'en' ? m.nameEn : m.nameZh) : tr.materialCode}</h1>
                <div className="badges">
                  <TradeStatusBadge status={tr.status} />
                  <MoneyRoleBadge role={role} />
                  <HazardBadge hazardous={tr.hazardous} />
                </div>
              </header>
              <SettledFigures trade={tr} role={role} />
              <div className="material__grid">
                <section className="card" aria-labelledby="trade-terms">
                  <h2 id="trade-terms">{t('trade.terms')}</h2>
                  <dl className="facts">
                    <div>
                      <dt>{t('trades.col.quantity')}</dt>
                      <dd data-testid="trade-quantity">{formatTonnes(tr.quantityKg, lang)}</dd>
                    </div>
                    <div>
                      <dt>{t('trades.col.price')}</dt>
                      <dd>
                        <span className={`price ${tr.pricePerTonneFen < 0 ? 'price--fee' : 'price--paid'}`}>
                          {formatPricePerTonne(tr.pricePerTonneFen, lang)}
                        </span>
                      </dd>
                    </div>
                    <div>
                      <dt>{t('trades.col.amount')}</dt>
                      <dd data-testid="trade-amount">
                        <span className="amount">{formatAmount(tr.amountFen)}</span>{' '}
                        <span className="muted small">
                          {t(
                            tr.payerOrgId
                              ? tr.pricePerTonneFen < 0
                                ? 'trade.amount.feeExplain'
                                : 'trade.amount.paidExplain'
                              : 'trade.amount.none',
                          )}
                        </span>
                      </dd>
                    </div>
                    <div>
                      <dt>{t('trade.platformFee')}</dt>
                      <dd data-testid="trade-platform-fee">
                        {formatAmount(tr.platformFeeFen)} <span className="muted small">{t('trade.platformFee.explain')}</span>
                      </dd>
                    </div>
                    <div>
                      <dt>{t('trade.ecoFee')}</dt>
                      <dd data-testid="trade-eco-fee">
                        {formatAmount(tr.ecoCompensationFen)}{' '}
                        <span className="muted small">
                          {t(tr.ecoCompensationFen > 0 ? 'trade.ecoFee.explain' : 'trade.ecoFee.none')}
                        </span>
                      </dd>
                    </div>
                    <div>
                      <dt>{t('trade.ecoRate')}</dt>
                      <dd>
                        <EcoRateSource trade={tr} />
                      </dd>
                    </div>
                    <div>
                      <dt>
                        {t(role === 'payer' ? 'trade.net.pay' : role === 'payee' ? 'trade.net.receive' : 'trade.net.other')}
                      </dt>
                      <dd data-testid="trade-net">
                        <strong>{formatAmount(net)}</strong>
                      </dd>
                    </div>
                  </dl>
                </section>
                <section className="card" aria-labelledby="trade-parties">
                  <h2 id="trade-parties">{t('trade.parties')}</h2>
                  <dl className="facts">
                    <div>
                      <dt>{t('trade.ourRole')}</dt>
                      <dd data-testid="trade-our-role">
                        {t(
                          weAreGenerator ? 'trade.role.generator' : weAreReceiver ? 'trade.role.receiver' : 'trade.role.observer',
                        )}
                      </dd>
                    </div>
                    <div>
                      <dt>{t('trade.route')}</dt>
                      <dd>
                        {districtName(tr.originDistrict, lang)} → {districtName(tr.destinationDistrict, lang)}
                      </dd>
                    </div>
                    {/* The other organisation by name, linked to its profile and credit; an overseer sees both. */}
                    {!weAreGenerator && (
                      <div>
                        <dt>{t('tradeView.party.generator')}</dt>
                        <dd>
                          <OrgName orgId={tr.generatorOrgId} testId="trade-generator" />
                        </dd>
                      </div>
                    )}
                    {!weAreReceiver && (
                      <div>
                        <dt>{t('tradeView.party.receiver')}</dt>
                        <dd>
                          <OrgName orgId={tr.receiverOrgId} testId="trade-receiver" />
                        </dd>
                      </div>
                    )}
                    {tr.listingId && (
                      <div>
                        <dt>{t('trade.listing')}</dt>
                        <dd>
                          <Link to={`/listings/${tr.listingId}`} data-testid="trade-listing-link">
                            {t('trade.listing.open')}
                          </Link>
                        </dd>
                      </div>
                    )}
                    <div>
                      <dt>{t('trade.manifests')}</dt>
                      <dd>{t('trade.manifests.count', { count: tr.manifestIds.length })}</dd>
                    </div>
                    <div>
                      <dt>{t('trade.accepted')}</dt>
                      <dd data-testid="trade-accepted" data-kg={tr.acceptedKg}>
                        {formatTonnes(tr.acceptedKg, lang)}
                      </dd>
                    </div>
                    <div>
                      <dt>{t('trade.created')}</dt>
                      <dd>{formatDateTime(tr.createdAt, lang)}</dd>
                    </div>
                    <div>
                      <dt>{t('trade.updated')}</dt>
                      <dd>{formatDateTime(tr.updatedAt, lang)}</dd>
                    </div>
                  </dl>
                </section>
              </div>
              {tr.status === 'awaiting_payment' && (
                <Alert tone="info" testId="trade-next-step">
                  {t(role === 'payer' ? 'trade.next.pay' : 'trade.next.waitPayment')}
                </Alert>
              )}
              <TradePayment trade={tr} />
              <DisputePanel trade={tr} me={me} />
              <TradeTrips trade={tr} orgId={orgId} />
              <TradeLedger tradeId={tr.id} parties={{ generatorOrgId: tr.generatorOrgId, receiverOrgId: tr.receiverOrgId }} />
            </article>
          );
        }}
      </QueryState>
    </div>
  );
}
