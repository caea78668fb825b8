import { DISTRICTS, type DistrictCode } from '../../../shared/src/districts.js';
import { useI18n } from '../i18n';
import { FormField } from './FormField';

/** Shaoxing's districts as a select's options, named in the reader's language. */
export function DistrictOptions() {
  const { lang } = useI18n();
  return (
    <>
      {DISTRICTS.map((d) => (
        <option key={d.code} value={d.code}>
          {lang === 'en' ? d.nameEn : d.nameZh}
        </option>
      ))}
    </>
  );
}

/** A required district select that starts at "choose a district" (where a lot is, in the listing and offer forms). */
export function DistrictField({
  id,
  label,
  hint,
  error,
  value,
  onChange,
  testId,
}: {
  id: string;
  label: string;
  hint?: string;
  error: string | undefined;
  value: DistrictCode | '';
  onChange(next: DistrictCode | ''): void;
  testId: string;
}) {
  const { t } = useI18n();
  return (
    <FormField id={id} label={label} hint={hint} error={error} required>
      {(control) => (
        <select
          {...control}
          className="input"
          value={value}
          onChange={(e) => onChange(e.target.value as DistrictCode | '')}
          data-testid={testId}
        >
          <option value="">{t('field.district.choose')}</option>
          <DistrictOptions />
        </select>
      )}
    </FormField>
  );
}
