import { useEffect, useId, useState, type KeyboardEvent } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { ControlProps } from '../../components/FormField';
import { useI18n } from '../../i18n';
import { errorText } from '../../lib/errors';
import { districtName } from '../listings/labels';
import { carrierKeys, carriersApi, type Carrier } from './api';
import './carriers.css';

/** What the directory says of a carrier's transport licences: the current one's scope and validity, or none. */
export function LicenceLine({ carrier }: { carrier: Carrier }) {
  const { t } = useI18n();
  const current = carrier.licences.find((l) => l.current);
  if (current)
    return (
      <span className="carrier-licence" data-testid="carrier-licence">
        {t('carriers.licence', { number: current.number, codes: current.wasteCodes.join(' '), to: current.validTo })}
      </span>
    );
  const other = carrier.licences[0];
  return (
    <span className="carrier-licence carrier-licence--none" data-testid="carrier-licence">
      {other
        ? t(other.status === 'suspended' ? 'carriers.licence.suspended' : 'carriers.licence.lapsed', {
            number: other.number,
            to: other.validTo,
          })
        : t('carriers.licence.none')}
    </span>
  );
}

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const id = setTimeout(() => setV(value), ms);
    return () => clearTimeout(id);
  }, [value, ms]);
  return v;
}

/**
 * A typeahead over the carrier directory (GET /carriers): type part of a name or a USCC, pick with
 * the mouse or the arrow keys and Enter. For a hazardous trade only carriers whose transport licence
 * covers its code today are offered, the same rule the server applies when the trip is opened.
 * An ARIA 1.2 combobox: the input owns a listbox, the active option is aria-activedescendant.
 */
export function CarrierPicker({
  control,
  code,
  hazardous,
  value,
  onChange,
}: {
  control: ControlProps;
  /** The trade's waste code (its classified code, else its material code). */
  code: string;
  hazardous: boolean;
  value: Carrier | null;
  onChange(c: Carrier | null): void;
}) {
  const { t, lang } = useI18n();
  const listId = useId();
  const [text, setText] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const q = useDebounced(text.trim(), 200);
  const search = useQuery({
    queryKey: carrierKeys.search(q, code),
    queryFn: ({ signal }) => carriersApi.search(q, code, signal),
    enabled: open && !value,
    placeholderData: keepPreviousData,
  });
  const options = search.data?.items ?? [];

  function choose(c: Carrier) {
    onChange(c);
    setOpen(false);
    setText('');
  }

  function onKeyDown(e: KeyboardEvent<HTMLInputElement>) {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setOpen(true);
      setActive((i) => Math.min(i + 1, Math.max(options.length - 1, 0)));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((i) => Math.max(i - 1, 0));
    } else if (e.key === 'Enter' && open && options[active]) {
      e.preventDefault();
      choose(options[active]);
    } else if (e.key === 'Escape') {
      setOpen(false);
    }
  }

  if (value)
    return (
      <div className="carrier-chosen" data-testid="carrier-chosen" data-id={value.id}>
        <div>
          <strong data-testid="carrier-chosen-name">{value.name}</strong>
          <div className="muted small">
            <span className="code">{value.uscc}</span> · {districtName(value.district, lang)}
          </div>
          <LicenceLine carrier={value} />
        </div>
        <button type="button" className="btn btn--ghost btn--small" onClick={() => onChange(null)} data-testid="carrier-change">
          {t('carriers.change')}
        </button>
      </div>
    );

  return (
    <div className="carrier-picker">
      <input
        {...control}
        className="input"
        type="text"
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={open}
        aria-controls={listId}
        aria-activedescendant={open && options[active] ? `${listId}-${active}` : undefined}
        autoComplete="off"
        placeholder={t('carriers.placeholder')}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          setActive(0);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        onKeyDown={onKeyDown}
        data-testid="trip-carrier"
      />
      {open && (
        <ul
          className="carrier-options"
          id={listId}
          role="listbox"
          aria-label={t('carriers.listLabel')}
          data-testid="carrier-options"
        >
          {search.isError && <li className="carrier-options__note">{errorText(search.error, t)}</li>}
          {search.isSuccess && options.length === 0 && (
            <li className="carrier-options__note" data-testid="carrier-none">
              {t(hazardous ? 'carriers.none.hazardous' : 'carriers.none', { code })}
            </li>
          )}
          {options.map((c, i) => (
            <li
              key={c.id}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === active}
              className={`carrier-option${i === active ? ' carrier-option--active' : ''}`}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => choose(c)}
              onMouseEnter={() => setActive(i)}
              data-testid="carrier-option"
              data-id={c.id}
            >
              <span className="carrier-option__name">{c.name}</span>
              <span className="muted small">
                <span className="code">{c.uscc}</span> · {districtName(c.district, lang)}
              </span>
              <LicenceLine carrier={c} />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
