import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Alert } from '../../components/Alert';
import { Badge, type BadgeTone } from '../../components/Badge';
import { ErrorAlert } from '../../components/LoadError';
import { useI18n } from '../../i18n';
import { formatAmount, formatDateTime } from '../../lib/units';
import { useSession } from '../auth/session';
import type { TTrade } from '../../../../shared/src/schemas/trades.js';
import type { TPayment } from '../../../../shared/src/schemas/payments.js';
import { paymentKeys, paymentsApi, useCancelTrade, usePay, type PayResponse, type PaymentProvider } from './api';
import { usePaymentsText } from './messages';

const STATUS_TONE: Record<TPayment['status'], BadgeTone> = {
  pending: 'warning',
  processing: 'info',
  succeeded: 'success',
  canceled: 'muted',
};

/** What the payer pays into escrow: the amount, plus the eco fee when the generator pays (DESIGN §5.5). */
export function owedFen(trade: Pick<TTrade, 'amountFen' | 'ecoCompensationFen' | 'payerOrgId' | 'generatorOrgId'>): number {
  if (!trade.payerOrgId) return 0;
  return trade.amountFen + (trade.payerOrgId === trade.generatorOrgId ? trade.ecoCompensationFen : 0);
}

/**
 * Payment state and actions on the trade page: the payer's pay buttons (the deployment's provider,
 * or a bank transfer), the bank reference to copy, the demo label of the simulated provider, the
 * refund of the remainder after settlement, and cancelling before payment. An action has the trade
 * and its payment read again (usePay, useCancelTrade; live `trade.updated` events do it too).
 */
