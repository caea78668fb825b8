import { DISPOSAL_METHODS } from '../../../../../shared/src/disposal-methods.js';
import type { ControlProps } from '../../../components/FormField';
import { useI18n } from '../../../i18n';

/** The national utilisation / disposal method codes (shared/data/disposal-methods.json) as a choice. */
export function MethodSelect({
  control,
  value,
  onChange,
  testId,
}: {
  control: ControlProps;
  value: string;
  onChange(code: string): void;
  testId: string;
}) {
  const { t, lang } = useI18n();
  return (
    <select {...control} className="input" value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
      <option value="">{t('method.choose')}</option>
      {DISPOSAL_METHODS.map((m) => (
        <option key={m.code} value={m.code}>
          {m.code} {lang === 'en' ? m.nameEn : m.nameZh}
        </option>
      ))}
    </select>
  );
}

/** R4 Recycling of metals …, or the code itself when it is not in today's list. */
export function methodName(code: string | null, lang: string): string | null {
  if (!code) return null;
  const m = DISPOSAL_METHODS.find((x) => x.code === code);
  return m ? `${m.code} ${lang === 'en' ? m.nameEn : m.nameZh}` : code;
}
