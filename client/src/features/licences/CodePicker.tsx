import { useMemo, useState } from 'react';
import { useI18n } from '../../i18n';
import { useMaterials } from '../catalog/materials';

/** HW01–HW40 and HW45–HW50 (DESIGN §6.6). */
const HW_CATEGORIES = Array.from({ length: 50 }, (_, i) => i + 1)
  .filter((n) => n <= 40 || n >= 45)
  .map((n) => `HW${String(n).padStart(2, '0')}`);

/**
 * A searchable picker of what a licence covers: hazardous waste codes from the catalogue (by code or
 * name) and whole HW categories. Chosen codes show as removable chips.
 */
export function CodePicker({
  id,
  value,
  onChange,
  invalid,
}: {
  id: string;
  value: string[];
  onChange: (codes: string[]) => void;
  invalid?: boolean;
}) {
  const { t, lang } = useI18n();
  const materials = useMaterials();
  const [q, setQ] = useState('');
  const options = useMemo(() => {
    const fromCatalogue = [...materials.values()]
      .filter((m) => m.hazardous === true || m.code.startsWith('SW'))
      .map((m) => ({ code: m.code, name: lang === 'en' ? m.nameEn : m.nameZh }));
    const categories = HW_CATEGORIES.map((c) => ({ code: c, name: t('lic.picker.category', { code: c }) }));
    return [...categories, ...fromCatalogue];
  }, [materials, lang, t]);
  const needle = q.trim().toLowerCase();
  const matches = needle
    ? options
        .filter(
          (o) => !value.includes(o.code) && (o.code.toLowerCase().includes(needle) || o.name.toLowerCase().includes(needle)),
        )
        .slice(0, 12)
    : [];
  const add = (code: string) => {
    if (!value.includes(code)) onChange([...value, code]);
    setQ('');
  };
  return (
    <div className="lic-picker">
      <ul className="lic-codes" aria-label={t('lic.picker.chosen')} data-testid="lic-codes">
        {value.map((c) => (
          <li key={c}>
            <button
              type="button"
              className="badge badge--info"
              onClick={() => onChange(value.filter((x) => x !== c))}
              aria-label={t('lic.picker.remove', { code: c })}
            >
              {c} ×
            </button>
          </li>
        ))}
      </ul>
      <input
        id={id}
        className="input"
        value={q}
        onChange={(e) => setQ(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            const exact = options.find((o) => o.code.toLowerCase() === needle);
            if (exact) add(exact.code);
            else if (matches[0]) add(matches[0].code);
          }
        }}
        placeholder={t('lic.picker.placeholder')}
        aria-invalid={invalid || undefined}
        autoComplete="off"
        data-testid="lic-code-search"
      />
      {matches.length > 0 && (
        <ul className="lic-picker__list" data-testid="lic-code-options">
          {matches.map((o) => (
            <li key={o.code}>
              <button type="button" onClick={() => add(o.code)} data-testid={`lic-code-option-${o.code}`}>
                <span className="code">{o.code}</span> {o.name}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
