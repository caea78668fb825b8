import { usccProblem } from '../../../../../shared/src/uscc.js';
import { FormField } from '../../../components/FormField';
import { useI18n } from '../../../i18n';

/**
 * The USCC input with the check-character test run as the user types (GB 32100-2015, DESIGN §6.4).
 * While fewer than 18 characters are in, the length is a neutral count, not an error.
 */
export function UsccField({
  value,
  onChange,
  serverError,
}: {
  value: string;
  onChange(value: string): void;
  serverError?: string;
}) {
  const { t } = useI18n();
  const problem = value ? usccProblem(value) : null;
  const typing = problem === 'length' && value.length < 18;

  let status = null;
  if (value && !problem) {
    status = (
      <span className="check check--ok" data-testid="uscc-ok">
        <span aria-hidden="true">✓</span> {t('uscc.valid')}
      </span>
    );
  } else if (problem) {
    status = (
      <span className={`check ${typing ? 'check--pending' : 'check--bad'}`} data-testid="uscc-problem" data-problem={problem}>
        {!typing && <span aria-hidden="true">✗ </span>}
        {t(`uscc.${problem}`, { count: value.length })}
      </span>
    );
  }

  return (
    <FormField id="org-uscc" label={t('field.uscc')} hint={t('field.uscc.hint')} error={serverError} status={status} required>
      {(control) => (
        <input
          {...control}
          aria-invalid={control['aria-invalid'] || (problem && !typing) ? true : undefined}
          className={`input input--mono${value && !problem ? ' input--valid' : ''}`}
          value={value}
          onChange={(e) => onChange(e.target.value.toUpperCase().replace(/\s+/g, ''))}
          maxLength={24}
          autoComplete="off"
          spellCheck={false}
          required
          data-testid="signup-uscc"
        />
      )}
    </FormField>
  );
}
