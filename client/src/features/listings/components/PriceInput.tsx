import type { ReactNode } from 'react';
import { MAX_ABS_PRICE_FEN } from '../../../../../shared/src/money.js';
import type { UsualDirection } from '../../../../../shared/src/pricecheck.js';
import { FormField } from '../../../components/FormField';
import { useI18n, type TFunction } from '../../../i18n';
import { formatPricePerTonne } from '../../../lib/money';
import { fenAsYuanInput, yuanToFen } from '../../../lib/units';

/**
 * A price as people say it: who pays whom, and how many yuan per tonne. DESIGN §6.2 stores one
 * signed number (negative = the generator pays a disposal fee); asking for the direction apart from
 * the amount keeps anyone from typing a minus sign they did not mean, or forgetting one they did.
 */
export interface PriceDraft {
  direction: 'paid' | 'fee';
  amount: string;
}

/** The toggle's side for a material's usual direction (catalogue); null for `either`. */
export function draftDirectionOf(usual: UsualDirection): PriceDraft['direction'] | null {
  return usual === 'fee' ? 'fee' : usual === 'price' ? 'paid' : null;
}

export function priceDraftOf(fen: number): PriceDraft {
  return { direction: fen < 0 ? 'fee' : 'paid', amount: fenAsYuanInput(fen) };
}

/** Signed fen per tonne, or null while the amount is empty or not a valid yuan figure. */
export function draftToFen(d: PriceDraft): number | null {
  const fen = yuanToFen(d.amount);
  if (fen === null) return null;
  return d.direction === 'fee' && fen !== 0 ? -fen : fen;
}

/** A local problem with the typed amount, in words; null when fine or still empty. */
export function priceDraftProblem(d: PriceDraft, t: TFunction): string | null {
  if (!d.amount.trim()) return null;
  const fen = draftToFen(d);
  if (fen === null) return t('price.invalid');
  if (Math.abs(fen) > MAX_ABS_PRICE_FEN) return t('price.tooLarge');
  return null;
}

interface PriceInputProps {
  id: string;
  value: PriceDraft;
  onChange(value: PriceDraft): void;
  label: ReactNode;
  hint?: ReactNode;
  error?: string;
  /** The live price check, shown under the amount. */
  feedback?: ReactNode;
  /** The material's usual direction, said under the toggle (a price the other way is flagged). */
  usualDirection?: UsualDirection | null;
  testId?: string;
}

export function PriceInput({
  id,
  value,
  onChange,
  label,
  hint,
  error,
  feedback,
  usualDirection,
  testId = 'price',
}: PriceInputProps) {
  const { t, lang } = useI18n();
  const fen = draftToFen(value);
  const problem = priceDraftProblem(value, t);
  return (
    <fieldset className="field price-input" data-testid={`${testId}-field`} aria-describedby={`${id}-direction-hint`}>
      <legend className="field__label">
        {label}
        <span className="field__required" aria-hidden="true">
          {' '}
          *
        </span>
      </legend>
      <div id={`${id}-direction-hint`} className="field__hint">
        {t('price.direction.hint')}
        {usualDirection && (
          <span data-testid={`${testId}-usual`} data-usual={usualDirection}>
            {' '}
            {t(`price.usualDirection.${usualDirection}`)}
          </span>
        )}
      </div>
      <div className="segmented" role="radiogroup" aria-label={t('price.direction')}>
        {(['paid', 'fee'] as const).map((direction) => (
          <label key={direction} className={`segmented__option${value.direction === direction ? ' segmented__option--on' : ''}`}>
            <input
              type="radio"
              name={`${id}-direction`}
              value={direction}
              checked={value.direction === direction}
              onChange={() => onChange({ ...value, direction })}
              data-testid={`${testId}-direction-${direction}`}
            />
            <span>{t(direction === 'paid' ? 'price.direction.paid' : 'price.direction.fee')}</span>
          </label>
        ))}
      </div>
      <FormField
        id={id}
        label={t(value.direction === 'fee' ? 'price.amount.fee' : 'price.amount.paid')}
        hint={hint}
        error={error ?? problem ?? undefined}
        status={
          <>
            {fen !== null && !problem && (
              <div className={`price-preview ${fen < 0 ? 'price--fee' : 'price--paid'}`} data-testid={`${testId}-preview`}>
                {formatPricePerTonne(fen, lang)}
                <span className="muted small"> · {t('price.signed', { fen: fen.toLocaleString('en-US') })}</span>
              </div>
            )}
            {feedback}
          </>
        }
      >
        {(control) => (
          <div className="input-affix">
            <span className="input-affix__before" aria-hidden="true">
              {value.direction === 'fee' ? t('price.prefix.fee') : '¥'}
            </span>
            <input
              {...control}
              className="input"
              inputMode="decimal"
              autoComplete="off"
              value={value.amount}
              onChange={(e) => onChange({ ...value, amount: e.target.value })}
              data-testid={`${testId}-amount`}
            />
            <span className="input-affix__after" aria-hidden="true">
              {t('price.unit')}
            </span>
          </div>
        )}
      </FormField>
    </fieldset>
  );
}
