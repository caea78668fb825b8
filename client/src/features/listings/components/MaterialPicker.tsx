import { useEffect, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useI18n } from '../../../i18n';
import { errorText } from '../../../lib/errors';
import { catalogApi, catalogKeys, type Material } from '../../catalog/api';
import { MaterialBadges } from '../../catalog/components/MaterialBadges';

const RESULTS = 8;

/**
 * Picks a material from the catalogue by code or name (GET /catalog/materials?q=), searching as
 * the user types. Results are a radio group; materials that may not be traded are shown, disabled,
 * so the user learns why (medical waste goes to designated disposal).
 */
export function MaterialPicker({
  value,
  onChange,
  error,
}: {
  value: Material | null;
  onChange(m: Material | null): void;
  error?: string;
}) {
  const { t, lang } = useI18n();
  const [q, setQ] = useState('');
  // A short pause so each keystroke does not become a request.
  const [typed, setTyped] = useState('');
  useEffect(() => {
    const timer = setTimeout(() => setTyped(q.trim()), 200);
    return () => clearTimeout(timer);
  }, [q]);
  const query = useQuery({
    queryKey: catalogKeys.search(typed),
    queryFn: ({ signal }) => catalogApi.list({ q: typed }, null, signal),
    enabled: typed !== '',
  });
  const results: { q: string; items: Material[]; error?: unknown } | null = !q.trim()
    ? null
    : query.isError
      ? { q: typed, items: [], error: query.error }
      : query.data
        ? { q: typed, items: query.data.items.slice(0, RESULTS) }
        : null;

  if (value) {
    return (
      <div className="field" data-testid="material-picker">
        <span className="field__label">{t('newListing.material')}</span>
        <div className="picked" data-testid="material-picked" data-code={value.code}>
          <div>
            <span className="code picked__code">{value.code}</span>{' '}
            <span className="material-name">{lang === 'en' ? value.nameEn : value.nameZh}</span>
            <div>
              <MaterialBadges material={value} />
              <span className="muted small">
                {' '}
                {t(`stream.${value.stream}`)}
                {!value.edition && ` · ${t('material.edition.none')}`}
              </span>
            </div>
          </div>
          <button
            type="button"
            className="btn btn--secondary btn--small"
            onClick={() => onChange(null)}
            data-testid="material-change"
          >
            {t('newListing.material.change')}
          </button>
        </div>
      </div>
    );
  }

  const searching = q.trim() && results?.q !== q.trim();
  return (
    <div className={`field${error ? ' field--invalid' : ''}`} data-testid="material-picker">
      <label htmlFor="listing-material-q" className="field__label">
        {t('newListing.material')}
        <span className="field__required" aria-hidden="true">
          {' '}
          *
        </span>
      </label>
      <input
        id="listing-material-q"
        type="search"
        className="input"
        value={q}
        onChange={(e) => setQ(e.target.value)}
        placeholder={t('newListing.material.placeholder')}
        aria-describedby="listing-material-hint"
        aria-invalid={error ? true : undefined}
        autoComplete="off"
        data-testid="material-search"
      />
      <div id="listing-material-hint" className="field__hint">
        {t('newListing.material.hint')}
      </div>
      <div aria-live="polite">
        {searching && <span className="muted small">{t('common.loading')}</span>}
        {!searching && results?.error !== undefined && <span className="field__error">{errorText(results.error, t)}</span>}
        {!searching && results && !results.error && results.items.length === 0 && (
          <span className="muted small">{t('catalogue.empty')}</span>
        )}
      </div>
      {!searching && results && results.items.length > 0 && (
        <fieldset className="picker-results" data-testid="material-results">
          <legend className="visually-hidden">{t('newListing.material.results')}</legend>
          {results.items.map((m) => (
            <div className="picker-option" key={m.code}>
              <input
                type="radio"
                id={`material-option-${m.code}`}
                name="material"
                value={m.code}
                disabled={!m.tradeable}
                onChange={() => onChange(m)}
                data-testid={`material-option-${m.code}`}
              />
              <label htmlFor={`material-option-${m.code}`}>
                <span className="code">{m.code}</span>{' '}
                <span className="material-name">{lang === 'en' ? m.nameEn : m.nameZh}</span>
                <span className="picker-option__meta">
                  <span className="muted small">{t(`stream.${m.stream}`)}</span> <MaterialBadges material={m} />
                </span>
              </label>
            </div>
          ))}
        </fieldset>
      )}
      {error && (
        <div className="field__error" role="alert" data-testid="listing-material-error">
          {error}
        </div>
      )}
    </div>
  );
}
