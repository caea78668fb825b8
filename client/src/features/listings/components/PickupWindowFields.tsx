import { FormField } from '../../../components/FormField';
import { useI18n } from '../../../i18n';
import { fromDateTimeLocal } from '../../../lib/units';

/**
 * The pickup window's problems by request path (`pickupFrom`, `pickupTo`) and its instants: both
 * required, the end not before the start. The new-listing, offer and edit forms share the rule.
 */
export function pickupWindowOf(
  fromLocal: string,
  toLocal: string,
  t: (k: 'common.required' | 'newListing.pickupTo.beforeFrom') => string,
): { from: string | null; to: string | null; errors: Record<string, string> } {
  const from = fromDateTimeLocal(fromLocal);
  const to = fromDateTimeLocal(toLocal);
  const errors: Record<string, string> = {};
  if (!from) errors.pickupFrom = t('common.required');
  if (!to) errors.pickupTo = t('common.required');
  else if (from && Date.parse(to) < Date.parse(from)) errors.pickupTo = t('newListing.pickupTo.beforeFrom');
  return { from, to, errors };
}

/** The pickup window's two datetime-local inputs (ids `<prefix>-pickupFrom`, test ids `<prefix>-pickup-from`). */
export function PickupWindowFields({
  idPrefix,
  from,
  to,
  onFromChange,
  onToChange,
  fromError,
  toError,
}: {
  idPrefix: string;
  from: string;
  to: string;
  onFromChange(value: string): void;
  onToChange(value: string): void;
  fromError: string | undefined;
  toError: string | undefined;
}) {
  const { t } = useI18n();
  return (
    <div className="form__row">
      <FormField id={`${idPrefix}-pickupFrom`} label={t('newListing.pickupFrom')} error={fromError} required>
        {(control) => (
          <input
            {...control}
            type="datetime-local"
            className="input"
            value={from}
            onChange={(e) => onFromChange(e.target.value)}
            data-testid={`${idPrefix}-pickup-from`}
          />
        )}
      </FormField>
      <FormField id={`${idPrefix}-pickupTo`} label={t('newListing.pickupTo')} error={toError} required>
        {(control) => (
          <input
            {...control}
            type="datetime-local"
            className="input"
            value={to}
            onChange={(e) => onToChange(e.target.value)}
            data-testid={`${idPrefix}-pickup-to`}
          />
        )}
      </FormField>
    </div>
  );
}
