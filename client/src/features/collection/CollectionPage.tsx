import { useState, type FormEvent } from 'react';
import { Link, Navigate, useLocation } from 'react-router';
import { ErrorAlert, LoadError } from '../../components/LoadError';
import { QueryState } from '../../components/QueryState';
import { FormField } from '../../components/FormField';
import { useI18n, type MessageKey } from '../../i18n';
import { formatPricePerTonne } from '../../lib/money';
import { formatDateTime, yuanToFen } from '../../lib/units';
import { useSession } from '../auth/session';
import { useAccept, useCreateLot, useDeclare, useIntakes, usePoints, useRefuse, useStock, type TIntake } from './api';
import './collection.css';

/**
 * Collection (issue 18, 小箱进大箱). A small producer's short path on a phone: choose a collection
 * point, declare the lot, then pay and follow it on its trade. A collector decides intakes, sees its
 * stock per code against its licence capacity and consolidates received intakes into a lot.
 */
export function CollectionPage() {
  const { t } = useI18n();
  const { session } = useSession();
  const location = useLocation();
  if (session.status === 'loading') return <p role="status">{t('common.loading')}</p>;
  if (session.status === 'signedOut') return <Navigate to={`/signin?next=${encodeURIComponent(location.pathname)}`} replace />;
  const roles = session.me.roles;
  return (
    <div className="page collection" data-testid="collection-page">
      <header className="page__header">
        <p className="eyebrow">{t('col.eyebrow')}</p>
        <h1>{t('col.title')}</h1>
        <p className="muted">{t('col.intro')}</p>
      </header>
      {roles.includes('generator') && <DeclareSection />}
      {roles.includes('collector') && <CollectorSection />}
      <IntakesSection />
    </div>
  );
}

function DeclareSection() {
  const { t, lang } = useI18n();
  const points = usePoints();
  const declare = useDeclare();
  const [pointId, setPointId] = useState('');
  const [materialCode, setMaterialCode] = useState('');
  const [kg, setKg] = useState('');
  const [done, setDone] = useState<TIntake | null>(null);
  const point = points.data?.items.find((p) => p.id === pointId) ?? null;
  function submit(e: FormEvent) {
    e.preventDefault();
    setDone(null);
    declare.mutate(
      { pointId, materialCode: materialCode.trim(), quantityKg: Number(kg) },
      {
        onSuccess: (intake) => {
          setDone(intake);
          setKg('');
        },
      },
    );
  }
  return (
    <section className="card" aria-labelledby="col-declare">
      <h2 id="col-declare">{t('col.declare.title')}</h2>
      {points.error && <LoadError error={points.error} reload={() => void points.refetch()} />}
      <form onSubmit={submit} className="form collection__form" noValidate>
        <FormField id="col-point" label={t('col.point')} required>
          {(c) => (
            <select {...c} className="input" value={pointId} onChange={(e) => setPointId(e.target.value)} data-testid="col-point">
              <option value="">{t('col.point.choose')}</option>
              {points.data?.items.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name} · {p.orgName}
                </option>
              ))}
            </select>
          )}
        </FormField>
        {point && (
          <p className="muted" data-testid="col-point-details">
            {point.address} · {t('col.fee')}: {formatPricePerTonne(-point.feePerTonneFen, lang)} · {t('col.codes')}:{' '}
            {point.wasteCodes.join(', ')}
          </p>
        )}
        <FormField id="col-material" label={t('col.material')} hint={t('col.material.hint')} required>
          {(c) => (
            <input
              {...c}
              className="input"
              value={materialCode}
              onChange={(e) => setMaterialCode(e.target.value)}
              autoComplete="off"
              data-testid="col-material"
            />
          )}
        </FormField>
        <FormField id="col-kg" label={t('col.kg')} hint={t('col.kg.hint')} required>
          {(c) => (
            <input
              {...c}
              className="input"
              inputMode="numeric"
              value={kg}
              onChange={(e) => setKg(e.target.value.replace(/[^0-9]/g, ''))}
              data-testid="col-kg"
            />
          )}
        </FormField>
        {declare.error && <ErrorAlert error={declare.error} testId="col-declare-error" />}
        <button
          type="submit"
          className="btn btn--primary"
          disabled={!pointId || !materialCode || !kg || declare.isPending}
          data-testid="col-declare"
        >
          {t('col.declare.submit')}
        </button>
        {done && (
          <p role="status" className="collection__done" data-testid="col-declared">
            {t('col.declare.done', { kg: done.quantityKg })}
          </p>
        )}
      </form>
    </section>
  );
}

function statusText(t: (k: MessageKey) => string, s: TIntake['status']) {
  return t(`col.status.${s}` as MessageKey);
}

function IntakesSection() {
  const { t, lang } = useI18n();
  const intakes = useIntakes();
  return (
    <section className="card" aria-labelledby="col-intakes">
      <h2 id="col-intakes">{t('col.intakes.title')}</h2>
      <QueryState query={intakes} isEmpty={(d) => d.items.length === 0} empty={<p className="muted">{t('col.intakes.none')}</p>}>
        {(data) => (
          <ul className="collection__list" data-testid="col-intakes">
            {data.items.map((i) => (
              <li key={i.id} className="collection__item">
                <span>
                  <strong>{i.wasteCode}</strong> · {i.quantityKg} kg · {statusText(t, i.status)}
                </span>
                <span className="muted">
                  {formatDateTime(i.createdAt, lang)}
                  {i.refusalReason ? ` · ${i.refusalReason}` : ''}
                </span>
                {i.tradeId && (
                  <Link to={`/trades/${i.tradeId}`} data-testid={`col-trade-${i.id}`}>
                    {t('col.intakes.follow')} →
                  </Link>
                )}
              </li>
            ))}
          </ul>
        )}
      </QueryState>
    </section>
  );
}

