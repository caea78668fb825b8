import { useQuery } from '@tanstack/react-query';
import { QueryState } from '../../components/QueryState';
import { useI18n } from '../../i18n';
import { ApiError } from '../../lib/api';
import { formatAmount, formatDateTime } from '../../lib/units';
import { districtName } from '../listings/labels';
import type { TLedgerEntry } from '../../../../shared/src/schemas/ledger.js';
import { paymentKeys, paymentsApi } from './api';
import { usePaymentsText, type PaymentsT } from './messages';

/** A ledger entry's account in words: whose escrow, which district's fund, which channel. */
export function accountLabel(
  e: Pick<TLedgerEntry, 'kind' | 'orgId' | 'district' | 'provider'>,
  pt: PaymentsT,
  lang: 'zh-CN' | 'en',
  parties?: { generatorOrgId: string; receiverOrgId: string },
): string {
  const org = (id: string | null) =>
    parties && id === parties.generatorOrgId
      ? pt('ledger.org.generator')
      : parties && id === parties.receiverOrgId
        ? pt('ledger.org.receiver')
        : (id ?? '—');
  switch (e.kind) {
    case 'escrow':
      return pt('ledger.account.escrow', { org: org(e.orgId) });
    case 'payable':
      return pt('ledger.account.payable', { org: org(e.orgId) });
    case 'platform_fee':
      return pt('ledger.account.platform_fee');
    case 'eco_fund':
      return pt('ledger.account.eco_fund', { district: districtName(e.district, lang) });
    case 'clearing':
      return pt('ledger.account.clearing', {
        provider: e.provider ? pt(`pay.provider.${e.provider as 'stripe' | 'simulated' | 'bank_transfer'}`) : '—',
      });
  }
}

/**
 * The trade's ledger for its parties (and regulators in scope): each transfer with its entries,
 * which always sum to zero, and what escrow still holds for the trade.
 */
export function TradeLedger({
  tradeId,
  parties,
}: {
  tradeId: string;
  parties?: { generatorOrgId: string; receiverOrgId: string };
}) {
  const { lang } = useI18n();
  const pt = usePaymentsText();
  // Trade events refetch it (realtime/invalidation.ts).
  const state = useQuery({ queryKey: paymentKeys.ledger(tradeId), queryFn: ({ signal }) => paymentsApi.ledger(tradeId, signal) });

  if (state.isError && state.error instanceof ApiError && state.error.status === 404) return null;
  return (
    <section className="card" aria-labelledby="trade-ledger" data-testid="trade-ledger">
      <h2 id="trade-ledger">{pt('ledger.title')}</h2>
      <p className="muted small">{pt('ledger.intro')}</p>
      <QueryState
        query={state}
        isEmpty={(d) => d.transfers.length === 0}
        empty={<p data-testid="ledger-empty">{pt('ledger.empty')}</p>}
      >
        {(data) => (
          <>
            <table className="table table--compact" data-testid="ledger-table">
              <thead>
                <tr>
                  <th>{pt('ledger.col.when')}</th>
                  <th>{pt('ledger.col.what')}</th>
                  <th>{pt('ledger.col.account')}</th>
                  <th className="num">{pt('ledger.col.amount')}</th>
                </tr>
              </thead>
              <tbody>
                {data.transfers.flatMap((tr) =>
                  tr.entries.map((e, i) => (
                    <tr key={`${tr.id}-${e.accountId}`} data-testid="ledger-entry" data-transfer={tr.kind}>
                      <td data-label={pt('ledger.col.when')}>{i === 0 ? formatDateTime(tr.createdAt, lang) : ''}</td>
                      <td data-label={pt('ledger.col.what')}>
                        {i === 0 ? (
                          <>
                            {pt(`ledger.kind.${tr.kind}`)}{' '}
                            <span className="muted small">{pt('ledger.sum', { sum: formatAmount(tr.sumFen) })}</span>
                          </>
                        ) : (
                          ''
                        )}
                      </td>
                      <td data-label={pt('ledger.col.account')}>{accountLabel(e, pt, lang, parties)}</td>
                      <td data-label={pt('ledger.col.amount')} className="num">
                        <span className="amount">{formatAmount(e.amountFen)}</span>
                      </td>
                    </tr>
                  )),
                )}
              </tbody>
            </table>
            <p className="muted" data-testid="ledger-held">
              {pt('ledger.held', { amount: formatAmount(data.escrowHeldFen) })}
            </p>
          </>
        )}
      </QueryState>
    </section>
  );
}
