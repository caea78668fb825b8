import { useState } from 'react';
import { Navigate, useLocation } from 'react-router';
import { ErrorAlert, LoadError } from '../../components/LoadError';
import { useI18n } from '../../i18n';
import { usePagedQuery } from '../../lib/query';
import { useSession } from '../auth/session';
import { DECISIONS_BY_STATUS, licenceKeys, licencesApi, useDecideLicence, type Licence, type LicenceDecision } from './api';
import { decisionKey, statusKey } from './labels';
import { LicenceTable } from './LicenceTable';
import { OrgName } from '../oversight/OrgName';
import './licences.css';

const FILTERS = ['pending', 'approved', 'suspended', 'rejected', 'revoked', ''] as const;

/** The regulator's (and admin's) licence review: pending applications first; approve, reject with a reason, suspend, reinstate, revoke. */
export function LicenceReviewPage() {
  const { t } = useI18n();
  const { session } = useSession();
  const location = useLocation();
  const [status, setStatus] = useState<string>('pending');
  const me = session.status === 'signedIn' ? session.me : null;
  const allowed = !!me && (me.roles.includes('regulator') || me.roles.includes('admin'));
  const list = usePagedQuery<Licence>({
    queryKey: licenceKeys.queue(status),
    label: status,
    fetchPage: (cursor, signal) => licencesApi.queue(status, cursor, signal),
    enabled: allowed,
  });

  if (session.status === 'loading') return <p role="status">{t('common.loading')}</p>;
  if (session.status === 'signedOut') return <Navigate to={`/signin?next=${encodeURIComponent(location.pathname)}`} replace />;
  if (!allowed) return <ErrorAlert error={new Error(t('lic.review.forbidden'))} />;

  return (
    <div className="page" data-testid="licence-review-page">
      <header className="page__header">
        <p className="eyebrow">{t('nav.regulator')}</p>
        <h1>{t('lic.review.title')}</h1>
        <p className="muted">{t('lic.review.intro')}</p>
      </header>
      <section className="card" aria-labelledby="lic-queue-title">
        <h2 id="lic-queue-title" className="visually-hidden">
          {t('lic.review.title')}
        </h2>
        <div className="filters filters--inline">
          <div className="field">
            <label className="field__label" htmlFor="lic-filter">
              {t('lic.status')}
            </label>
            <select
              id="lic-filter"
              className="input"
              value={status}
              onChange={(e) => setStatus(e.target.value)}
              data-testid="lic-filter"
            >
              {FILTERS.map((s) => (
                <option key={s} value={s}>
                  {s ? t(statusKey(s)) : t('common.all')}
                </option>
              ))}
            </select>
          </div>
        </div>
        {list.state.status === 'error' ? (
          <LoadError error={list.state.error} reload={list.retry} />
        ) : list.state.items.length === 0 ? (
          <p className="empty" data-testid="lic-queue-empty">
            {list.state.status === 'loading' ? t('common.loading') : t('lic.review.empty')}
          </p>
        ) : (
          <LicenceTable
            items={list.state.items}
            testId="lic-queue"
            org={(id) => <OrgName id={id} />}
            actions={(l) =>
              l.orgId === me?.org?.id ? (
                <span className="small muted">{t('lic.review.own')}</span>
              ) : (
                <Decide licence={l} key={`${l.id}:${l.status}`} />
              )
            }
          />
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

function Decide({ licence }: { licence: Licence }) {
  const { t } = useI18n();
  const decide = useDecideLicence();
  const [asking, setAsking] = useState<LicenceDecision | null>(null);
  const [note, setNote] = useState('');
  const [error, setError] = useState<unknown>(null);
  const options = DECISIONS_BY_STATUS[licence.status] ?? [];
  if (!options.length) return null;

  async function run(decision: LicenceDecision, withNote?: string) {
    setError(null);
    try {
      await decide.mutateAsync({ id: licence.id, decision, ...(withNote ? { note: withNote } : {}) });
      setAsking(null);
      setNote('');
    } catch (err) {
      setError(err);
    }
  }

  if (asking) {
    const needsReason = asking === 'reject';
    return (
      <div className="lic-decide" data-testid="lic-decide-form">
        <label className="field__label" htmlFor={`lic-note-${licence.id}`}>
          {needsReason ? t('lic.review.reason') : t('lic.review.note')}
        </label>
        <textarea
          id={`lic-note-${licence.id}`}
          className="input"
          rows={2}
          value={note}
          onChange={(e) => setNote(e.target.value)}
          data-testid="lic-decide-note"
        />
        {error !== null && <ErrorAlert error={error} />}
        <div className="lic-actions">
          <button
            type="button"
            className={`btn btn--small ${asking === 'approve' || asking === 'reinstate' ? 'btn--primary' : 'btn--danger'}`}
            disabled={decide.isPending || (needsReason && note.trim().length === 0)}
            onClick={() => void run(asking, note.trim() || undefined)}
            data-testid="lic-decide-confirm"
          >
            {t(decisionKey(asking))}
          </button>
          <button type="button" className="btn btn--ghost btn--small" onClick={() => setAsking(null)}>
            {t('lic.review.cancel')}
          </button>
        </div>
      </div>
    );
  }
  return (
    <div className="lic-actions">
      {options.map((d) => (
        <button
          key={d}
          type="button"
          className={`btn btn--small ${d === 'approve' || d === 'reinstate' ? 'btn--primary' : 'btn--secondary'}`}
          onClick={() => setAsking(d)}
          data-testid={`lic-${d}`}
        >
          {t(decisionKey(d))}
        </button>
      ))}
      {error !== null && <ErrorAlert error={error} />}
    </div>
  );
}