function CollectorSection() {
  const { t } = useI18n();
  const intakes = useIntakes();
  const stock = useStock();
  const accept = useAccept();
  const refuse = useRefuse();
  const createLot = useCreateLot();
  const [chosen, setChosen] = useState<string[]>([]);
  const [price, setPrice] = useState('');
  const [lotDone, setLotDone] = useState<string | null>(null);
  const declared = intakes.data?.items.filter((i) => i.status === 'declared' && i.producerOrgId !== i.collectorOrgId) ?? [];
  const inStock = intakes.data?.items.filter((i) => i.status === 'accepted' && !i.lotId) ?? [];
  function consolidate(e: FormEvent) {
    e.preventDefault();
    // The lot's price may be negative (the collector pays the disposer, DESIGN §6.2).
    const negative = price.trim().startsWith('-');
    const abs = yuanToFen(price.trim().replace(/^-/, ''));
    if (abs === null) return;
    const fen = negative ? -abs : abs;
    const day = 86_400_000;
    createLot.mutate(
      {
        intakeIds: chosen,
        listing: {
          mode: 'fixed',
          pricePerTonneFen: fen,
          pickupFrom: new Date(Date.now() + day).toISOString(),
          pickupTo: new Date(Date.now() + 10 * day).toISOString(),
        },
      },
      {
        onSuccess: (lot) => {
          setChosen([]);
          setLotDone(lot.listingId);
        },
      },
    );
  }
  return (
    <>
      <section className="card" aria-labelledby="col-decide">
        <h2 id="col-decide">{t('col.decide.title')}</h2>
        {(accept.error || refuse.error) && <ErrorAlert error={accept.error ?? refuse.error} />}
        {declared.length === 0 && <p className="muted">{t('col.decide.none')}</p>}
        <ul className="collection__list">
          {declared.map((i) => (
            <li key={i.id} className="collection__item">
              <span>
                <strong>{i.wasteCode}</strong> · {i.quantityKg} kg
              </span>
              <span className="collection__actions">
                <button
                  type="button"
                  className="btn btn--primary"
                  onClick={() => accept.mutate(i.id)}
                  disabled={accept.isPending}
                >
                  {t('col.decide.accept')}
                </button>
                <button
                  type="button"
                  className="btn"
                  onClick={() => refuse.mutate({ id: i.id, reason: t('col.decide.reason') })}
                  disabled={refuse.isPending}
                >
                  {t('col.decide.refuse')}
                </button>
              </span>
            </li>
          ))}
        </ul>
      </section>
      <section className="card" aria-labelledby="col-stock">
        <h2 id="col-stock">{t('col.stock.title')}</h2>
        <QueryState query={stock}>
          {(data) => (
            <div className="table-scroll">
              <table className="table table--compact" data-testid="col-stock">
                <thead>
                  <tr>
                    <th scope="col">{t('col.code')}</th>
                    <th scope="col">{t('col.stock.inStock')}</th>
                    <th scope="col">{t('col.stock.year')}</th>
                    <th scope="col">{t('col.stock.capacity')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.items.map((s) => (
                    <tr key={s.wasteCode}>
                      <td>{s.wasteCode}</td>
                      <td>{s.inStockKg} kg</td>
                      <td>{s.yearIntakeKg} kg</td>
                      <td>{s.capacityKg === null ? '—' : `${s.capacityKg} kg`}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </QueryState>
      </section>
      <section className="card" aria-labelledby="col-lot">
        <h2 id="col-lot">{t('col.lot.title')}</h2>
        <p className="muted">{t('col.lot.intro')}</p>
        <form onSubmit={consolidate} className="form collection__form" noValidate>
          <fieldset className="checkbox-group">
            <legend className="field__label">{t('col.lot.intakes')}</legend>
            {inStock.map((i) => (
              <div className="checkbox" key={i.id}>
                <input
                  type="checkbox"
                  id={`col-lot-${i.id}`}
                  checked={chosen.includes(i.id)}
                  onChange={(e) => setChosen(e.target.checked ? [...chosen, i.id] : chosen.filter((x) => x !== i.id))}
                />
                <label htmlFor={`col-lot-${i.id}`}>
                  {i.wasteCode} · {i.quantityKg} kg
                </label>
              </div>
            ))}
          </fieldset>
          <FormField id="col-lot-price" label={t('col.lot.price')} hint={t('col.lot.price.hint')} required>
            {(c) => (
              <input {...c} className="input" inputMode="decimal" value={price} onChange={(e) => setPrice(e.target.value)} />
            )}
          </FormField>
          {createLot.error && <ErrorAlert error={createLot.error} />}
          <button type="submit" className="btn btn--primary" disabled={chosen.length === 0 || !price || createLot.isPending}>
            {t('col.lot.submit')}
          </button>
          {lotDone && (
            <p role="status">
              <Link to={`/listings/${lotDone}`}>{t('col.lot.done')} →</Link>
            </p>
          )}
        </form>
      </section>
    </>
  );
}
