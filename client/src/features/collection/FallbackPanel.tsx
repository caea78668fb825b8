import { useState } from 'react';
import { Link } from 'react-router';
import { ErrorAlert, LoadError } from '../../components/LoadError';
import { useI18n } from '../../i18n';
import { ApiError } from '../../lib/api';
import { formatPricePerTonne } from '../../lib/money';
import { formatAmount, formatDateTime } from '../../lib/units';
import type { Listing } from '../listings/api';
import { useDesignations, useFallbackRequests, useFallbackTariff, useRequestFallback, type TFallbackRequest } from './api';
import './collection.css';

/** Listing states after which the server lets a lot go to fallback (modules/collection/fallback.ts ENDED). */
const ENDED: readonly string[] = ['closed', 'expired', 'cancelled'];

/**
 * Fallback disposal (兜底处置) on the owner's view of its hazardous supply listing (issue 18 item 3).
 * Once the lot's market ended with kilograms left, the producer reads the designated disposer and the
 * regulated tariff with its source, ticks that it accepts it, and only then sends the request; it then
 * follows the request (pending, accepted with its trade, or declined with the reason). An open listing
 * shows how to ask directly: cancel it, and the tariff appears.
 */
export function FallbackPanel({ listing: l }: { listing: Listing }) {
  const { t } = useI18n();
  const requests = useFallbackRequests();
  if (l.side !== 'supply' || !l.hazardous) return null;
  // Newest first from the server: the first one for this lot is the one that counts.
  const current = requests.data?.items.find((r) => r.listingId === l.id) ?? null;
  const ended = ENDED.includes(l.status);
  const mayAsk = ended && l.remainingKg > 0 && requests.isSuccess && (!current || current.status === 'declined');

  return (
    <section className="card" aria-labelledby="fallback-title" data-testid="fallback-panel">
      <h2 id="fallback-title">{t('fb.title')}</h2>
      {requests.error && <LoadError error={requests.error} reload={() => void requests.refetch()} />}
      {l.status === 'open' && !current && (
        <p className="muted" data-testid="fallback-ask-directly">
          {t('fb.askDirectly')}
        </p>
      )}
      {current && <RequestStatus request={current} />}
      {mayAsk && <TariffOffer listingId={l.id} />}
    </section>
  );
}

/** Where the producer's request stands: waiting (with the deadline), accepted (its trade), or declined (why). */
function RequestStatus({ request: r }: { request: TFallbackRequest }) {
  const { t, lang } = useI18n();
  const designations = useDesignations();
  const disposer = designations.data?.items.find((d) => d.id === r.designationId)?.disposerName ?? '';
  return (
    <div className="fallback__status" data-testid="fallback-request" data-status={r.status}>
      <p>
        <strong>{t(`fb.status.${r.status}`)}</strong>
        {disposer && <> · {disposer}</>}
      </p>
      <p className="muted small">
        {t('fb.tariff')}: {formatPricePerTonne(-r.feePerTonneFen, lang)} · {t('fb.source')}: {r.priceSource}
      </p>
      {r.status === 'pending' && (
        <p className="muted small">
          {t('fb.respondBy', { date: formatDateTime(r.respondBy, lang) })}
          {r.overdue && <span className="collection__overdue"> · {t('fb.overdue')}</span>}
        </p>
      )}
      {r.status === 'accepted' && r.tradeId && (
        <Link to={`/trades/${r.tradeId}`} className="btn btn--primary" data-testid="fallback-trade">
          {t('fb.openTrade')}
        </Link>
      )}
      {r.status === 'declined' && (
        <p data-testid="fallback-reason">
          {t('fb.reason')}: {r.reason}
        </p>
      )}
    </div>
  );
}

/** The designated disposer and tariff in force, an explicit acceptance, then the request. */
function TariffOffer({ listingId }: { listingId: string }) {
  const { t, lang } = useI18n();
  const tariff = useFallbackTariff(listingId, true);
  const send = useRequestFallback();
  const [accepted, setAccepted] = useState(false);

  async function submit() {
    const d = tariff.data?.designation;
    if (!d || !accepted) return;
    try {
      await send.mutateAsync({ listingId, body: { designationId: d.id, feePerTonneFen: d.feePerTonneFen, acceptTariff: true } });
    } catch (err) {
      // A tariff changed since it was read is shown again; the producer must accept the new one.
      if (err instanceof ApiError && err.code === 'TARIFF_CHANGED') {
        setAccepted(false);
        void tariff.refetch();
      }
    }
  }

  if (tariff.isPending) return <p role="status">{t('common.loading')}</p>;
  if (tariff.error) return <ErrorAlert error={tariff.error} testId="fallback-tariff-error" />;
  const { designation: d, quantityKg, estimatedFen } = tariff.data;
  return (
    <div className="collection__form" data-testid="fallback-offer">
      <p className="muted">{t('fb.intro')}</p>
      <dl className="facts facts--compact">
        <div>
          <dt>{t('fb.disposer')}</dt>
          <dd data-testid="fallback-disposer">{d.disposerName}</dd>
        </div>
        <div>
          <dt>{t('fb.tariff')}</dt>
          <dd data-testid="fallback-fee">{formatPricePerTonne(-d.feePerTonneFen, lang)}</dd>
        </div>
        <div>
          <dt>{t('fb.source')}</dt>
          <dd data-testid="fallback-source">
            {d.source} · {t('fb.effectiveFrom', { date: d.effectiveFrom })}
          </dd>
        </div>
        <div>
          <dt>{t('fb.quantity')}</dt>
          <dd>{quantityKg} kg</dd>
        </div>
        <div>
          <dt>{t('fb.estimate')}</dt>
          <dd data-testid="fallback-estimate">{formatAmount(estimatedFen)}</dd>
        </div>
      </dl>
      <div className="checkbox">
        <input
          type="checkbox"
          id="fallback-accept"
          checked={accepted}
          onChange={(e) => setAccepted(e.target.checked)}
          data-testid="fallback-accept"
        />
        <label htmlFor="fallback-accept">{t('fb.accept')}</label>
      </div>
      {send.error && <ErrorAlert error={send.error} testId="fallback-error" />}
      <button
        type="button"
        className="btn btn--primary"
        disabled={!accepted || send.isPending}
        onClick={() => void submit()}
        data-testid="fallback-send"
      >
        {t('fb.send')}
      </button>
    </div>
  );
}
