import { useState, type FormEvent } from 'react';
import { Navigate, useLocation } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { ErrorAlert } from '../../components/LoadError';
import { QueryState } from '../../components/QueryState';
import { FormField } from '../../components/FormField';
import { useI18n, type MessageKey } from '../../i18n';
import { formatPricePerTonne } from '../../lib/money';
import { formatDateTime, yuanToFen } from '../../lib/units';
import { useSession } from '../auth/session';
import { collectionApi, useDesignate, useDesignations, useFallbackIndicator, useFallbackRequests } from './api';
import './collection.css';

/**
 * The regulator's view of issue 18: designated disposers of last resort and their tariffs (a
 * city-scope regulator adds them), the fallback queue with overdue answers, fallback volume per code,
 * and the trace of a producer's kilograms from intake to disposal.
 */
export function RegulatorCollectionPage() {
  const { t } = useI18n();
  const { session } = useSession();
  const location = useLocation();
  if (session.status === 'loading') return <p role="status">{t('common.loading')}</p>;
  if (session.status === 'signedOut') return <Navigate to={`/signin?next=${encodeURIComponent(location.pathname)}`} replace />;
  if (!session.me.roles.includes('regulator')) return <ErrorAlert error={new Error(t('lic.review.forbidden'))} />;
  return (
    <div className="page collection" data-testid="regulator-collection-page">
      <header className="page__header">
        <p className="eyebrow">{t('nav.regulator')}</p>
        <h1>{t('colreg.title')}</h1>
        <p className="muted">{t('colreg.intro')}</p>
      </header>
      <DesignationsSection />
      <QueueSection />
      <TraceSection />
    </div>
  );
}

