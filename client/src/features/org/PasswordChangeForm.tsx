import { useState, type FormEvent } from 'react';
import { Alert } from '../../components/Alert';
import { FormActions } from '../../components/FormActions';
import { TextField } from '../../components/FormField';
import { useI18n } from '../../i18n';
import { setAccessToken } from '../../lib/api';
import { useFieldForm } from '../../lib/useFieldForm';
import { authApi } from '../auth/api';

const PATHS = ['currentPassword', 'newPassword'] as const;

/** POST /auth/password: the server ends every session and answers with this tab's new one. */
export function PasswordChangeForm() {
  const { t } = useI18n();
  const [currentPassword, setCurrent] = useState('');
  const [newPassword, setNew] = useState('');
  const [done, setDone] = useState(false);
  const { errors, problemText, busy, submit } = useFieldForm(PATHS);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setDone(false);
    const local: Record<string, string> = {};
    if (!currentPassword) local.currentPassword = t('common.required');
    if (newPassword.length < 10) local.newPassword = t('field.password.hint');
    await submit(local, async () => {
      const session = await authApi.changePassword(currentPassword, newPassword);
      setAccessToken(session.accessToken);
      setCurrent('');
      setNew('');
      setDone(true);
    });
  }

  return (
    <section className="card" aria-labelledby="account-password-title">
      <h2 id="account-password-title">{t('account.password.title')}</h2>
      <p className="muted small">{t('account.password.intro')}</p>
      <form className="form" onSubmit={onSubmit} noValidate data-testid="password-form">
        {problemText && <Alert testId="password-error">{problemText}</Alert>}
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
        <FormActions submitting={busy} label={t('account.password.submit')} testId="password-submit" />
      </form>
    </section>
  );
}
