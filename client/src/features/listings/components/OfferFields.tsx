import { FormField } from '../../../components/FormField';
import { useI18n } from '../../../i18n';

interface TonnesFieldProps {
  id: string;
  label: string;
  hint?: string;
  value: string;
  onChange(v: string): void;
  error?: string;
  required?: boolean;
  testId: string;
}

/** A quantity in tonnes, typed as a decimal: a listing's quantity and minimum lot, a bid's quantity. */
export function TonnesField({ id, label, hint, value, onChange, error, required, testId }: TonnesFieldProps) {
  const { t } = useI18n();
  return (
    <FormField id={id} label={label} hint={hint} error={error} required={required}>
      {(control) => (
        <div className="input-affix">
          <input
            {...control}
            className="input"
            inputMode="decimal"
            autoComplete="off"
            value={value}
            onChange={(e) => onChange(e.target.value)}
            data-testid={testId}
          />
          <span className="input-affix__after" aria-hidden="true">
            {t('unit.tonnes')}
          </span>
        </div>
      )}
    </FormField>
  );
}

/** Why a price outside the reference band is right: asked for when the price check flags it. */
export function JustificationField({
  id,
  value,
  onChange,
  error,
  testId,
}: {
  id: string;
  value: string;
  onChange(v: string): void;
  error?: string;
  testId: string;
}) {
  const { t } = useI18n();
  return (
    <FormField id={id} label={t('justification.label')} hint={t('justification.hint')} error={error} required>
      {(control) => (
        <textarea
          {...control}
          className="input"
          rows={3}
          maxLength={1000}
          value={value}
          onChange={(e) => onChange(e.target.value)}
          data-testid={testId}
        />
      )}
    </FormField>
  );
}
