import { useState, type FormEvent } from 'react';
import { Alert } from '../../../components/Alert';
import { FormField } from '../../../components/FormField';
import { useI18n } from '../../../i18n';
import { formatTonnes, tonnesToKg } from '../../../lib/units';
import { useManifestStep, type Manifest, type StepBody } from '../api';
import { mk } from '../labels';
import { TripFormActions, useTripForm } from './tripForm';
import { MethodSelect } from './MethodSelect';

const PATHS = ['weightKg', 'decision', 'acceptedKg', 'methodCode', 'method', 'disposalDate', 'note', 'officialNumber'] as const;
type Decision = 'accept' | 'partial' | 'reject';

function shanghaiToday(): string {
  return new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
}

/**
 * The next step of a manifest for the signed-in org's part in it: the shipper issues; the carrier
 * loads (with the weight), departs and arrives; the receiver weighs and decides, then reports the
 * disposal. The server decides; its field errors land on the fields.
 */
export function StepForm({ m, onDone }: { m: Manifest; onDone(m: Manifest): void }) {
  const { t, lang } = useI18n();
  const next = m.nextActions.find((a) => m.yourParts.includes(a.by));
  const [weight, setWeight] = useState('');
  const [decision, setDecision] = useState<Decision>('accept');
  const [accepted, setAccepted] = useState('');
  const [methodCode, setMethodCode] = useState(m.form.plannedMethodCode ?? '');
  const [method, setMethod] = useState('');
  const [date, setDate] = useState(shanghaiToday);
  const [note, setNote] = useState('');
  const [official, setOfficial] = useState('');
  const { errors, problem, busy, submit } = useTripForm(PATHS);
  const step = useManifestStep();
  if (!next) return null;
  const type = next.type;
  const id = (f: string) => `step-${m.id}-${f}`;
  const weightKg = tonnesToKg(weight);
  const cap = weightKg !== null ? Math.min(weightKg, m.declaredKg) : m.declaredKg;
  const gapBp =
    type === 'receive' && weightKg && m.loadedKg ? Math.round((Math.abs(m.loadedKg - weightKg) * 10_000) / m.loadedKg) : null;

  function local(): Record<string, string> {
    const e: Record<string, string> = {};
    if (type === 'load' || type === 'receive') {
      if (!weight.trim()) e.weightKg = t('common.required');
      else if (weightKg === null || weightKg < 1) e.weightKg = t('quantity.invalid');
      else if (weightKg > 3 * m.declaredKg) e.weightKg = t('step.weight.tooHigh');
    }
    if (type === 'receive') {
      if (decision === 'partial') {
        const a = tonnesToKg(accepted);
        if (!accepted.trim()) e.acceptedKg = t('common.required');
        else if (a === null || a < 1) e.acceptedKg = t('quantity.invalid');
        else if (a > cap) e.acceptedKg = t('step.accepted.tooHigh', { max: formatTonnes(cap, lang) });
      }
      if (decision !== 'accept' && !note.trim()) e.note = t('common.required');
    }
    if (type === 'report_disposal') {
      if (!methodCode) e.methodCode = t('common.required');
      if (method.trim() && method.trim().length < 2) e.method = t('step.method.short');
      if (!date) e.disposalDate = t('common.required');
    }
    return e;
  }

  function body(): StepBody {
    const n = note.trim() ? { note: note.trim() } : {};
    switch (type) {
      case 'issue':
        return { type, ...n, ...(official.trim() ? { officialNumber: official.trim() } : {}) };
      case 'load':
        return { type, weightKg: weightKg!, ...n };
      case 'receive':
        return {
          type,
          weightKg: weightKg!,
          decision,
          ...(decision === 'partial' ? { acceptedKg: tonnesToKg(accepted)! } : {}),
          ...n,
        };
      case 'report_disposal':
        return {
          type,
          methodCode: methodCode as NonNullable<StepBody['methodCode']>,
          ...(method.trim() ? { method: method.trim() } : {}),
          disposalDate: date,
          ...n,
        };
      default:
        return { type, ...n };
    }
  }

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    await submit(local(), async () => {
      const updated = await step.mutateAsync({ id: m.id, body: body() });
      setWeight('');
      setNote('');
      setAccepted('');
      onDone(updated);
    });
  }

  return (
    <form className="form mf-step" onSubmit={onSubmit} noValidate data-testid="manifest-step-form" data-step={type}>
      {type === 'issue' && (
        <FormField id={id('officialNumber')} label={t('step.officialNumber')} error={errors.officialNumber}>
          {(c) => <input {...c} className="input input--mono" value={official} onChange={(e) => setOfficial(e.target.value)} />}
        </FormField>
      )}
      {(type === 'load' || type === 'receive') && (
        <FormField
          id={id('weightKg')}
          label={t(type === 'load' ? 'step.weight.load' : 'step.weight.receive')}
          hint={t('step.weight.hint', { declared: formatTonnes(m.declaredKg, lang) })}
          error={errors.weightKg}
          required
          status={gapBp !== null ? t('step.gapPreview', { gap: `${(gapBp / 100).toFixed(2)} %` }) : undefined}
        >
          {(c) => (
            <input
              {...c}
              className="input"
              inputMode="decimal"
              value={weight}
              onChange={(e) => setWeight(e.target.value)}
              data-testid="step-weight"
            />
          )}
        </FormField>
      )}
      {type === 'receive' && (
        <>
          <fieldset className="segmented" aria-label={t('step.decision')} data-testid="step-decision">
            {(['accept', 'partial', 'reject'] as const).map((d) => (
              <label key={d} className={`segmented__option${decision === d ? ' segmented__option--on' : ''}`}>
                <input type="radio" name={id('decision')} value={d} checked={decision === d} onChange={() => setDecision(d)} />
                {t(mk(`manifest.decision.${d}`))}
              </label>
            ))}
          </fieldset>
          {gapBp !== null && gapBp > m.weightToleranceBp && (
            <Alert tone="warning" testId="step-gap-warning">
              {t('manifest.weightGap.note', { tolerance: `${(m.weightToleranceBp / 100).toFixed(2).replace(/\.?0+$/, '')} %` })}
            </Alert>
          )}
          {decision === 'partial' && (
            <FormField
              id={id('acceptedKg')}
              label={t('step.accepted')}
              error={errors.acceptedKg}
              required
              hint={`≤ ${formatTonnes(cap, lang)}`}
            >
              {(c) => (
                <input
                  {...c}
                  className="input"
                  inputMode="decimal"
                  value={accepted}
                  onChange={(e) => setAccepted(e.target.value)}
                  data-testid="step-accepted"
                />
              )}
            </FormField>
          )}
        </>
      )}
      {type === 'report_disposal' && (
        <>
          <FormField
            id={id('methodCode')}
            label={t('step.methodCode')}
            hint={t('step.methodCode.hint')}
            error={errors.methodCode}
            required
          >
            {(c) => <MethodSelect control={c} value={methodCode} onChange={setMethodCode} testId="step-method-code" />}
          </FormField>
          <FormField id={id('method')} label={t('step.method')} hint={t('step.method.hint')} error={errors.method}>
            {(c) => (
              <input
                {...c}
                className="input"
                value={method}
                onChange={(e) => setMethod(e.target.value)}
                data-testid="step-method"
              />
            )}
          </FormField>
          <FormField id={id('disposalDate')} label={t('step.disposalDate')} error={errors.disposalDate} required>
            {(c) => (
              <input
                {...c}
                type="date"
                className="input"
                value={date}
                max={shanghaiToday()}
                onChange={(e) => setDate(e.target.value)}
              />
            )}
          </FormField>
        </>
      )}
      <FormField
        id={id('note')}
        label={type === 'receive' && decision !== 'accept' ? t('step.reason') : t('step.note')}
        hint={type === 'receive' ? t('step.reason.hint') : undefined}
        error={errors.note}
        required={type === 'receive' && decision !== 'accept'}
      >
        {(c) => (
          <textarea
            {...c}
            className="input"
            rows={2}
            value={note}
            onChange={(e) => setNote(e.target.value)}
            data-testid="step-note"
          />
        )}
      </FormField>
      <TripFormActions
        problem={problem}
        problemTestId="step-problem"
        busy={busy}
        label={t(mk(`step.submit.${type}`))}
        testId="step-submit"
      />
    </form>
  );
}
