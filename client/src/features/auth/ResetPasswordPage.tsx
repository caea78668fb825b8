import { useState, type FormEvent } from 'react';
import { Link, useLocation } from 'react-router';
import { Alert } from '../../components/Alert';
import { FormActions } from '../../components/FormActions';
import { TextField } from '../../components/FormField';
import { useI18n } from '../../i18n';
import { ApiError, api } from '../../lib/api';
import { errorText } from '../../lib/errors';
import { mapFieldErrors } from './fieldErrors';

/** The link an admin hands over: /reset-password#token=… (in the fragment, so no server logs it). */
export function ResetPasswordPage() {
  const { t } = useI18n();
  const location = useLocation();
  const token = new URLSearchParams(location.hash.replace(/^#/, '')).get('token') ?? '';
  const [newPassword, setNew] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [fieldError, setFieldError] = useState<string | undefined>();
  const [done, setDone] = useState(false);
  const [submitting, setSubmitting] = useState(false);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    if (newPassword.length < 10) return setFieldError(t('field.password.hint'));
    setFieldError(undefined);
    setSubmitting(true);
    try {
      await api.post<void>('/auth/reset', { token, newPassword });
      setDone(true);
    } catch (err) {
      setFieldError(mapFieldErrors(err, ['newPassword'], t).byPath.newPassword);
      setError(err instanceof ApiError && err.code === 'UNAUTHENTICATED' ? t('reset.invalid') : errorText(err, t));
    } finally {
      setSubmitting(false);
    }
  }

  return (
    <div className="page page--narrow page--auth" data-testid="reset-page">
      <header className="page__header">
        <h1>{t('reset.title')}</h1>
      </header>
      {done ? (
        <Alert tone="info" testId="reset-done">
          {t('reset.done')} <Link to="/signin">{t('signin.submit')}</Link>
        </Alert>
      ) : (
        <form className="card form" onSubmit={onSubmit} noValidate data-testid="reset-form">
          {!token && <Alert>{t('reset.invalid')}</Alert>}
          {error && <Alert testId="reset-error">{error}</Alert>}
          <TextField
            id="reset-new-password"
            label={t('account.password.new')}
            hint={t('field.password.hint')}
            error={fieldError}
            required
            type="password"
            value={newPassword}
            onChange={setNew}
            autoComplete="new-password"
            testId="reset-new-password"
          />
          <FormActions submitting={submitting} label={t('reset.submit')} testId="reset-submit" />
        </form>
      )}
    </div>
  );
}
