import { useState, type FormEvent } from 'react';
import { Link, Navigate, useLocation, useSearchParams } from 'react-router';
import { Badge } from '../../components/Badge';
import { ErrorAlert, LoadError } from '../../components/LoadError';
import { useI18n, type MessageKey } from '../../i18n';
import { usePagedQuery } from '../../lib/query';
import { useSession } from '../auth/session';
import { districtName } from '../listings/labels';
import { oversightApi, oversightKeys, type OrgProfile } from './api';
import '../licences/licences.css';

/** Regulators and the admin look organisations up by name or USCC, within their scope. */
export function OrgLookupPage() {
  const { t, lang } = useI18n();
  const { session } = useSession();
  const location = useLocation();
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const [text, setText] = useState(q);
  const me = session.status === 'signedIn' ? session.me : null;
  const allowed = !!me && (me.roles.includes('regulator') || me.roles.includes('admin'));
  const list = usePagedQuery<OrgProfile>({
    queryKey: oversightKeys.orgs(q),
    label: q,
    fetchPage: (cursor, signal) => oversightApi.searchOrgs(q, cursor, signal),
    enabled: allowed,
  });
  if (session.status === 'loading') return <p role="status">{t('common.loading')}</p>;
  if (session.status === 'signedOut') return <Navigate to={`/signin?next=${encodeURIComponent(location.pathname)}`} replace />;
  if (!allowed) return <ErrorAlert error={new Error(t('lic.review.forbidden'))} />;

  const search = (e: FormEvent) => {
    e.preventDefault();
    setParams(text.trim() ? { q: text.trim() } : {});
  };

  return (
    <div className="page" data-testid="org-lookup-page">
      <header className="page__header">
        <p className="eyebrow">{t('nav.regulator')}</p>
        <h1>{t('sanc.lookup.title')}</h1>
        <p className="muted">
          <Link to="/regulator/sanctions">{t('sanc.title')} →</Link> · <Link to="/regulator/bands">{t('band.title')} →</Link>
        </p>
      </header>
      <section className="card" aria-labelledby="org-search-title">
        <h2 id="org-search-title" className="visually-hidden">
          {t('sanc.lookup.title')}
        </h2>
        <form className="filters filters--inline" role="search" onSubmit={search}>
          <div className="field">
            <label className="field__label" htmlFor="org-q">
              {t('sanc.lookup.q')}
            </label>
            <input id="org-q" className="input" value={text} onChange={(e) => setText(e.target.value)} data-testid="org-q" />
          </div>
          <button type="submit" className="btn btn--primary" data-testid="org-search">
            {t('sanc.lookup.search')}
          </button>
        </form>
        {list.state.status === 'error' ? (
          <LoadError error={list.state.error} reload={list.retry} />
        ) : list.state.items.length === 0 ? (
          <p className="empty">{list.state.status === 'loading' ? t('common.loading') : t('sanc.lookup.none')}</p>
        ) : (
          <div className="lic-scroll">
            <table className="table table--compact" data-testid="org-results">
              <thead>
                <tr>
                  <th scope="col">{t('org.name')}</th>
                  <th scope="col">{t('org.uscc')}</th>
                  <th scope="col">{t('org.district')}</th>
                  <th scope="col">{t('org.roles')}</th>
                </tr>
              </thead>
              <tbody>
                {list.state.items.map((o) => (
                  <tr key={o.id} data-testid="org-result">
                    <td>
                      <Link to={`/regulator/orgs/${o.id}`}>{o.name}</Link>
                    </td>
                    <td className="code">{o.uscc}</td>
                    <td>{districtName(o.district, lang)}</td>
                    <td>
                      {o.roles.map((r) => (
                        <Badge key={r} tone="info">
                          {t(`role.${r}` as MessageKey)}
                        </Badge>
                      ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {list.state.nextCursor && (
          <button type="button" className="btn btn--secondary btn--small" onClick={list.loadMore}>
            {t('lic.more')}
          </button>
        )}
      </section>
    </div>
  );
}
