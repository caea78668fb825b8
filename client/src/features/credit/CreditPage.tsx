import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { Alert } from '../../components/Alert';
import { CreditChip } from '../../components/CreditChip';
import { QueryState } from '../../components/QueryState';
import { useI18n, type MessageKey } from '../../i18n';
import { formatDateTime } from '../../lib/units';
import type { Me } from '../auth/api';
import { RequireSignIn } from '../auth/components/RequireSignIn';
import { LiveBadge } from '../listings/components/LiveBadge';
import { useLive } from '../realtime/LiveFeed';
import { creditApi, creditKeys } from './api';
import { FactorBars } from './components/FactorBars';
import { ScoreChart } from './components/ScoreChart';
import './credit.css';

/** GET /credit/orgs/:id with its history: score, level colour, factor bars and the history chart. */
export function CreditPage() {
  return <RequireSignIn>{(me) => <Credit me={me} />}</RequireSignIn>;
}

function Credit({ me }: { me: Me }) {
  const { t, lang } = useI18n();
  const { orgId = '' } = useParams();
  const query = useQuery({
    queryKey: creditKeys.org(orgId),
    queryFn: ({ signal }) =>
      Promise.all([
        creditApi.score(orgId, signal),
        creditApi.history(orgId, null, 100, signal),
        creditApi
          .org(orgId, signal)
          .then((o) => o.name)
          .catch(() => null),
      ]).then(([score, history, orgName]) => ({ score, history: history.items, orgName })),
  });

  // credit.changed reaches the org's own room (DESIGN §8) and refetches (realtime/invalidation.ts).
  const live = useLive({});
  const own = me.org?.id === orgId;

  return (
    <div className="page credit-page" data-testid="credit-page">
      <p className="back-link">
        {own ? <Link to="/org">← {t('creditPage.back.org')}</Link> : <Link to="/market">← {t('listing.back')}</Link>}
      </p>
      <QueryState
        query={query}
        notFound={
          <Alert tone="info" testId="credit-not-visible">
            {t('creditPage.notVisible')}
          </Alert>
        }
      >
        {(data) => (
          <>
            <header className="page__header page__header--row">
              <div>
                <p className="eyebrow">{t('creditPage.eyebrow')}</p>
                <h1 data-testid="credit-org-name">{data.orgName ?? orgId}</h1>
              </div>
              {own && <LiveBadge status={live} />}
            </header>

            <section
              className="card credit-summary"
              aria-labelledby="credit-score-title"
              data-testid="credit-summary"
              data-level={data.score.level}
            >
              <h2 id="credit-score-title" className="visually-hidden">
                {t('creditPage.score')}
              </h2>
              <div className={`credit-score credit-score--${data.score.level}`}>
                <span className="credit-score__value" data-testid="credit-score">
                  {data.score.score}
                </span>
                <span className="credit-score__max">/ 100</span>
              </div>
              <div className="credit-summary__facts">
                <CreditChip level={data.score.level} />
                {data.score.levelReason === 'serious_sanction' && (
                  <p className="credit-summary__reason" data-testid="credit-level-reason">
                    {t('creditPage.reason.serious')}
                  </p>
                )}
                {data.score.level === 'black' && <p className="small">{t('creditPage.effect.black')}</p>}
                {data.score.level === 'red' && <p className="small">{t('creditPage.effect.red')}</p>}
                <p className="muted small">
                  {t('creditPage.model', {
                    model: data.score.scoringModel,
                    at: formatDateTime(data.score.computedAt, lang),
                    neutral: data.score.neutralScore,
                  })}
                </p>
              </div>
            </section>

            <div className="material__grid">
              <section className="card" aria-labelledby="credit-factors-title">
                <h2 id="credit-factors-title">{t('creditPage.factors')}</h2>
                <FactorBars score={data.score} />
              </section>
              <section className="card" aria-labelledby="credit-history-title">
                <h2 id="credit-history-title">{t('creditPage.history')}</h2>
                <ScoreChart history={data.history} neutral={data.score.neutralScore} />
                {data.history.length > 0 && (
                  <table className="table table--compact" data-testid="credit-history">
                    <thead>
                      <tr>
                        <th scope="col">{t('creditPage.history.at')}</th>
                        <th scope="col">{t('creditPage.history.score')}</th>
                        <th scope="col">{t('creditPage.history.level')}</th>
                        <th scope="col">{t('creditPage.history.trigger')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {data.history.slice(0, 20).map((h) => (
                        <tr key={h.seq} data-testid="credit-history-row">
                          <td>{formatDateTime(h.computedAt, lang)}</td>
                          <td>
                            {h.previousScore} → <strong>{h.score}</strong>
                          </td>
                          <td>
                            {h.previousLevel === h.level ? (
                              t(`credit.${h.level}` as MessageKey)
                            ) : (
                              <>
                                {t(`credit.${h.previousLevel}` as MessageKey)} →{' '}
                                <strong>{t(`credit.${h.level}` as MessageKey)}</strong>
                              </>
                            )}
                          </td>
                          <td>{t(h.trigger === 'decay' ? 'creditPage.trigger.decay' : 'creditPage.trigger.event')}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                )}
              </section>
            </div>
            <p className="muted small">{t('creditPage.explain')}</p>
          </>
        )}
      </QueryState>
    </div>
  );
}
