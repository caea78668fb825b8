import { useEffect } from 'react';
import { Link, Navigate, useLocation } from 'react-router';
import { DISTRICTS } from '../../../../shared/src/districts.js';
import { Badge } from '../../components/Badge';
import { CreditChip } from '../../components/CreditChip';
import { useI18n, type MessageKey } from '../../i18n';
import { useSession } from '../auth/session';
import { PasswordChangeForm } from './PasswordChangeForm';
import { MembersPanel } from './MembersPanel';

export function MyOrgPage() {
  const { t, lang } = useI18n();
  const { session, reload } = useSession();
  const location = useLocation();
  const signedIn = session.status === 'signedIn';

  // The session's copy was read at sign-in; the credit level may have moved since.
  useEffect(() => {
    if (signedIn) reload().catch(() => {});
  }, [signedIn, reload]);

  if (session.status === 'loading') return <p role="status">{t('common.loading')}</p>;
  if (session.status === 'signedOut') return <Navigate to={`/signin?next=${encodeURIComponent(location.pathname)}`} replace />;

  const { me } = session;
  const { org, user } = me;
  const district = org ? DISTRICTS.find((d) => d.code === org.district) : undefined;

  return (
    <div className="page" data-testid="org-page">
      <header className="page__header page__header--row">
        <div>
          <p className="eyebrow">{t('org.title')}</p>
          <h1 data-testid="org-name">{org ? org.name : user.name}</h1>
        </div>
        {org && (
          <div className="org-credit">
            <span className="muted small">{t('org.credit')}</span>
            <CreditChip level={me.creditLevel} />
            <Link to={`/credit/${org.id}`} className="small" data-testid="org-credit-link">
              {t('org.credit.details')} →
            </Link>
          </div>
        )}
      </header>

      <div className="material__grid">
        {org ? (
          <section className="card" aria-labelledby="org-facts-title">
            <h2 id="org-facts-title">{t('org.title')}</h2>
            <dl className="facts">
              <div>
                <dt>{t('org.name')}</dt>
                <dd>{org.name}</dd>
              </div>
              <div>
                <dt>{t('org.uscc')}</dt>
                <dd className="code" data-testid="org-uscc">
                  {org.uscc}
                </dd>
              </div>
              <div>
                <dt>{t('org.district')}</dt>
                <dd data-testid="org-district">
                  {district ? (lang === 'en' ? district.nameEn : district.nameZh) : org.district}
                </dd>
              </div>
              <div>
                <dt>{t('org.roles')}</dt>
                <dd className="badges" data-testid="org-roles">
                  {org.roles.map((r) => (
                    <Badge key={r} tone="info">
                      {t(`role.${r}` as MessageKey)}
                    </Badge>
                  ))}
                </dd>
              </div>
              {org.scope && (
                <div>
                  <dt>{t('org.scope')}</dt>
                  <dd>
                    {org.scope === 'city'
                      ? t('org.scope.city')
                      : org.scope
                          .map((code) => {
                            const d = DISTRICTS.find((x) => x.code === code);
                            return d ? (lang === 'en' ? d.nameEn : d.nameZh) : code;
                          })
                          .join('、')}
                  </dd>
                </div>
              )}
            </dl>
            <p className="muted small">{t('org.credit.explain')}</p>
          </section>
        ) : (
          <section className="card">
            <p>{t('org.none')}</p>
          </section>
        )}

        <section className="card" aria-labelledby="org-user-title">
          <h2 id="org-user-title">{t('org.user')}</h2>
          <dl className="facts">
            <div>
              <dt>{t('field.userName')}</dt>
              <dd data-testid="user-name">{user.name}</dd>
            </div>
            <div>
              <dt>{t('org.email')}</dt>
              <dd>{user.email}</dd>
            </div>
            <div>
              <dt>{t('org.orgRole')}</dt>
              <dd>
                {user.orgRole === 'owner' || user.orgRole === 'member'
                  ? t(`org.orgRole.${user.orgRole}` as MessageKey)
                  : user.orgRole}
                {user.isAdmin && (
                  <>
                    {' '}
                    <Badge tone="warning">{t('org.platformAdmin')}</Badge>
                  </>
                )}
              </dd>
            </div>
          </dl>
        </section>

        {org && <MembersPanel me={me} />}
        <PasswordChangeForm />
      </div>
    </div>
  );
}
