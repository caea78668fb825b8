import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { useI18n } from '../i18n';

interface FilterSelectProps {
  id: string;
  label: ReactNode;
  value: string;
  onChange(value: string): void;
  testId?: string;
  /** The options. */
  children: ReactNode;
}

/** One labelled select among a list's filters. */
export function FilterSelect({ id, label, value, onChange, testId, children }: FilterSelectProps) {
  return (
    <div className="field">
      <label htmlFor={id} className="field__label">
        {label}
      </label>
      <select id={id} className="input" value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
        {children}
      </select>
    </div>
  );
}

interface StatusFilterProps<S extends string> {
  id: string;
  statuses: readonly S[];
  value: S | undefined;
  onChange(value: string): void;
  labelOf(status: S): string;
  testId?: string;
}

/** The status filter above one of the org's own lists: every status, or one. */
export function StatusFilter<S extends string>({ id, statuses, value, onChange, labelOf, testId }: StatusFilterProps<S>) {
  const { t } = useI18n();
  return (
    <div className="filters filters--inline">
      <FilterSelect id={id} label={t('market.filter.status')} value={value ?? ''} onChange={onChange} testId={testId}>
        <option value="">{t('common.all')}</option>
        {statuses.map((s) => (
          <option key={s} value={s}>
            {labelOf(s)}
          </option>
        ))}
      </FilterSelect>
    </div>
  );
}

interface SearchFormProps {
  id: string;
  label: ReactNode;
  placeholder: string;
  /** The input's test id; the button's is `${testId}-submit`. */
  testId: string;
  /** The query in force (the draft follows it when it changes, e.g. on the back button). */
  q: string | undefined;
  onSearch(q: string | undefined): void;
}

/** The text search of a filtered list: typed as a draft, applied on submit. */
export function SearchForm({ id, label, placeholder, testId, q, onSearch }: SearchFormProps) {
  const { t } = useI18n();
  const [draft, setDraft] = useState(q ?? '');

  useEffect(() => setDraft(q ?? ''), [q]);

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    onSearch(draft.trim() || undefined);
  }

  return (
    <form className="filters__search" role="search" onSubmit={onSubmit}>
      <label htmlFor={id} className="field__label">
        {label}
      </label>
      <div className="input-group">
        <input
          id={id}
          type="search"
          className="input"
          value={draft}
          placeholder={placeholder}
          onChange={(e) => setDraft(e.target.value)}
          data-testid={testId}
        />
        <button type="submit" className="btn btn--primary" data-testid={`${testId}-submit`}>
          {t('catalogue.search.submit')}
        </button>
      </div>
    </form>
  );
}

/** Drops every filter. */
export function ClearFilters({ onClear }: { onClear(): void }) {
  const { t } = useI18n();
  return (
    <button type="button" className="btn btn--link filters__clear" onClick={onClear}>
      {t('catalogue.clear')}
    </button>
  );
}
