import { Link, Navigate, useLocation } from 'react-router';
import { ErrorAlert } from '../../components/LoadError';
import { useI18n } from '../../i18n';
import { useSession } from '../auth/session';
import { SanctionList } from './SanctionList';
import '../licences/licences.css';

/** Sanctions in the regulator's scope, newest first; new ones are recorded from an organisation's page or an alert. */
export function SanctionsPage() {
  const { t } = useI18n();
  const { session } = useSession();
  const location = useLocation();
  const me = session.status === 'signedIn' ? session.me : null;
  if (session.status === 'loading') return <p role="status">{t('common.loading')}</p>;
  if (session.status === 'signedOut') return <Navigate to={`/signin?next=${encodeURIComponent(location.pathname)}`} replace />;
  if (!me || !(me.roles.includes('regulator') || me.roles.includes('admin')))
    return <ErrorAlert error={new Error(t('lic.review.forbidden'))} />;
  return (
    <div className="page" data-testid="sanctions-page">
      <header className="page__header">
        <p className="eyebrow">{t('nav.regulator')}</p>
        <h1>{t('sanc.title')}</h1>
        <p className="muted">
          {t('sanc.intro')} <Link to="/regulator/orgs">{t('sanc.lookup.title')} →</Link>
        </p>
      </header>
      <section className="card" aria-labelledby="sanc-all">
        <h2 id="sanc-all" className="visually-hidden">
          {t('sanc.title')}
        </h2>
        <SanctionList />
      </section>
    </div>
  );
}