export function TradePayment({ trade }: { trade: TTrade }) {
  const { lang } = useI18n();
  const pt = usePaymentsText();
  const { session } = useSession();
  const orgId = session.status === 'signedIn' ? (session.me.org?.id ?? null) : null;
  const [answer, setAnswer] = useState<PayResponse | null>(null);
  const [busy, setBusy] = useState(false);
  const [actionError, setError] = useState<unknown>(null);
  const [copied, setCopied] = useState(false);
  const payTrade = usePay();
  const cancelTrade = useCancelTrade();
  // Read again when the trade's status moves, and on its live events (realtime/invalidation.ts).
  const paymentQuery = useQuery({
    queryKey: paymentKeys.state(trade.id, trade.status),
    queryFn: ({ signal }) => paymentsApi.payment(trade.id, signal),
  });
  const payment: TPayment | null | undefined = paymentQuery.data?.payment;
  const error = actionError ?? paymentQuery.error;

  const isPayer = !!orgId && trade.payerOrgId === orgId;
  const isParty = !!orgId && (trade.generatorOrgId === orgId || trade.receiverOrgId === orgId);
  const owed = owedFen(trade);
  const awaiting = trade.status === 'awaiting_payment';

  /** Sends one payment action; its mutation has the payment and the trade read again. */
  async function act(send: () => Promise<void>) {
    setBusy(true);
    setError(null);
    try {
      await send();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  async function pay(provider?: PaymentProvider) {
    await act(async () => {
      setAnswer(await payTrade.mutateAsync({ tradeId: trade.id, provider }));
    });
  }

  async function cancel() {
    if (!window.confirm(pt('pay.cancel.confirm'))) return;
    await act(async () => {
      await cancelTrade.mutateAsync({ tradeId: trade.id });
    });
  }

  async function copy(text: string) {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
      setTimeout(() => setCopied(false), 2000);
    } catch {
      // Clipboard refused (insecure context): the reference stays selectable on the page.
    }
  }

  const reference =
    answer?.provider === 'bank_transfer' ? answer.reference : payment?.provider === 'bank_transfer' ? payment.reference : null;
  const bankAccount =
    answer?.provider === 'bank_transfer' ? answer.account : payment?.provider === 'bank_transfer' ? payment.bankAccount : null;
  const transferFen =
    answer?.provider === 'bank_transfer' ? answer.amountFen : payment?.provider === 'bank_transfer' ? payment.amountFen : owed;
  const intentId =
    answer?.provider === 'stripe' ? answer.paymentIntentId : payment?.provider === 'stripe' ? payment.paymentIntentId : null;
  const demo = answer?.provider === 'simulated' || payment?.demo === true;
  const provider = answer?.provider ?? payment?.provider ?? null;

  return (
    <section
      className="card"
      aria-labelledby="trade-payment"
      data-testid="trade-payment"
      data-payment-status={payment?.status ?? 'none'}
    >
      <h2 id="trade-payment">{pt('pay.title')}</h2>
      <p className="muted small">{pt('pay.intro')}</p>
      {!trade.payerOrgId ? (
        <p data-testid="payment-none">{pt('pay.noPayment')}</p>
      ) : (
        <dl className="facts">
          <div>
            <dt>{pt('pay.owed')}</dt>
            <dd data-testid="payment-owed">
              <strong>{formatAmount(owed)}</strong>{' '}
              <span className="muted small">
                {pt('pay.owed.explain', {
                  eco: trade.payerOrgId === trade.generatorOrgId && trade.ecoCompensationFen > 0 ? pt('pay.owed.withEco') : '',
                })}
              </span>
            </dd>
          </div>
          <div>
            <dt>{pt('pay.status')}</dt>
            <dd>
              {payment ? (
                <Badge tone={STATUS_TONE[payment.status]} testId="payment-status">
                  {pt(`pay.status.${payment.status}`)}
                </Badge>
              ) : (
                <Badge tone="muted" testId="payment-status">
                  {pt('pay.status.none')}
                </Badge>
              )}
            </dd>
          </div>
          {provider && (
            <div>
              <dt>{pt('pay.provider')}</dt>
              <dd data-testid="payment-provider">
                {pt(`pay.provider.${provider}`)} {demo && <Badge tone="warning">{pt('pay.provider.simulated')}</Badge>}
              </dd>
            </div>
          )}
          {payment?.confirmedAt && (
            <div>
              <dt>{pt('pay.status.succeeded')}</dt>
              <dd>{formatDateTime(payment.confirmedAt, lang)}</dd>
            </div>
          )}
          {payment?.refund && (
            <div>
              <dt>{pt('pay.refund')}</dt>
              <dd data-testid="payment-refund">
                {pt('pay.refund.value', {
                  amount: formatAmount(payment.refund.amountFen),
                  status: pt(`pay.refund.${payment.refund.status}`),
                })}
              </dd>
            </div>
          )}
        </dl>
      )}

      {demo && (
        <Alert tone="warning" testId="payment-demo">
          {pt('pay.demo')}
        </Alert>
      )}

      {reference && (payment?.status ?? 'pending') !== 'succeeded' && awaiting && (
        <Alert tone="info" testId="payment-bank">
          <p>{pt('pay.bank.instructions', { amount: formatAmount(transferFen) })}</p>
          <dl className="facts" data-testid="payment-bank-details">
            {bankAccount ? (
              <>
                <div>
                  <dt>{pt('pay.bank.accountName')}</dt>
                  <dd data-testid="payment-bank-account-name">{bankAccount.name}</dd>
                </div>
                <div>
                  <dt>{pt('pay.bank.accountNumber')}</dt>
                  <dd>
                    <code className="code" data-testid="payment-bank-account-number">
                      {bankAccount.number}
                    </code>
                  </dd>
                </div>
                <div>
                  <dt>{pt('pay.bank.bankName')}</dt>
                  <dd data-testid="payment-bank-name">{bankAccount.bank}</dd>
                </div>
              </>
            ) : (
              <div>
                <dt>{pt('pay.bank.accountName')}</dt>
                <dd data-testid="payment-bank-no-account">{pt('pay.bank.noAccount')}</dd>
              </div>
            )}
            <div>
              <dt>{pt('pay.bank.amount')}</dt>
              <dd data-testid="payment-bank-amount">
                <strong>{formatAmount(transferFen)}</strong>
              </dd>
            </div>
            <div>
              <dt>{pt('pay.bank.reference')}</dt>
              <dd>
                <code className="code" data-testid="payment-reference">
                  {reference}
                </code>{' '}
                {isPayer && (
                  <button
                    type="button"
                    className="btn btn--small btn--secondary"
                    onClick={() => void copy(reference)}
                    data-testid="payment-copy"
                  >
                    {copied ? pt('pay.copied') : pt('pay.copy')}
                  </button>
                )}
              </dd>
            </div>
          </dl>
        </Alert>
      )}

      {intentId && awaiting && (
        <Alert tone="info" testId="payment-stripe">
          <p>{pt('pay.stripe.instructions', { id: intentId })}</p>
          <p className="muted small">{pt('pay.stripe.noJs')}</p>
        </Alert>
      )}

      {error != null && <ErrorAlert error={error} testId="payment-error" />}

      {awaiting && !isPayer && trade.payerOrgId && isParty && <p className="muted">{pt('pay.waitPayer')}</p>}

      {awaiting && (isPayer || isParty) && (
        <div className="form__actions">
          {isPayer && payment?.provider !== 'bank_transfer' && payment?.provider !== 'stripe' && (
            <button
              type="button"
              className="btn btn--primary"
              disabled={busy}
              onClick={() => void pay()}
              data-testid="pay-button"
            >
              {busy ? pt('pay.paying') : pt('pay.button')}
            </button>
          )}
          {isPayer && !payment && (
            <button
              type="button"
              className="btn btn--secondary"
              disabled={busy}
              onClick={() => void pay('bank_transfer')}
              data-testid="pay-bank-button"
            >
              {pt('pay.button.bank')}
            </button>
          )}
          {isParty && (
            <button
              type="button"
              className="btn btn--ghost"
              disabled={busy}
              onClick={() => void cancel()}
              title={pt('pay.cancel.explain')}
              data-testid="cancel-trade"
            >
              {pt('pay.cancel')}
            </button>
          )}
        </div>
      )}
      {trade.status === 'cancelled' && <p className="muted">{pt('pay.cancelled')}</p>}
    </section>
  );
}
