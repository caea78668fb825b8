import { useState, type FormEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Navigate, useLocation } from 'react-router';
import { FormField } from '../../components/FormField';
import { ErrorAlert, LoadError } from '../../components/LoadError';
import { useI18n, type MessageKey } from '../../i18n';
import { ApiError } from '../../lib/api';
import { fieldErrorFor, localFieldError } from '../../lib/fieldErrors';
import { formatAmount, formatDateTime, signedYuanToFen } from '../../lib/units';
import { useSession } from '../auth/session';
import { useMaterials } from '../catalog/materials';
import { oversightApi, oversightKeys, usePinBand, useUnpinBand, type BandPin } from './api';
import { usePagedQuery } from '../../lib/query';
import '../licences/licences.css';

/** A city regulator pins a material's reference band (yuan per tonne); the current band shows its source and when it was pinned. */
export function BandsPage() {
  const { t, lang } = useI18n();
  const { session } = useSession();
  const location = useLocation();
  const materials = useMaterials();
  const [code, setCode] = useState('');
  const me = session.status === 'signedIn' ? session.me : null;
  const allowed = !!me && me.roles.includes('regulator');
  const band = useQuery({
    queryKey: oversightKeys.band(code),
    queryFn: ({ signal }) => oversightApi.band(code, signal),
    enabled: allowed && !!code,
  });
  const pin = usePinBand();
  const unpin = useUnpinBand();
  const pins = usePagedQuery<BandPin>({
    queryKey: oversightKeys.pins(code),
    label: code,
    fetchPage: (cursor, signal) => oversightApi.pins(code, cursor, signal),
    idOf: (p) => p.at,
    enabled: allowed && !!code,
  });
  const [low, setLow] = useState('');
  const [median, setMedian] = useState('');
  const [high, setHigh] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<'pinned' | 'unpinned' | null>(null);
  const [unpinError, setUnpinError] = useState<unknown>(null);
  if (session.status === 'loading') return <p role="status">{t('common.loading')}</p>;
  if (session.status === 'signedOut') return <Navigate to={`/signin?next=${encodeURIComponent(location.pathname)}`} replace />;
  if (!allowed) return <ErrorAlert error={new Error(t('lic.review.forbidden'))} />;
  const cityScope = me?.org?.scope === 'city';
  const fieldError = (p: string) => (error instanceof ApiError ? fieldErrorFor(error, p, t) : undefined);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setUnpinError(null);
    setDone(null);
    const lowFen = signedYuanToFen(low);
    const medianFen = signedYuanToFen(median);
    const highFen = signedYuanToFen(high);
    if (lowFen === null || medianFen === null || highFen === null) {
      setError(localFieldError(lowFen === null ? 'lowFen' : medianFen === null ? 'medianFen' : 'highFen', t('band.invalid')));
      return;
    }
    try {
      await pin.mutateAsync({ code, body: { lowFen, medianFen, highFen } });
      setDone('pinned');
    } catch (err) {
      setError(err);
    }
  }

  /** Lifts the pin: the band from trades or the seed is in force again. */
  async function unpinBand() {
    setError(null);
    setUnpinError(null);
    setDone(null);
    try {
      await unpin.mutateAsync(code);
      setDone('unpinned');
    } catch (err) {
      setUnpinError(err);
    }
  }

  const options = [...materials.values()].filter((m) => m.tradeable);
  return (
    <div className="page" data-testid="bands-page">
      <header className="page__header">
        <p className="eyebrow">{t('nav.regulator')}</p>
        <h1>{t('band.title')}</h1>
        <p className="muted">{t('band.intro')}</p>
      </header>
      <section className="card" aria-labelledby="band-current">
        <h2 id="band-current">{t('band.current')}</h2>
        <div className="field">
          <label className="field__label" htmlFor="band-material">
            {t('band.material')}
          </label>
          <select
            id="band-material"
            className="input"
            value={code}
            onChange={(e) => {
              setCode(e.target.value);
              setDone(null);
              setUnpinError(null);
            }}
            data-testid="band-material"
          >
            <option value="">—</option>
            {options.map((m) => (
              <option key={m.code} value={m.code}>
                {m.code} {lang === 'en' ? m.nameEn : m.nameZh}
              </option>
            ))}
          </select>
        </div>
        {band.error && !(band.error instanceof ApiError && band.error.code === 'NOT_FOUND') && (
          <LoadError error={band.error} reload={() => void band.refetch()} />
        )}
        {band.error instanceof ApiError && band.error.code === 'NOT_FOUND' && <p className="empty">{t('band.none')}</p>}
        {band.data && (
          <dl className="facts" data-testid="band-facts">
            <div>
              <dt>{t('band.range')}</dt>
              <dd>
                {formatAmount(band.data.lowFen)} – {formatAmount(band.data.medianFen)} – {formatAmount(band.data.highFen)}{' '}
                {t('band.perTonne')}
              </dd>
            </div>
            <div>
              <dt>{t('band.source')}</dt>
              <dd data-testid="band-source">{t(`band.source.${band.data.source}` as MessageKey)}</dd>
            </div>
            {band.data.pinnedAt && (
              <div>
                <dt>{t('band.pinnedAt')}</dt>
                <dd>{formatDateTime(band.data.pinnedAt, lang)}</dd>
              </div>
            )}
          </dl>
        )}
        {band.data?.source === 'pinned' && (
          <div className="form__actions">
            <button
              type="button"
              className="btn"
              onClick={() => void unpinBand()}
              disabled={unpin.isPending || !cityScope}
              data-testid="band-unpin"
            >
              {t('band.unpin')}
            </button>
          </div>
        )}
        {unpinError !== null && <ErrorAlert error={unpinError} />}
        {done === 'unpinned' && (
          <p className="alert alert--info" role="status" data-testid="band-unpinned">
            {t('band.unpinned')}
          </p>
        )}
      </section>
      {code && (
        <section className="card" aria-labelledby="band-history">
          <h2 id="band-history">{t('band.history')}</h2>
          {pins.state.status === 'error' ? (
            <LoadError error={pins.state.error} reload={pins.retry} />
          ) : pins.state.items.length === 0 ? (
            <p className="empty">{pins.state.status === 'loading' ? t('common.loading') : t('band.history.none')}</p>
          ) : (
            <div className="lic-scroll">
              <table className="table table--compact" data-testid="band-pins">
                <thead>
                  <tr>
                    <th scope="col">{t('band.when')}</th>
                    <th scope="col">{t('band.action')}</th>
                    <th scope="col">{t('band.pinnedBy')}</th>
                    <th scope="col">{t('band.range')}</th>
                  </tr>
                </thead>
                <tbody>
                  {pins.state.items.map((p) => (
                    <tr key={p.at} data-testid="band-pin-row">
                      <td className="small">{formatDateTime(p.at, lang)}</td>
                      <td data-testid="band-pin-action">{t(p.action === 'unpin' ? 'band.action.unpin' : 'band.action.pin')}</td>
                      <td>
                        {p.pinnedBy.name ?? '—'}
                        {p.pinnedBy.orgName && <div className="small muted">{p.pinnedBy.orgName}</div>}
                      </td>
                      <td>
                        {p.lowFen === null || p.medianFen === null || p.highFen === null
                          ? t('band.history.noBand')
                          : `${formatAmount(p.lowFen)} – ${formatAmount(p.medianFen)} – ${formatAmount(p.highFen)}`}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      )}
      {code && (
        <section className="card" aria-labelledby="band-pin">
          <h2 id="band-pin">{t('band.pin')}</h2>
          {!cityScope && <p className="alert alert--warning">{t('band.cityOnly')}</p>}
          <form onSubmit={(e) => void submit(e)} noValidate data-testid="band-form">
            <div className="lic-form__grid">
              <FormField id="band-low" label={t('band.low')} required error={fieldError('lowFen')}>
                {(c) => (
                  <input
                    {...c}
                    className="input"
                    inputMode="decimal"
                    value={low}
                    onChange={(e) => setLow(e.target.value)}
                    data-testid="band-low"
                  />
                )}
              </FormField>
              <FormField id="band-median" label={t('band.median')} required error={fieldError('medianFen')}>
                {(c) => (
                  <input
                    {...c}
                    className="input"
                    inputMode="decimal"
                    value={median}
                    onChange={(e) => setMedian(e.target.value)}
                    data-testid="band-median"
                  />
                )}
              </FormField>
              <FormField id="band-high" label={t('band.high')} required error={fieldError('highFen')}>
                {(c) => (
                  <input
                    {...c}
                    className="input"
                    inputMode="decimal"
                    value={high}
                    onChange={(e) => setHigh(e.target.value)}
                    data-testid="band-high"
                  />
                )}
              </FormField>
            </div>
            {error !== null && !(error instanceof ApiError && error.fields.length) && <ErrorAlert error={error} />}
            {done === 'pinned' && (
              <p className="alert alert--info" role="status" data-testid="band-pinned">
                {t('band.pinned')}
              </p>
            )}
            <div className="form__actions">
              <button type="submit" className="btn btn--primary" disabled={pin.isPending || !cityScope} data-testid="band-submit">
                {t('band.pin')}
              </button>
            </div>
          </form>
        </section>
      )}
    </div>
  );
}
