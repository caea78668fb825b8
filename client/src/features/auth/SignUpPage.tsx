import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import type { DistrictCode } from '../../../../shared/src/districts.js';
import { TRADING_ROLES, type TradingRole } from '../../../../shared/src/roles.js';
import { isValidUscc } from '../../../../shared/src/uscc.js';
import { Alert } from '../../components/Alert';
import { DistrictOptions } from '../../components/DistrictOptions';
import { FormActions } from '../../components/FormActions';
import { FormField, TextField } from '../../components/FormField';
import { useI18n, type MessageKey } from '../../i18n';
import { errorText } from '../../lib/errors';
import type { RegisterBody } from './api';
import { AccountFields, EMPTY_ACCOUNT, type AccountDraft } from './components/AccountFields';
import { UsccField } from './components/UsccField';
import { mapFieldErrors } from './fieldErrors';
import { fieldErrorText } from '../../lib/fieldErrors';
import { useSession } from './session';

const PATHS = ['org.name', 'org.uscc', 'org.district', 'org.roles', 'user.name', 'user.email', 'user.password'] as const;
type Path = (typeof PATHS)[number];
/** Mirrors ZPassword in shared/src/schemas/auth.ts (not imported: it would bring zod into the bundle). */
const MIN_PASSWORD = 10;

/**
 * Who is signing up. A small producer or laboratory (issue 18) gets a short form: no role choice, no
 * licence; the organisation registers as a generator and lands on /collection to declare small lots
 * at a collection point. `/signup?kind=small` opens the form on that choice.
 */
type Kind = 'trading' | 'small';

