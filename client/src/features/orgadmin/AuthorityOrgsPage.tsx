import { useState, type FormEvent } from 'react';
import { Alert } from '../../components/Alert';
import { DistrictOptions } from '../../components/DistrictOptions';
import { FormActions } from '../../components/FormActions';
import { FormField, TextField } from '../../components/FormField';
import { useI18n } from '../../i18n';
import { api } from '../../lib/api';
import { useFieldForm } from '../../lib/useFieldForm';
import { AccountFields, EMPTY_ACCOUNT, type AccountDraft } from '../auth/components/AccountFields';
import { RequireAdmin } from '../admin/RequireAdmin';

const PATHS = ['org.name', 'org.uscc', 'org.district', 'org.scope', 'user.email', 'user.password', 'user.name'] as const;

/** The admin creates a regulator or a credit agency and its owner (issue 13 item 8; POST /admin/orgs). */
export function AuthorityOrgsPage() {
  return <RequireAdmin>{() => <AuthorityOrgForm />}</RequireAdmin>;
}

function AuthorityOrgForm() {
  const { t } = useI18n();
  const [role, setRole] = useState<'regulator' | 'credit_agency'>('regulator');
  const [name, setName] = useState('');
  const [uscc, setUscc] = useState('');
  const [district, setDistrict] = useState('330602');
  const [cityScope, setCityScope] = useState(true);
  const [owner, setOwner] = useState<AccountDraft>(EMPTY_ACCOUNT);
  const { name: ownerName, email, password } = owner;
  const [created, setCreated] = useState<string | null>(null);
  const { errors, problemText, busy, submit } = useFieldForm(PATHS);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setCreated(null);
    const local: Record<string, string> = {};
    if (!name.trim()) local['org.name'] = t('common.required');
    if (!uscc.trim()) local['org.uscc'] = t('common.required');
    if (!ownerName.trim()) local['user.name'] = t('common.required');
    if (!email.trim()) local['user.email'] = t('common.required');
    if (password.length < 10) local['user.password'] = t('field.password.hint');
    await submit(local, async () => {
      const body = {
        org: {
          name: name.trim(),
          uscc: uscc.trim().toUpperCase(),
          district,
          roles: [role],
          ...(role === 'regulator' ? { scope: cityScope ? 'city' : [district] } : {}),
        },
        user: { email: email.trim(), password, name: ownerName.trim() },
      };
      await api.post('/admin/orgs', body);
      setCreated(name.trim());
      setName('');
      setUscc('');
      setOwner(EMPTY_ACCOUNT);
    });
  }

  return (
    <div className="page" data-testid="authority-orgs-page">
      <header className="page__header">
        <h1>{t('orgAdmin.title')}</h1>
        <p className="page__lead">{t('orgAdmin.intro')}</p>
      </header>
      <section className="card">
        <form className="form" onSubmit={onSubmit} noValidate data-testid="authority-org-form">
          {problemText && <Alert testId="authority-org-error">{problemText}</Alert>}
          {created && (
            <Alert tone="info" testId="authority-org-created">
              {t('orgAdmin.created', { name: created })}
            </Alert>
          )}
          <FormField id="ao-role" label={t('orgAdmin.role')} required>
            {(c) => (
              <select
                {...c}
                className="input"
                value={role}
                onChange={(e) => setRole(e.target.value as 'regulator' | 'credit_agency')}
                data-testid="ao-role"
              >
                <option value="regulator">{t('role.regulator')}</option>
                <option value="credit_agency">{t('role.credit_agency')}</option>
              </select>
            )}
          </FormField>
          <TextField
            id="ao-name"
            label={t('orgAdmin.name')}
            error={errors['org.name']}
            required
            value={name}
            onChange={setName}
            testId="ao-name"
          />
          <TextField
            id="ao-uscc"
            label={t('orgAdmin.uscc')}
            error={errors['org.uscc']}
            required
            value={uscc}
            onChange={setUscc}
            testId="ao-uscc"
          />
          <FormField id="ao-district" label={t('orgAdmin.district')} required>
            {(c) => (
              <select
                {...c}
                className="input"
                value={district}
                onChange={(e) => setDistrict(e.target.value)}
                data-testid="ao-district"
              >
                <DistrictOptions />
              </select>
            )}
          </FormField>
          {role === 'regulator' && (
            <div className="field">
              <label className="checkbox">
                <input
                  type="checkbox"
                  checked={cityScope}
                  onChange={(e) => setCityScope(e.target.checked)}
                  data-testid="ao-city"
                />{' '}
                {t('orgAdmin.cityScope')}
              </label>
            </div>
          )}
          <AccountFields
            ids={{ name: 'ao-owner', email: 'ao-email', password: 'ao-password' }}
            testIds={{ name: 'ao-owner', email: 'ao-email', password: 'ao-password' }}
            nameLabel={t('orgAdmin.owner')}
            value={owner}
            onChange={setOwner}
            errors={{ name: errors['user.name'], email: errors['user.email'], password: errors['user.password'] }}
            forSomeoneElse
          />
          <FormActions submitting={busy} label={t('orgAdmin.submit')} testId="ao-submit" />
        </form>
      </section>
    </div>
  );
}
