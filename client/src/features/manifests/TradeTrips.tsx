import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Alert } from '../../components/Alert';
import { useI18n } from '../../i18n';
import { errorText } from '../../lib/errors';
import { formatTonnes } from '../../lib/units';
import { manifestKeys, manifestsApi, useCloseShipments } from './api';
import { OpenTripForm } from './components/OpenTripForm';
import { TripsTable } from './ManifestsPage';
import './manifests.css';

interface TradeLike {
  id: string;
  status: string;
  quantityKg: number;
  generatorOrgId: string;
  materialCode: string;
  classifiedCode: string | null;
  hazardous: boolean;
}

/**
 * The trips of a trade, on the trade page: each manifest with its status, overdue badge and next
 * step; for the shipper (the generator), opening a trip and ending shipments.
 */
export function TradeTrips({ trade, orgId }: { trade: TradeLike; orgId: string | null | undefined }) {
  const { t, lang } = useI18n();
  const [actionProblem, setProblem] = useState<unknown>(null);
  const [opening, setOpening] = useState(false);
  const [confirmClose, setConfirmClose] = useState(false);
  const [closed, setClosed] = useState(false);
  const closeShipmentsOf = useCloseShipments();
  // manifest.updated refetches the trips and the trade (realtime/invalidation.ts).
  const tripsQuery = useQuery({
    queryKey: manifestKeys.ofTrade(trade.id),
    queryFn: ({ signal }) => manifestsApi.list({ tradeId: trade.id, limit: 100 }, signal),
    select: (page) => [...page.items].reverse(),
  });
  const trips = tripsQuery.data ?? null;
  const problem = actionProblem ?? tripsQuery.error;

  const shipper = !!orgId && orgId === trade.generatorOrgId;
  // A cancelled draft declares nothing (its kg are free again, as the server counts them).
  const declared = (trips ?? []).filter((m) => m.status !== 'cancelled').reduce((s, m) => s + m.declaredKg, 0);
  const remaining = Math.max(0, trade.quantityKg - declared);
  const shipping = trade.status === 'funded' || trade.status === 'in_transit';

  async function closeShipments() {
    setProblem(null);
    try {
      await closeShipmentsOf.mutateAsync(trade.id);
      setClosed(true);
      setConfirmClose(false);
    } catch (err) {
      setProblem(err);
    }
  }

  return (
    <section className="card mf-trade-trips" aria-labelledby="trade-trips" data-testid="trade-trips">
      <h2 id="trade-trips">{t('trips.title')}</h2>
      <p className="muted small">{t('trips.intro')}</p>
      <p data-testid="trips-declared">
        {t('trips.declared', { declared: formatTonnes(declared, lang), quantity: formatTonnes(trade.quantityKg, lang) })}
      </p>
      {problem != null && <Alert>{errorText(problem, t)}</Alert>}
      {trips && trips.length === 0 && <p className="empty">{t('trips.empty')}</p>}
      {trips && trips.length > 0 && <TripsTable items={trips} />}
      {trade.status === 'awaiting_payment' && <Alert tone="info">{t('trips.waitFunding')}</Alert>}
      {closed && <Alert tone="info">{t('trips.closed')}</Alert>}
      {shipper && shipping && !closed && (
        <div className="mf-trade-trips__actions">
          {remaining > 0 && !opening && (
            <button type="button" className="btn btn--primary" onClick={() => setOpening(true)} data-testid="open-trip">
              {t('trips.open')}
            </button>
          )}
          {(trips?.length ?? 0) > 0 && !confirmClose && (
            <button type="button" className="btn btn--ghost" onClick={() => setConfirmClose(true)} data-testid="close-shipments">
              {t('trips.close')}
            </button>
          )}
          {confirmClose && (
            <Alert tone="warning">
              {t('trips.close.explain')}{' '}
              <button
                type="button"
                className="btn btn--danger btn--small"
                onClick={closeShipments}
                data-testid="close-shipments-confirm"
              >
                {t('trips.close.confirm')}
              </button>
            </Alert>
          )}
        </div>
      )}
      {opening && shipper && shipping && remaining > 0 && (
        <OpenTripForm
          tradeId={trade.id}
          wasteCode={trade.classifiedCode ?? trade.materialCode}
          hazardous={trade.hazardous}
          remainingKg={remaining}
          onOpened={() => setOpening(false)}
        />
      )}
    </section>
  );
}
