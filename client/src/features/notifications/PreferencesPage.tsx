import { useEffect, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { Alert } from '../../components/Alert';
import { ErrorAlert, LoadError } from '../../components/LoadError';
import { useI18n } from '../../i18n';
import { RequireSignIn } from '../auth/components/RequireSignIn';
import { NOTIFICATION_KINDS, usePreferences, useSetPreferences, type TNotificationKind } from './api';
import { useNotificationsText } from './messages';
import './notifications.css';

export function NotificationPreferencesPage() {
  return <RequireSignIn>{() => <Preferences />}</RequireSignIn>;
}

/** One switch per kind of notification, saved together. */
function Preferences() {
  const { t } = useI18n();
  const nt = useNotificationsText();
  const prefs = usePreferences();
  const save = useSetPreferences();
  const [enabled, setEnabled] = useState<Record<TNotificationKind, boolean> | null>(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (prefs.data && !enabled) setEnabled(prefs.data.enabled);
  }, [prefs.data, enabled]);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (!enabled) return;
    setSaved(false);
    await save.mutateAsync(enabled);
    setSaved(true);
  }

  return (
    <div className="page notifications" data-testid="notification-preferences">
      <Link to="/notifications" className="small">
        ← {nt('prefs.back')}
      </Link>
      <h1>{nt('prefs.title')}</h1>
      <p className="muted">{nt('prefs.intro')}</p>
      {prefs.error && <LoadError error={prefs.error} reload={() => void prefs.refetch()} />}
      {!enabled && !prefs.error && <p role="status">{t('common.loading')}</p>}
      {enabled && (
        <form onSubmit={(e) => void onSubmit(e).catch(() => {})}>
          <fieldset className="notification-prefs">
            <legend className="visually-hidden">{nt('prefs.title')}</legend>
            {NOTIFICATION_KINDS.map((kind) => (
              <label key={kind} className="notification-prefs__item">
                <input
                  type="checkbox"
                  checked={enabled[kind]}
                  onChange={(e) => {
                    setSaved(false);
                    setEnabled({ ...enabled, [kind]: e.target.checked });
                  }}
                  data-testid={`pref-${kind}`}
                />
                <span>{nt(`kind.${kind}`)}</span>
              </label>
            ))}
          </fieldset>
          {save.error && <ErrorAlert error={save.error} />}
          {saved && (
            <Alert tone="info" testId="prefs-saved">
              {nt('prefs.saved')}
            </Alert>
          )}
          <button type="submit" className="btn btn--primary" disabled={save.isPending} data-testid="prefs-save">
            {save.isPending ? t('common.submitting') : nt('prefs.save')}
          </button>
        </form>
      )}
    </div>
  );
}
