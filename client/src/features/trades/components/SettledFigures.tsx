import { useQuery } from '@tanstack/react-query';
import { useI18n } from '../../../i18n';
import { formatAmount, formatTonnes } from '../../../lib/units';
import { paymentKeys, paymentsApi } from '../../payments/api';
import type { Trade } from '../api';
import type { MoneyRole } from './TradeBits';

/** The settlement's split as the ledger's settle transfer records it (server settlement/math.ts SettlementSplit). */
interface Split {
  acceptedKg: number;
  amountFen: number;
  platformFeeFen: number;
  ecoFen: number;
  payeeFen: number;
  refundFen: number;
  escrowFen: number;
}

function splitOf(details: Record<string, unknown>): Split | null {
  const keys = ['acceptedKg', 'amountFen', 'platformFeeFen', 'ecoFen', 'payeeFen', 'refundFen', 'escrowFen'] as const;
  if (!keys.every((k) => typeof details[k] === 'number')) return null;
  return details as unknown as Split;
}

/**
 * After settlement the trade page leads with what was settled (issue 13 item 5): the accepted weight,
 * the amount for it, the platform fee, the eco fee and what came back to the payer, then what we got
 * or paid in all. Read from the trade's ledger (the same query TradeLedger shows), so the figures are
 * the ones the money moved by.
 */
export function SettledFigures({ trade, role }: { trade: Trade; role: MoneyRole }) {
  const { t, lang } = useI18n();
  const ledger = useQuery({
    queryKey: paymentKeys.ledger(trade.id),
    queryFn: ({ signal }) => paymentsApi.ledger(trade.id, signal),
    enabled: trade.status === 'settled',
  });
  if (trade.status !== 'settled') return null;
  const settle = ledger.data?.transfers.find((x) => x.kind === 'settle');
  const s = settle ? splitOf(settle.details) : null;
  const row = (label: string, value: string, testId: string, note?: string) => (
    <div>
      <dt>{label}</dt>
      <dd data-testid={testId}>
        <strong>{value}</strong>
        {note && <span className="muted small"> {note}</span>}
      </dd>
    </div>
  );
  return (
    <section className="card trade-settled" aria-labelledby="trade-settled-title" data-testid="trade-settled">
      <h2 id="trade-settled-title">{t('tradeView.settled.title')}</h2>
      {!s && <p role="status">{ledger.isError ? t('tradeView.settled.unavailable') : t('common.loading')}</p>}
      {s && (
        <dl className="facts">
          {row(
            t('tradeView.settled.accepted'),
            formatTonnes(s.acceptedKg, lang),
            'settled-accepted',
            t('tradeView.settled.acceptedOf', { quantity: formatTonnes(trade.quantityKg, lang) }),
          )}
          {row(t('tradeView.settled.amount'), formatAmount(s.amountFen), 'settled-amount')}
          {row(t('tradeView.settled.platformFee'), formatAmount(s.platformFeeFen), 'settled-platform-fee')}
          {row(t('tradeView.settled.ecoFee'), formatAmount(s.ecoFen), 'settled-eco-fee')}
          {row(t('tradeView.settled.refund'), formatAmount(s.refundFen), 'settled-refund', t('tradeView.settled.refundNote'))}
          {role === 'payer' && row(t('tradeView.settled.wePaid'), formatAmount(s.escrowFen - s.refundFen), 'settled-net')}
          {role === 'payee' && row(t('tradeView.settled.weGot'), formatAmount(s.payeeFen), 'settled-net')}
        </dl>
      )}
    </section>
  );
}
