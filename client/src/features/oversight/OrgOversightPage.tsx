import { useQuery } from '@tanstack/react-query';
import { Link, Navigate, useLocation, useParams, useSearchParams } from 'react-router';
import { Badge } from '../../components/Badge';
import { CreditChip } from '../../components/CreditChip';
import { ErrorAlert, LoadError } from '../../components/LoadError';
import { useI18n, type MessageKey } from '../../i18n';
import { usePagedQuery } from '../../lib/query';
import { useSession } from '../auth/session';
import { creditApi, creditKeys } from '../credit/api';
import { licenceKeys, licencesApi, type HeldLicence } from '../licences/api';
import { LicenceTable } from '../licences/LicenceTable';
import { districtName } from '../listings/labels';
import { oversightApi, oversightKeys } from './api';
import { SanctionForm } from './SanctionForm';
import { SanctionList } from './SanctionList';
import { OrgTrades } from './OrgTrades';
import '../licences/licences.css';

/**
 * One organisation as a regulator sees it: who it is, its credit, its licences and its sanctions,
 * and the form to record a sanction (opened from an alert, its id is the evidence reference).
 */
export function OrgOversightPage() {
  const { t, lang } = useI18n();
  const { id = '' } = useParams();
  const [params] = useSearchParams();
  const { session } = useSession();
  const location = useLocation();
  const me = session.status === 'signedIn' ? session.me : null;
  const allowed = !!me && (me.roles.includes('regulator') || me.roles.includes('admin'));
  const org = useQuery({
    queryKey: oversightKeys.org(id),
    queryFn: ({ signal }) => oversightApi.org(id, signal),
    enabled: allowed,
  });
  const credit = useQuery({
    queryKey: creditKeys.org(id),
    queryFn: ({ signal }) => creditApi.score(id, signal),
    enabled: allowed,
  });
  const licences = usePagedQuery<HeldLicence>({
    queryKey: licenceKeys.org(id),
    label: id,
    fetchPage: (cursor, signal) => licencesApi.ofOrg(id, cursor, signal),
    enabled: allowed,
  });
  if (session.status === 'loading') return <p role="status">{t('common.loading')}</p>;
  if (session.status === 'signedOut')
    return <Navigate to={`/signin?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  if (!allowed) return <ErrorAlert error={new Error(t('lic.review.forbidden'))} />;
  if (org.error) return <LoadError error={org.error} reload={() => void org.refetch()} />;
  const o = org.data;
  const alertId = params.get('alert');
  const trading = o?.roles.some((r) => r === 'generator' || r === 'recycler' || r === 'carrier');

  return (
    <div className="page" data-testid="org-oversight-page">
      <header className="page__header page__header--row">
        <div>
          <p className="eyebrow">
            <Link to="/regulator/orgs">{t('sanc.lookup.title')}</Link>
          </p>
          <h1 data-testid="oversight-org-name">{o?.name ?? t('common.loading')}</h1>
        </div>
        <div className="org-credit" data-testid="oversight-credit">
          <span className="muted small">{t('org.credit')}</span>
          <CreditChip level={credit.data?.level} {...(credit.data ? { score: credit.data.score } : {})} />
          <Link to={`/credit/${id}`} className="small">
            {t('org.credit.details')} →
          </Link>
        </div>
      </header>
      {o && (
        <section className="card" aria-labelledby="oversight-facts">
          <h2 id="oversight-facts">{t('sanc.org.facts')}</h2>
          <dl className="facts">
            <div>
              <dt>{t('org.uscc')}</dt>
              <dd className="code">{o.uscc}</dd>
            </div>
            <div>
              <dt>{t('org.district')}</dt>
              <dd>{districtName(o.district, lang)}</dd>
            </div>
            <div>
              <dt>{t('org.roles')}</dt>
              <dd className="badges">
                {o.roles.map((r) => (
                  <Badge key={r} tone="info">
                    {t(`role.${r}` as MessageKey)}
                  </Badge>
                ))}
              </dd>
            </div>
          </dl>
        </section>
      )}
      <section className="card" aria-labelledby="oversight-licences">
        <h2 id="oversight-licences">{t('lic.title')}</h2>
        {licences.state.status === 'error' ? (
          <LoadError error={licences.state.error} reload={licences.retry} />
        ) : licences.state.items.length === 0 ? (
          <p className="empty">{licences.state.status === 'loading' ? t('common.loading') : t('lic.none')}</p>
        ) : (
          <LicenceTable items={licences.state.items} testId="oversight-licences" />
        )}
        <p className="small">
          <Link to="/regulator/licences">{t('lic.review.title')} →</Link>
        </p>
      </section>
      <section className="card" aria-labelledby="oversight-trades-title">
        <h2 id="oversight-trades-title">{t('sanc.org.trades')}</h2>
        <OrgTrades orgId={id} />
      </section>
      <section className="card" aria-labelledby="oversight-sanctions">
        <h2 id="oversight-sanctions">{t('sanc.title')}</h2>
        <SanctionList orgId={id} />
      </section>
      {o && trading && me?.roles.includes('regulator') && (
        <SanctionForm
          orgId={id}
          orgName={o.name}
          {...(alertId ? { evidence: t('sanc.fromAlert', { id: alertId.slice(0, 8) }) } : {})}
          onDone={() => void credit.refetch()}
        />
      )}
    </div>
  );
}