export function SignUpPage() {
  const { t } = useI18n();
  const { signUp } = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [kind, setKind] = useState<Kind>(params.get('kind') === 'small' ? 'small' : 'trading');
  const small = kind === 'small';
  const [orgName, setOrgName] = useState('');
  const [uscc, setUscc] = useState('');
  const [district, setDistrict] = useState<DistrictCode | ''>('');
  const [roles, setRoles] = useState<TradingRole[]>([]);
  const [account, setAccount] = useState<AccountDraft>(EMPTY_ACCOUNT);
  const { name, email, password } = account;
  const [errors, setErrors] = useState<Partial<Record<Path, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);

  function toggleRole(role: TradingRole, on: boolean) {
    setRoles((current) => (on ? [...current.filter((r) => r !== role), role] : current.filter((r) => r !== role)));
  }

  function localErrors(): Partial<Record<Path, string>> {
    const required = t('common.required');
    const e: Partial<Record<Path, string>> = {};
    if (!orgName.trim()) e['org.name'] = required;
    if (!uscc) e['org.uscc'] = required;
    else if (!isValidUscc(uscc)) e['org.uscc'] = t('signup.usccInvalid');
    if (!district) e['org.district'] = required;
    if (!small && roles.length === 0) e['org.roles'] = t('signup.rolesRequired');
    if (!email.trim()) e['user.email'] = required;
    if (!name.trim()) e['user.name'] = required;
    if (!password) e['user.password'] = required;
    else if (password.length < MIN_PASSWORD) e['user.password'] = t('field.password.hint');
    return e;
  }

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setFormError(null);
    const local = localErrors();
    setErrors(local);
    if (Object.keys(local).length > 0 || !district) {
      focusFirstError(local);
      return;
    }
    // Keep the roles in the order they are offered, whatever order they were ticked in.
    const body: RegisterBody = {
      org: {
        name: orgName.trim(),
        uscc,
        district,
        roles: small ? ['generator'] : TRADING_ROLES.filter((r) => roles.includes(r)),
      },
      user: { email: email.trim(), password, name: name.trim() },
    };
    setSubmitting(true);
    try {
      await signUp(body);
      navigate(small ? '/collection' : '/org', { replace: true });
    } catch (err) {
      const { byPath, rest } = mapFieldErrors(err, PATHS, t);
      setErrors(byPath);
      const hasFieldErrors = Object.keys(byPath).length > 0;
      setFormError(
        hasFieldErrors && rest.length === 0
          ? t('error.VALIDATION_FAILED')
          : [errorText(err, t), ...rest.map((f) => `${f.path}: ${fieldErrorText(f, t)}`)].join(' '),
      );
      if (hasFieldErrors) focusFirstError(byPath);
    } finally {
      setSubmitting(false);
    }
  }

  return (
    <div className="page page--narrow" data-testid="signup-page">
      <header className="page__header">
        <h1>{t('signup.title')}</h1>
        <p className="page__lead">{t('signup.intro')}</p>
      </header>
      <form className="card form" onSubmit={onSubmit} noValidate data-testid="signup-form">
        {formError && <Alert testId="form-error">{formError}</Alert>}
        <fieldset className="field checkbox-group" data-testid="signup-kind">
          <legend className="field__label">{t('signup.kind')}</legend>
          <div className="checkbox-group__options">
            {(['trading', 'small'] as const).map((k) => (
              <div className="checkbox" key={k}>
                <input
                  type="radio"
                  id={`signup-kind-${k}`}
                  name="kind"
                  value={k}
                  checked={kind === k}
                  onChange={() => {
                    setKind(k);
                    setErrors({});
                  }}
                  data-testid={`signup-kind-${k}`}
                />
                <label htmlFor={`signup-kind-${k}`}>
                  <span className="checkbox__title">{t(`signup.kind.${k}`)}</span>
                  <span className="checkbox__hint">{t(`signup.kind.${k}.hint`)}</span>
                </label>
              </div>
            ))}
          </div>
        </fieldset>
        <fieldset className="form__section">
          <legend>{t('signup.orgSection')}</legend>
          <TextField
            id="org-name"
            label={t(small ? 'signup.small.orgName' : 'field.orgName')}
            error={errors['org.name']}
            required
            value={orgName}
            onChange={setOrgName}
            placeholder={t('field.orgName.placeholder')}
            autoComplete="organization"
            testId="signup-org-name"
          />
          <UsccField value={uscc} onChange={setUscc} serverError={errors['org.uscc']} />
          <FormField id="org-district" label={t('field.district')} error={errors['org.district']} required>
            {(control) => (
              <select
                {...control}
                className="input"
                value={district}
                onChange={(e) => setDistrict(e.target.value as DistrictCode | '')}
                required
                data-testid="signup-district"
              >
                <option value="">{t('field.district.choose')}</option>
                <DistrictOptions />
              </select>
            )}
          </FormField>
          {!small && (
            <fieldset
              className={`field checkbox-group${errors['org.roles'] ? ' field--invalid' : ''}`}
              aria-describedby={errors['org.roles'] ? 'org-roles-error' : 'org-roles-hint'}
              data-testid="signup-roles"
            >
              <legend className="field__label">
                {t('field.roles')}
                <span className="field__required" aria-hidden="true">
                  {' '}
                  *
                </span>
              </legend>
              <div id="org-roles-hint" className="field__hint">
                {t('field.roles.hint')}
              </div>
              <div className="checkbox-group__options">
                {TRADING_ROLES.map((role) => (
                  <div className="checkbox" key={role}>
                    <input
                      type="checkbox"
                      id={`org-role-${role}`}
                      name="roles"
                      value={role}
                      checked={roles.includes(role)}
                      onChange={(e) => toggleRole(role, e.target.checked)}
                      data-testid={`signup-role-${role}`}
                    />
                    <label htmlFor={`org-role-${role}`}>
                      <span className="checkbox__title">{t(`role.${role}` as MessageKey)}</span>
                      <span className="checkbox__hint">{t(`role.${role}.hint` as MessageKey)}</span>
                    </label>
                  </div>
                ))}
              </div>
              {errors['org.roles'] && (
                <div id="org-roles-error" className="field__error" role="alert">
                  {errors['org.roles']}
                </div>
              )}
            </fieldset>
          )}
          {small && (
            <p className="field__hint" data-testid="signup-small-note">
              {t('signup.small.note')}
            </p>
          )}
        </fieldset>

        <fieldset className="form__section">
          <legend>{t('signup.userSection')}</legend>
          <AccountFields
            ids={{ name: 'user-name', email: 'user-email', password: 'user-password' }}
            testIds={{ name: 'signup-name', email: 'signup-email', password: 'signup-password' }}
            nameLabel={t(small ? 'signup.small.contact' : 'field.userName')}
            value={account}
            onChange={setAccount}
            errors={{ name: errors['user.name'], email: errors['user.email'], password: errors['user.password'] }}
          />
        </fieldset>

        <FormActions submitting={submitting} label={t('signup.submit')} testId="signup-submit">
          <span className="muted">
            {t('signup.haveAccount')} <Link to="/signin">{t('auth.signIn')}</Link>
          </span>
        </FormActions>
      </form>
    </div>
  );
}

const FIELD_IDS: Record<Path, string> = {
  'org.name': 'org-name',
  'org.uscc': 'org-uscc',
  'org.district': 'org-district',
  'org.roles': 'org-role-generator',
  'user.email': 'user-email',
  'user.name': 'user-name',
  'user.password': 'user-password',
};

function focusFirstError(errors: Partial<Record<Path, string>>) {
  const first = PATHS.find((p) => errors[p]);
  if (first) requestAnimationFrame(() => document.getElementById(FIELD_IDS[first])?.focus());
}
