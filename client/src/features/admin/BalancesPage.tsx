import type { ReactNode } from 'react';
import { useInfiniteQuery } from '@tanstack/react-query';
import { LEDGER_ACCOUNT_KINDS as ACCOUNT_KINDS } from '../../../../shared/src/enums.js';
import { Badge } from '../../components/Badge';
import { QueryState } from '../../components/QueryState';
import { useI18n } from '../../i18n';
import { formatAmount } from '../../lib/units';
import { accountLabel } from '../payments/TradeLedger';
import { usePaymentsText } from '../payments/messages';
import { adminApi, adminKeys } from './api';
import { AdminMoneyTabs } from './BankTransfersPage';
import { RequireAdmin } from './RequireAdmin';

export function BalancesPage() {
  return <RequireAdmin>{() => <Balances />}</RequireAdmin>;
}

function Balances() {
  const { t, lang } = useI18n();
  const pt = usePaymentsText();
  // The balances as first read, with the org accounts paged in so far; a failed page shows its error above them.
  const state = useInfiniteQuery({
    queryKey: adminKeys.balances(),
    queryFn: ({ pageParam, signal }) => adminApi.balances(pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.orgAccounts.nextCursor,
    select: (d) => ({
      data: d.pages[0]!,
      orgs: d.pages.flatMap((p) => p.orgAccounts.items),
      next: d.pages.at(-1)!.orgAccounts.nextCursor,
    }),
  });
  const more = () => state.fetchNextPage();

  return (
    <div className="page" data-testid="admin-balances">
      <AdminMoneyTabs />
      <h1>{pt('admin.balances.title')}</h1>
      <p className="muted">{pt('admin.balances.intro')}</p>
      <QueryState query={state}>
        {({ data, orgs, next }) => {
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
                  {(
                    [
                      [pt('admin.balances.check.transfers'), c.transfers],
                      [pt('admin.balances.check.unbalanced'), c.unbalancedTransfers],
                      [pt('admin.balances.check.mismatched'), c.mismatchedBalances],
                      [pt('admin.balances.check.sum'), formatAmount(c.sumOfBalancesFen)],
                    ] as const
                  ).map(([label, value]) => (
                    <div key={label}>
                      <dt>{label}</dt>
                      <dd>{value}</dd>
                    </div>
                  ))}
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
                <AccountsTable
                  testId="balances-system"
                  accounts={data.system.map((a) => ({ id: a.id, label: accountLabel(a, pt, lang), balanceFen: a.balanceFen }))}
                />
              </section>
              <section className="card" aria-labelledby="balances-orgs">
                <h2 id="balances-orgs">{pt('admin.balances.orgs')}</h2>
                <AccountsTable
                  testId="balances-orgs"
                  accounts={orgs.map((a) => ({
                    id: a.id,
                    label: a.orgName ?? a.orgId,
                    kind: pt(`admin.balances.kind.${a.kind}`),
                    balanceFen: a.balanceFen,
                  }))}
                  showKind
                />
                {next && (
                  <button type="button" className="btn btn--secondary" onClick={() => void more()}>
                    {t('catalogue.loadMore')}
                  </button>
                )}
              </section>
            </>
          );
        }}
      </QueryState>
    </div>
  );
}

interface AccountRow {
  id: string;
  label: ReactNode;
  kind?: string;
  balanceFen: number;
}

/** Accounts and their balances; `showKind` adds a column for each account's kind. */
function AccountsTable({ testId, accounts, showKind }: { testId: string; accounts: AccountRow[]; showKind?: boolean }) {
  const pt = usePaymentsText();
  return (
    <table className="table table--compact" data-testid={testId}>
      <thead>
        <tr>
          <th>{pt('admin.balances.col.account')}</th>
          {showKind && <th>{pt('admin.balances.col.kind')}</th>}
          <th className="num">{pt('admin.balances.col.balance')}</th>
        </tr>
      </thead>
      <tbody>
        {accounts.map((a) => (
          <tr key={a.id} data-account={a.id}>
            <td data-label={pt('admin.balances.col.account')}>{a.label}</td>
            {showKind && <td data-label={pt('admin.balances.col.kind')}>{a.kind}</td>}
            <td data-label={pt('admin.balances.col.balance')} className="num">
              <span className="amount">{formatAmount(a.balanceFen)}</span>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
