import { useState, type FormEvent } from 'react';
import { Alert } from '../../components/Alert';
import { FormActions } from '../../components/FormActions';
import { TextField } from '../../components/FormField';
import { useI18n } from '../../i18n';
import { setAccessToken } from '../../lib/api';
import { errorText } from '../../lib/errors';
import { authApi } from '../auth/api';
import { mapFieldErrors } from '../auth/fieldErrors';

const PATHS = ['currentPassword', 'newPassword'] as const;

/** POST /auth/password: the server ends every session and answers with this tab's new one. */
export function PasswordChangeForm() {
  const { t } = useI18n();
  const [currentPassword, setCurrent] = useState('');
  const [newPassword, setNew] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [submitting, setSubmitting] = useState(false);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setFormError(null);
    setDone(false);
    const local: Record<string, string> = {};
    if (!currentPassword) local.currentPassword = t('common.required');
    if (newPassword.length < 10) local.newPassword = t('field.password.hint');
    setErrors(local);
    if (Object.keys(local).length) return;
    setSubmitting(true);
    try {
      const session = await authApi.changePassword(currentPassword, newPassword);
      setAccessToken(session.accessToken);
      setCurrent('');
      setNew('');
      setDone(true);
    } catch (err) {
      const { byPath, rest } = mapFieldErrors(err, PATHS, t);
      setErrors(byPath);
      if (!Object.keys(byPath).length || rest.length) setFormError(errorText(err, t));
    } finally {
      setSubmitting(false);
    }
  }

  return (
    <section className="card" aria-labelledby="account-password-title">
      <h2 id="account-password-title">{t('account.password.title')}</h2>
      <p className="muted small">{t('account.password.intro')}</p>
      <form className="form" onSubmit={onSubmit} noValidate data-testid="password-form">
        {formError && <Alert testId="password-error">{formError}</Alert>}
        {done && (
          <Alert tone="info" testId="password-done">
            {t('account.password.done')}
          </Alert>
        )}
        <TextField
          id="account-current-password"
          label={t('account.password.current')}
          error={errors.currentPassword}
          required
          type="password"
          value={currentPassword}
          onChange={setCurrent}
          autoComplete="current-password"
          testId="password-current"
        />
        <TextField
          id="account-new-password"
          label={t('account.password.new')}
          hint={t('field.password.hint')}
          error={errors.newPassword}
          required
          type="password"
          value={newPassword}
          onChange={setNew}
          autoComplete="new-password"
          testId="password-new"
        />
        <FormActions submitting={submitting} label={t('account.password.submit')} testId="password-submit" />
      </form>
    </section>
  );
}
