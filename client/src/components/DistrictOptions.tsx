import { DISTRICTS } from '../../../shared/src/districts.js';
import { useI18n } from '../i18n';

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
