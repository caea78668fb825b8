import { useState, type FormEvent } from 'react';
import { Navigate, useLocation } from 'react-router';
import { FormField } from '../../components/FormField';
import { ErrorAlert, LoadError } from '../../components/LoadError';
import { useI18n } from '../../i18n';
import { ApiError } from '../../lib/api';
import { fieldErrorFor, localFieldError } from '../../lib/fieldErrors';
import { usePagedQuery } from '../../lib/query';
import { tonnesToKg } from '../../lib/units';
import { useSession } from '../auth/session';
import { licenceKeys, licencesApi, useApplyLicence, type HeldLicence } from './api';
import { CodePicker } from './CodePicker';
import { LicenceTable } from './LicenceTable';
import './licences.css';

const today = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
const inYears = (n: number) => {
  const d = new Date(Date.now() + 8 * 3_600_000);
  d.setUTCFullYear(d.getUTCFullYear() + n);
  return d.toISOString().slice(0, 10);
};

/** An organisation's licences (status, remaining capacity) and, for its owner, the application form. */
export function LicencesPage() {
  const { t } = useI18n();
  const { session } = useSession();
  const location = useLocation();
  const me = session.status === 'signedIn' ? session.me : null;
  const orgId = me?.org?.id ?? '';
  const list = usePagedQuery<HeldLicence>({
    queryKey: licenceKeys.org(orgId),
    label: orgId,
    fetchPage: (cursor, signal) => licencesApi.ofOrg(orgId, cursor, signal),
    enabled: !!orgId,
  });

  if (session.status === 'loading') return <p role="status">{t('common.loading')}</p>;
  if (session.status === 'signedOut') return <Navigate to={`/signin?next=${encodeURIComponent(location.pathname)}`} replace />;
  const canApply = me?.user.orgRole === 'owner' && me.org?.roles.some((r) => r === 'recycler' || r === 'carrier');

  return (
    <div className="page" data-testid="licences-page">
      <header className="page__header">
        <p className="eyebrow">{me?.org?.name}</p>
        <h1>{t('lic.title')}</h1>
        <p className="muted">{t('lic.intro')}</p>
      </header>
      <section className="card" aria-labelledby="lic-list-title">
        <h2 id="lic-list-title">{t('lic.mine')}</h2>
        {list.state.status === 'error' ? (
          <LoadError error={list.state.error} reload={list.retry} />
        ) : list.state.items.length === 0 ? (
          <p className="empty" data-testid="lic-empty">
            {list.state.status === 'loading' ? t('common.loading') : t('lic.none')}
          </p>
        ) : (
          <LicenceTable items={list.state.items} testId="lic-mine" />
        )}
      </section>
      {canApply && orgId && <ApplyForm orgId={orgId} />}
    </div>
  );
}

function ApplyForm({ orgId }: { orgId: string }) {
  const { t } = useI18n();
  const apply = useApplyLicence();
  const [number, setNumber] = useState('');
  const [kind, setKind] = useState<'disposal' | 'transport' | 'collection'>('disposal');
  const [codes, setCodes] = useState<string[]>([]);
  const [tonnes, setTonnes] = useState('');
  const [validFrom, setValidFrom] = useState(today);
  const [validTo, setValidTo] = useState(() => inYears(5));
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const fieldError = (path: string) => (error instanceof ApiError ? fieldErrorFor(error, path, t) : undefined);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setDone(null);
    const kg = tonnesToKg(tonnes);
    if (kg === null || kg <= 0) {
      setError(localFieldError('annualCapacityKg', t('lic.capacity.invalid')));
      return;
    }
    try {
      const l = await apply.mutateAsync({
        orgId,
        body: { number: number.trim(), kind, wasteCodes: codes, annualCapacityKg: kg, validFrom, validTo },
      });
      setDone(l.number);
      setNumber('');
      setCodes([]);
      setTonnes('');
    } catch (err) {
      setError(err);
    }
  }

  return (
    <section className="card" aria-labelledby="lic-apply-title">
      <h2 id="lic-apply-title">{t('lic.apply')}</h2>
      <form onSubmit={(e) => void submit(e)} noValidate data-testid="lic-form">
        <div className="lic-form__grid">
          <FormField id="lic-number" label={t('lic.number')} required error={fieldError('number')}>
            {(c) => (
              <input
                {...c}
                className="input"
                value={number}
                onChange={(e) => setNumber(e.target.value)}
                data-testid="lic-number"
              />
            )}
          </FormField>
          <FormField id="lic-kind" label={t('lic.kind')} required>
            {(c) => (
              <select
                {...c}
                className="input"
                value={kind}
                onChange={(e) => setKind(e.target.value as 'disposal' | 'transport' | 'collection')}
                data-testid="lic-kind"
              >
                <option value="disposal">{t('lic.kind.disposal')}</option>
                <option value="transport">{t('lic.kind.transport')}</option>
                <option value="collection">{t('lic.kind.collection')}</option>
              </select>
            )}
          </FormField>
          <FormField id="lic-capacity" label={t('lic.capacity.input')} required error={fieldError('annualCapacityKg')}>
            {(c) => (
              <input
                {...c}
                className="input"
                inputMode="decimal"
                value={tonnes}
                onChange={(e) => setTonnes(e.target.value)}
                data-testid="lic-capacity"
              />
            )}
          </FormField>
          <FormField id="lic-from" label={t('lic.validFrom')} required error={fieldError('validFrom')}>
            {(c) => (
              <input
                {...c}
                type="date"
                className="input"
                value={validFrom}
                onChange={(e) => setValidFrom(e.target.value)}
                data-testid="lic-from"
              />
            )}
          </FormField>
          <FormField id="lic-to" label={t('lic.validTo')} required error={fieldError('validTo')}>
            {(c) => (
              <input
                {...c}
                type="date"
                className="input"
                value={validTo}
                onChange={(e) => setValidTo(e.target.value)}
                data-testid="lic-to"
              />
            )}
          </FormField>
        </div>
        <FormField id="lic-codes" label={t('lic.codes')} hint={t('lic.codes.hint')} required error={fieldError('wasteCodes')}>
          {(c) => <CodePicker id={c.id} value={codes} onChange={setCodes} invalid={!!fieldError('wasteCodes')} />}
        </FormField>
        {error !== null && !(error instanceof ApiError && error.fields.length) && <ErrorAlert error={error} />}
        {done && (
          <p className="alert alert--info" role="status" data-testid="lic-submitted">
            {t('lic.submitted', { number: done })}
          </p>
        )}
        <div className="form__actions">
          <button type="submit" className="btn btn--primary" disabled={apply.isPending} data-testid="lic-submit">
            {apply.isPending ? t('common.submitting') : t('lic.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}
