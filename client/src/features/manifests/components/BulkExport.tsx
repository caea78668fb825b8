import { useState, type FormEvent } from 'react';
import { Alert } from '../../../components/Alert';
import { DistrictOptions } from '../../../components/DistrictOptions';
import { useI18n } from '../../../i18n';
import { errorText } from '../../../lib/errors';
import { downloadManifestsExport } from '../api';

function shanghaiToday(): string {
  return new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
}

/** Regulators: the trips opened in a date range, city-wide or by district, in the national layout (CSV). */
export function BulkExport() {
  const { t } = useI18n();
  const today = shanghaiToday();
  const [from, setFrom] = useState(`${today.slice(0, 8)}01`);
  const [to, setTo] = useState(today);
  const [district, setDistrict] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<unknown>(null);
  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setProblem(null);
    setBusy(true);
    try {
      await downloadManifestsExport({ from, to, district: district || undefined });
    } catch (err) {
      setProblem(err);
    } finally {
      setBusy(false);
    }
  }
  return (
    <form className="card form" onSubmit={onSubmit} data-testid="manifests-export" aria-labelledby="manifests-export-title">
      <h2 id="manifests-export-title">{t('manifests.export.title')}</h2>
      <p className="muted small">{t('manifests.export.hint')}</p>
      <div className="form__grid">
        <label>
          {t('manifests.export.from')}{' '}
          <input type="date" className="input" value={from} max={to} onChange={(e) => setFrom(e.target.value)} />
        </label>
        <label>
          {t('manifests.export.to')}{' '}
          <input type="date" className="input" value={to} min={from} onChange={(e) => setTo(e.target.value)} />
        </label>
        <label>
          {t('manifests.export.district')}{' '}
          <select className="input" value={district} onChange={(e) => setDistrict(e.target.value)}>
            <option value="">{t('manifests.export.allDistricts')}</option>
            <DistrictOptions />
          </select>
        </label>
      </div>
      {problem != null && <Alert>{errorText(problem, t)}</Alert>}
      <div className="form__actions">
        <button type="submit" className="btn btn--secondary" disabled={busy} data-testid="manifests-export-submit">
          {t('manifests.export.submit')}
        </button>
      </div>
    </form>
  );
}