function DesignationsSection() {
  const { t, lang } = useI18n();
  const list = useDesignations();
  const designate = useDesignate();
  const [code, setCode] = useState('');
  const [disposer, setDisposer] = useState('');
  const [fee, setFee] = useState('');
  const [from, setFrom] = useState('');
  const [source, setSource] = useState('');
  function submit(e: FormEvent) {
    e.preventDefault();
    const fen = yuanToFen(fee);
    if (fen === null) return;
    designate.mutate({
      wasteCode: code.trim(),
      disposerOrgId: disposer.trim(),
      feePerTonneFen: fen,
      effectiveFrom: from,
      source: source.trim(),
    });
  }
  return (
    <section className="card" aria-labelledby="colreg-des">
      <h2 id="colreg-des">{t('colreg.des.title')}</h2>
      <QueryState query={list}>
        {(data) => (
          <div className="table-scroll">
            <table className="table table--compact" data-testid="colreg-designations">
              <thead>
                <tr>
                  <th scope="col">{t('col.code')}</th>
                  <th scope="col">{t('colreg.des.disposer')}</th>
                  <th scope="col">{t('colreg.des.fee')}</th>
                  <th scope="col">{t('colreg.des.from')}</th>
                  <th scope="col">{t('colreg.des.source')}</th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((d) => (
                  <tr key={d.id}>
                    <td>{d.wasteCode}</td>
                    <td>{d.disposerName}</td>
                    <td>{formatPricePerTonne(-d.feePerTonneFen, lang)}</td>
                    <td>{d.effectiveFrom}</td>
                    <td>{d.source}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </QueryState>
      <form onSubmit={submit} className="form collection__form" noValidate>
        <FormField id="colreg-code" label={t('col.code')} hint={t('colreg.des.code.hint')} required>
          {(c) => <input {...c} className="input" value={code} onChange={(e) => setCode(e.target.value)} />}
        </FormField>
        <FormField id="colreg-disposer" label={t('colreg.des.disposerId')} required>
          {(c) => <input {...c} className="input" value={disposer} onChange={(e) => setDisposer(e.target.value)} />}
        </FormField>
        <FormField id="colreg-fee" label={t('colreg.des.feeInput')} required>
          {(c) => <input {...c} className="input" inputMode="decimal" value={fee} onChange={(e) => setFee(e.target.value)} />}
        </FormField>
        <FormField id="colreg-from" label={t('colreg.des.from')} required>
          {(c) => <input {...c} type="date" className="input" value={from} onChange={(e) => setFrom(e.target.value)} />}
        </FormField>
        <FormField id="colreg-source" label={t('colreg.des.source')} required>
          {(c) => <input {...c} className="input" value={source} onChange={(e) => setSource(e.target.value)} />}
        </FormField>
        {designate.error && <ErrorAlert error={designate.error} />}
        <button
          type="submit"
          className="btn btn--primary"
          disabled={designate.isPending || !code || !disposer || !fee || !from || !source}
        >
          {t('colreg.des.submit')}
        </button>
      </form>
    </section>
  );
}

function QueueSection() {
  const { t, lang } = useI18n();
  const queue = useFallbackRequests();
  const indicator = useFallbackIndicator();
  return (
    <section className="card" aria-labelledby="colreg-queue">
      <h2 id="colreg-queue">{t('colreg.queue.title')}</h2>
      <QueryState query={queue} isEmpty={(d) => d.items.length === 0} empty={<p className="muted">{t('colreg.queue.none')}</p>}>
        {(data) => (
          <ul className="collection__list" data-testid="colreg-queue">
            {data.items.map((r) => (
              <li key={r.id} className="collection__item">
                <span>
                  <strong>{r.wasteCode}</strong> · {r.quantityKg} kg · {formatPricePerTonne(-r.feePerTonneFen, lang)} (
                  {r.priceSource})
                </span>
                <span className={r.overdue ? 'collection__overdue' : 'muted'}>
                  {t(`colreg.queue.${r.status}` as MessageKey)} · {t('colreg.queue.respondBy')}{' '}
                  {formatDateTime(r.respondBy, lang)}
                  {r.overdue ? ` · ${t('colreg.queue.overdue')}` : ''}
                </span>
              </li>
            ))}
          </ul>
        )}
      </QueryState>
      <h3>{t('colreg.ind.title')}</h3>
      <QueryState query={indicator}>
        {(data) => (
          <div className="table-scroll">
            <table className="table table--compact" data-testid="colreg-indicator">
              <thead>
                <tr>
                  <th scope="col">{t('col.code')}</th>
                  <th scope="col">{t('colreg.ind.requests')}</th>
                  <th scope="col">{t('colreg.ind.accepted')}</th>
                  <th scope="col">{t('colreg.ind.kg')}</th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((x) => (
                  <tr key={x.wasteCode}>
                    <td>{x.wasteCode}</td>
                    <td>{x.requests}</td>
                    <td>{x.accepted}</td>
                    <td>{x.kg} kg</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </QueryState>
    </section>
  );
}

function TraceSection() {
  const { t } = useI18n();
  const [input, setInput] = useState('');
  const [query, setQuery] = useState<{ intakeId?: string; producerOrgId?: string } | null>(null);
  const [by, setBy] = useState<'intakeId' | 'producerOrgId'>('intakeId');
  const trace = useQuery({
    queryKey: ['collection', 'trace', query],
    queryFn: ({ signal }) => collectionApi.trace(query!, signal),
    enabled: query !== null,
  });
  function submit(e: FormEvent) {
    e.preventDefault();
    setQuery({ [by]: input.trim() });
  }
  return (
    <section className="card" aria-labelledby="colreg-trace">
      <h2 id="colreg-trace">{t('colreg.trace.title')}</h2>
      <form onSubmit={submit} className="form collection__form" noValidate>
        <FormField id="colreg-trace-by" label={t('colreg.trace.by')}>
          {(c) => (
            <select {...c} className="input" value={by} onChange={(e) => setBy(e.target.value as 'intakeId' | 'producerOrgId')}>
              <option value="intakeId">{t('colreg.trace.intake')}</option>
              <option value="producerOrgId">{t('colreg.trace.producer')}</option>
            </select>
          )}
        </FormField>
        <FormField id="colreg-trace-id" label={t('colreg.trace.id')} required>
          {(c) => <input {...c} className="input" value={input} onChange={(e) => setInput(e.target.value)} />}
        </FormField>
        <button type="submit" className="btn btn--primary" disabled={!input}>
          {t('colreg.trace.submit')}
        </button>
      </form>
      {trace.error && <ErrorAlert error={trace.error} />}
      <ul className="collection__list" data-testid="colreg-trace-result">
        {trace.data?.items.map((i) => (
          <li key={i.intake.id} className="collection__item">
            <span>
              <strong>{i.intake.wasteCode}</strong> · {t('colreg.trace.received', { kg: i.receivedKg })} ·{' '}
              {t('colreg.trace.disposed', { kg: Math.round(i.disposedKg * 10) / 10 })}
            </span>
            <span className="muted">
              {i.collection.map((m) => m.number).join(', ')}
              {i.downstream.length > 0 ? ` → ${i.downstream.map((m) => `${m.number} ${m.disposalMethod ?? ''}`).join(', ')}` : ''}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
