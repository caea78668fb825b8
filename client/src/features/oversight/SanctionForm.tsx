import { useState, type FormEvent } from 'react';
import { FormField } from '../../components/FormField';
import { ErrorAlert } from '../../components/LoadError';
import { useI18n, type MessageKey } from '../../i18n';
import { ApiError } from '../../lib/api';
import { fieldErrorFor } from '../../lib/fieldErrors';
import { SANCTION_KINDS, SANCTION_SEVERITIES, useRecordSanction, type Sanction } from './api';

/** Records a sanction against an organisation (kind, severity, reason, evidence reference); a serious one makes it black. */
export function SanctionForm({
  orgId,
  orgName,
  evidence,
  onDone,
}: {
  orgId: string;
  orgName: string;
  evidence?: string;
  onDone?: (s: Sanction) => void;
}) {
  const { t } = useI18n();
  const record = useRecordSanction();
  const [kind, setKind] = useState<(typeof SANCTION_KINDS)[number]>('warning');
  const [severity, setSeverity] = useState<(typeof SANCTION_SEVERITIES)[number]>('minor');
  const [reason, setReason] = useState('');
  const [evidenceRef, setEvidenceRef] = useState(evidence ?? '');
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);
  const fieldError = (p: string) => (error instanceof ApiError ? fieldErrorFor(error, p, t) : undefined);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setDone(false);
    try {
      const s = await record.mutateAsync({
        orgId,
        kind,
        severity,
        reason: reason.trim(),
        ...(evidenceRef.trim() ? { evidenceRef: evidenceRef.trim() } : {}),
        decidedAt: new Date().toISOString(),
      });
      setDone(true);
      setReason('');
      onDone?.(s);
    } catch (err) {
      setError(err);
    }
  }

  return (
    <section className="card" aria-labelledby="sanction-form-title">
      <h2 id="sanction-form-title">{t('sanc.record.title', { org: orgName })}</h2>
      <form onSubmit={(e) => void submit(e)} noValidate data-testid="sanction-form">
        <div className="lic-form__grid">
          <FormField id="sanc-kind" label={t('sanc.kind')} required>
            {(c) => (
              <select
                {...c}
                className="input"
                value={kind}
                onChange={(e) => setKind(e.target.value as typeof kind)}
                data-testid="sanc-kind"
              >
                {SANCTION_KINDS.map((k) => (
                  <option key={k} value={k}>
                    {t(`sanc.kind.${k}` as MessageKey)}
                  </option>
                ))}
              </select>
            )}
          </FormField>
          <FormField
            id="sanc-severity"
            label={t('sanc.severity')}
            required
            hint={severity === 'serious' ? t('sanc.severity.seriousHint') : undefined}
          >
            {(c) => (
              <select
                {...c}
                className="input"
                value={severity}
                onChange={(e) => setSeverity(e.target.value as typeof severity)}
                data-testid="sanc-severity"
              >
                {SANCTION_SEVERITIES.map((s) => (
                  <option key={s} value={s}>
                    {t(`sanc.severity.${s}` as MessageKey)}
                  </option>
                ))}
              </select>
            )}
          </FormField>
          <FormField id="sanc-evidence" label={t('sanc.evidence')} error={fieldError('evidenceRef')}>
            {(c) => (
              <input
                {...c}
                className="input"
                value={evidenceRef}
                onChange={(e) => setEvidenceRef(e.target.value)}
                data-testid="sanc-evidence"
              />
            )}
          </FormField>
        </div>
        <FormField id="sanc-reason" label={t('sanc.reason')} required error={fieldError('reason')}>
          {(c) => (
            <textarea
              {...c}
              className="input"
              rows={3}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              data-testid="sanc-reason"
            />
          )}
        </FormField>
        {error !== null && !(error instanceof ApiError && error.fields.length) && <ErrorAlert error={error} />}
        {done && (
          <p className="alert alert--info" role="status" data-testid="sanc-recorded">
            {t('sanc.recorded')}
          </p>
        )}
        <div className="form__actions">
          <button
            type="submit"
            className="btn btn--danger"
            disabled={record.isPending || reason.trim().length === 0}
            data-testid="sanc-submit"
          >
            {record.isPending ? t('common.submitting') : t('sanc.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}
