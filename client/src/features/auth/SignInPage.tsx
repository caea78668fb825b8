import { useState, type FormEvent } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { Alert } from '../../components/Alert';
import { FormActions } from '../../components/FormActions';
import { TextField } from '../../components/FormField';
import { useI18n } from '../../i18n';
import { ApiError } from '../../lib/api';
import { errorText } from '../../lib/errors';
import { mapFieldErrors } from './fieldErrors';
import { useSession } from './session';

const PATHS = ['email', 'password'] as const;

/** Only same-site paths are followed after sign-in, so a crafted link cannot send the user away. */
function safeNext(search: string): string {
  const next = new URLSearchParams(search).get('next');
  // Without a target, the home page: the organisation's to-do list (issue 13 item 6).
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export function SignInPage() {
  const { t } = useI18n();
  const { session, signIn } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setFormError(null);
    const local: Record<string, string> = {};
    if (!email.trim()) local.email = t('common.required');
    if (!password) local.password = t('common.required');
    setErrors(local);
    if (Object.keys(local).length) return;
    setSubmitting(true);
    try {
      await signIn(email.trim(), password);
      navigate(safeNext(location.search), { replace: true });
    } catch (err) {
      const { byPath } = mapFieldErrors(err, PATHS, t);
      setErrors(byPath);
      setFormError(err instanceof ApiError && err.code === 'UNAUTHENTICATED' ? t('signin.badCredentials') : errorText(err, t));
    } finally {
      setSubmitting(false);
    }
  }

  return (
    <div className="page page--narrow page--auth" data-testid="signin-page">
      <header className="page__header">
        <h1>{t('signin.title')}</h1>
        <p className="page__lead">{t('signin.intro')}</p>
      </header>
      <form className="card form" onSubmit={onSubmit} noValidate data-testid="signin-form">
        {session.status === 'signedOut' && session.expired && <Alert tone="warning">{t('error.sessionExpired')}</Alert>}
        {formError && <Alert testId="form-error">{formError}</Alert>}
        <TextField
          id="signin-email"
          label={t('field.email')}
          error={errors.email}
          required
          type="email"
          value={email}
          onChange={setEmail}
          autoComplete="username"
          testId="signin-email"
        />
        <TextField
          id="signin-password"
          label={t('field.password')}
          error={errors.password}
          required
          type="password"
          value={password}
          onChange={setPassword}
          autoComplete="current-password"
          testId="signin-password"
        />
        <FormActions submitting={submitting} label={t('signin.submit')} testId="signin-submit">
          <span className="muted">
            {t('signin.noAccount')} <Link to="/signup">{t('auth.signUp')}</Link>
          </span>
        </FormActions>
      </form>
    </div>
  );
}
