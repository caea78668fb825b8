import { FormField } from '../../../components/FormField';
import { useI18n } from '../../../i18n';
import { HAZARD_CHARACTERISTICS, PACKAGINGS, PHYSICAL_FORMS, type Hazard } from '../api';
import { tk } from '../labels';

type Characteristic = Hazard['characteristics'][number];

export interface HazardDraft {
  characteristics: Characteristic[];
  form: Hazard['form'] | '';
  packaging: Hazard['packaging'] | '';
}

export const EMPTY_HAZARD: HazardDraft = { characteristics: [], form: '', packaging: '' };

/**
 * The declaration's problems, keyed by request path (`hazard.characteristics`, `hazard.form`,
 * `hazard.packaging`): a hazardous lot declares at least one characteristic, its form and its
 * packaging (the server's rule, DESIGN §6.3); a non-hazardous lot may leave it all empty.
 */
export function hazardDraftErrors(
  d: HazardDraft,
  required: boolean,
  t: (k: 'common.required' | 'hazard.characteristics.required') => string,
  /** `nothingDeclared`: what the form field says when a required declaration was left wholly empty. */
  o: { nothingDeclared?: string } = {},
): Record<string, string> {
  const e: Record<string, string> = {};
  const any = d.characteristics.length > 0 || d.form || d.packaging;
  if (required && d.characteristics.length === 0) e['hazard.characteristics'] = t('hazard.characteristics.required');
  if ((any || required) && !d.form) e['hazard.form'] = (!any && o.nothingDeclared) || t('common.required');
  if ((any || required) && !d.packaging) e['hazard.packaging'] = t('common.required');
  return e;
}

/** The declaration as the API takes it, or undefined when nothing was declared. */
export function hazardOf(d: HazardDraft): Hazard | undefined {
  return d.form && d.packaging ? { characteristics: d.characteristics, form: d.form, packaging: d.packaging } : undefined;
}

/** Hazard characteristics (T/C/I/R/In), physical form and packaging: the offer form's declaration. */
export function HazardFields({
  idPrefix,
  value,
  onChange,
  errors,
  required,
}: {
  idPrefix: string;
  value: HazardDraft;
  onChange(next: HazardDraft): void;
  errors: Record<string, string>;
  required: boolean;
}) {
  const { t } = useI18n();
  const toggle = (c: Characteristic, on: boolean) =>
    onChange({
      ...value,
      characteristics: HAZARD_CHARACTERISTICS.filter((x) => (x === c ? on : value.characteristics.includes(x))),
    });
  const charError = errors['hazard.characteristics'] ?? errors.hazard;
  return (
    <>
      <fieldset
        className={`checkbox-group${charError ? ' field--invalid' : ''}`}
        data-testid={`${idPrefix}-hazard-characteristics`}
      >
        <legend className="field__label">
          {t('hazard.characteristics')}
          {required && (
            <span className="field__required" aria-hidden="true">
              {' '}
              *
            </span>
          )}
        </legend>
        <div className="checkbox-group__options checkbox-group__options--compact">
          {HAZARD_CHARACTERISTICS.map((c) => (
            <div className="checkbox" key={c}>
              <input
                type="checkbox"
                id={`${idPrefix}-hazard-${c}`}
                checked={value.characteristics.includes(c)}
                onChange={(e) => toggle(c, e.target.checked)}
                data-testid={`${idPrefix}-hazard-${c}`}
              />
              <label htmlFor={`${idPrefix}-hazard-${c}`}>
                <span className="checkbox__title">
                  {t(tk(`hazard.${c}`))} <span className="muted">({c})</span>
                </span>
              </label>
            </div>
          ))}
        </div>
        {charError && (
          <div className="field__error" role="alert" data-testid={`${idPrefix}-hazard-characteristics-error`}>
            {charError}
          </div>
        )}
      </fieldset>
      <div className="form__row">
        <FormField id={`${idPrefix}-hazard-form`} label={t('hazard.form')} error={errors['hazard.form']} required={required}>
          {(control) => (
            <select
              {...control}
              className="input"
              value={value.form}
              onChange={(e) => onChange({ ...value, form: e.target.value as HazardDraft['form'] })}
              data-testid={`${idPrefix}-hazard-form`}
            >
              <option value="">{t('newListing.choose')}</option>
              {PHYSICAL_FORMS.map((f) => (
                <option key={f} value={f}>
                  {t(tk(`form.${f}`))}
                </option>
              ))}
            </select>
          )}
        </FormField>
        <FormField
          id={`${idPrefix}-hazard-packaging`}
          label={t('hazard.packaging')}
          error={errors['hazard.packaging']}
          required={required}
        >
          {(control) => (
            <select
              {...control}
              className="input"
              value={value.packaging}
              onChange={(e) => onChange({ ...value, packaging: e.target.value as HazardDraft['packaging'] })}
              data-testid={`${idPrefix}-hazard-packaging`}
            >
              <option value="">{t('newListing.choose')}</option>
              {PACKAGINGS.map((p) => (
                <option key={p} value={p}>
                  {t(tk(`packaging.${p}`))}
                </option>
              ))}
            </select>
          )}
        </FormField>
      </div>
    </>
  );
}
