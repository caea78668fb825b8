import { useCallback, useEffect, useState } from 'react';
import { Alert } from '../../components/Alert';
import { Badge } from '../../components/Badge';
import { useI18n } from '../../i18n';
import { errorText } from '../../lib/errors';
import { formatAmount } from '../../lib/units';
import { accountLabel } from '../payments/TradeLedger';
import { usePaymentsText } from '../payments/messages';
import type { TLedgerAccountKind } from '../../../../shared/src/schemas/ledger.js';
import { adminApi, type PlatformBalances } from './api';
import { AdminMoneyTabs } from './BankTransfersPage';
import { RequireAdmin } from './RequireAdmin';

// A value import of the shared schema would bring zod into the browser bundle; the type keeps this list honest.
const ACCOUNT_KINDS = ['escrow', 'payable', 'platform_fee', 'eco_fund', 'clearing'] as const satisfies readonly TLedgerAccountKind[];

export function BalancesPage() {
  return <RequireAdmin>{() => <Balances />}</RequireAdmin>;
}

type State = { status: 'loading' } | { status: 'ready'; data: PlatformBalances; orgs: PlatformBalances['orgAccounts']['items']; next: string | null } | { status: 'error'; error: unknown };

function Balances() {
  const { t, lang } = useI18n();
  const pt = usePaymentsText();
  const [state, setState] = useState<State>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const reload = useCallback(() => setAttempt((n) => n + 1), []);

  useEffect(() => {
    const controller = new AbortController();
    adminApi
      .balances(null, controller.signal)
      .then((data) => setState({ status: 'ready', data, orgs: data.orgAccounts.items, next: data.orgAccounts.nextCursor }))
      .catch((error: unknown) => {
        if (!controller.signal.aborted) setState({ status: 'error', error });
      });
    return () => controller.abort();
  }, [attempt]);

  async function more() {
    if (state.status !== 'ready' || !state.next) return;
    try {
      const page = await adminApi.balances(state.next);
      setState({ ...state, orgs: [...state.orgs, ...page.orgAccounts.items], next: page.orgAccounts.nextCursor });
    } catch (error) {
      setState({ status: 'error', error });
    }
  }

  return (
    <div className="page" data-testid="admin-balances">
      <AdminMoneyTabs />
      <h1>{pt('admin.balances.title')}</h1>
      <p className="muted">{pt('admin.balances.intro')}</p>
      {state.status === 'loading' && <p role="status">{t('common.loading')}</p>}
      {state.status === 'error' && (
        <Alert>
          {t('common.errorPrefix')}
          {errorText(state.error, t)}{' '}
          <button type="button" className="btn btn--link" onClick={reload}>
            {t('common.retry')}
          </button>
        </Alert>
      )}
      {state.status === 'ready' &&
        (() => {
          const { data } = state;
          const c = data.checks;
          const healthy = c.unbalancedTransfers === 0 && c.mismatchedBalances === 0 && c.sumOfBalancesFen === 0;
          return (
            <>
              <section className="card" aria-labelledby="balances-checks" data-testid="balances-checks" data-healthy={healthy}>
                <h2 id="balances-checks">
                  {pt('admin.balances.checks')}{' '}
                  <Badge tone={healthy ? 'success' : 'danger'}>{pt(healthy ? 'admin.balances.ok' : 'admin.balances.bad')}</Badge>
                </h2>
                <dl className="facts facts--compact">
                  <div>
                    <dt>{pt('admin.balances.check.transfers')}</dt>
                    <dd>{c.transfers}</dd>
                  </div>
                  <div>
                    <dt>{pt('admin.balances.check.unbalanced')}</dt>
                    <dd>{c.unbalancedTransfers}</dd>
                  </div>
                  <div>
                    <dt>{pt('admin.balances.check.mismatched')}</dt>
                    <dd>{c.mismatchedBalances}</dd>
                  </div>
                  <div>
                    <dt>{pt('admin.balances.check.sum')}</dt>
                    <dd>{formatAmount(c.sumOfBalancesFen)}</dd>
                  </div>
                </dl>
              </section>
              <section className="card" aria-labelledby="balances-totals">
                <h2 id="balances-totals">{pt('admin.balances.totals')}</h2>
                <dl className="facts facts--compact" data-testid="balances-totals">
                  {ACCOUNT_KINDS.map((k) => (
                    <div key={k}>
                      <dt>{pt(`admin.balances.kind.${k}`)}</dt>
                      <dd className="amount">{formatAmount(data.totals[k] ?? 0)}</dd>
                    </div>
                  ))}
                </dl>
              </section>
              <section className="card" aria-labelledby="balances-system">
                <h2 id="balances-system">{pt('admin.balances.system')}</h2>
                <table className="table table--compact" data-testid="balances-system">
                  <thead>
                    <tr>
                      <th>{pt('admin.balances.col.account')}</th>
                      <th className="num">{pt('admin.balances.col.balance')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.system.map((a) => (
                      <tr key={a.id} data-account={a.id}>
                        <td data-label={pt('admin.balances.col.account')}>{accountLabel(a, pt, lang)}</td>
                        <td data-label={pt('admin.balances.col.balance')} className="num">
                          <span className="amount">{formatAmount(a.balanceFen)}</span>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </section>
              <section className="card" aria-labelledby="balances-orgs">
                <h2 id="balances-orgs">{pt('admin.balances.orgs')}</h2>
                <table className="table table--compact" data-testid="balances-orgs">
                  <thead>
                    <tr>
                      <th>{pt('admin.balances.col.account')}</th>
                      <th>{pt('admin.balances.col.kind')}</th>
                      <th className="num">{pt('admin.balances.col.balance')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {state.orgs.map((a) => (
                      <tr key={a.id} data-account={a.id}>
                        <td data-label={pt('admin.balances.col.account')}>{a.orgName ?? a.orgId}</td>
                        <td data-label={pt('admin.balances.col.kind')}>{pt(`admin.balances.kind.${a.kind}`)}</td>
                        <td data-label={pt('admin.balances.col.balance')} className="num">
                          <span className="amount">{formatAmount(a.balanceFen)}</span>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                {state.next && (
                  <button type="button" className="btn btn--secondary" onClick={() => void more()}>
                    {t('catalogue.loadMore')}
                  </button>
                )}
              </section>
            </>
          );
        })()}
    </div>
  );
}
