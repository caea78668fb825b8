/**
 * Payment providers behind one interface (DESIGN §4, §5.5). A provider collects the payer's money
 * into escrow and, at settlement, returns the remainder. The payments service stores every request
 * and its idempotency key before calling a provider, and replays the stored request on each retry;
 * a provider never makes up a key of its own.
 *
 *   simulated      the embedded demo: funded the moment the payer asks; no money moves.
 *   bank_transfer  the payer transfers to the platform's account quoting a reference; an admin
 *                  confirms receipt. Refunds are owed to the payer (its payable) and paid out offline.
 *   stripe         a PaymentIntent in CNY, captured when the payer confirms it; refunds through Stripe.
 *
 * A licensed domestic payment and custody provider plugs in here (docs/decisions/0004).
 */
import type { TPaymentProvider } from '../../../../shared/src/schemas/payments.js';
import { Accounts } from '../ledger/index.js';
import type { PaymentRow, PaymentStatus, RefundRow } from './repo.js';
import type { StripeClient, StripePaymentIntent, StripeRefund } from './stripe.js';

export interface StartedPayment {
  /** The provider's view right after the call; null when our database is the only record. */
  state: ProviderPaymentState | null;
  /** Stripe: for Stripe.js in the payer's browser. */
  clientSecret: string | null;
}

/** What the provider says about a payment now. */
export interface ProviderPaymentState {
  status: PaymentStatus;
  providerRef: string;
  amountFen: number;
  /** Money actually captured; funding needs it to equal the payment's amount. */
  amountReceivedFen: number;
  currency: string;
  /** Our payment id as the provider echoes it (metadata), to match a payment whose ref was never stored. */
  paymentId: string | null;
}

export interface RefundOutcome {
  status: RefundRow['status'];
  providerRef: string | null;
}

export interface PaymentProvider {
  readonly name: TPaymentProvider;
  /** Funded as soon as it starts (the demo provider): no money moves. */
  readonly fundsAtOnce: boolean;
  /** Whether a remainder goes back through the provider (a stored refund and a call) or is owed. */
  readonly refundsThroughProvider: boolean;
  /** The request stored with the idempotency key, before the first call. */
  buildRequest(p: { paymentId: string; tradeId: string; amountFen: number }): Record<string, unknown>;
  /** Starts (or, for a stored key, resumes) collecting the payment. */
  start(payment: PaymentRow): Promise<StartedPayment>;
  /** The provider's view of the payment; null when our database is the only record (bank transfer). */
  read(payment: PaymentRow): Promise<ProviderPaymentState | null>;
  /** Stops a payment not made yet; returns the status it ended in (succeeded: too late to stop). */
  cancel(payment: PaymentRow): Promise<PaymentStatus>;
  /** The ledger account a settlement's remainder goes to for this payer. */
  refundAccount(payerOrgId: string): string;
  /** Sends a stored refund (its key included); only when refundsThroughProvider. */
  refund(refund: RefundRow): Promise<RefundOutcome>;
  readRefund(refund: RefundRow): Promise<RefundOutcome | null>;
}

/** Our idempotency keys: the trade and the step, versioned so a changed request shape gets new keys. */
export const IdempotencyKeys = {
  fund: (tradeId: string) => `zwx-trade-${tradeId}-fund-v1`,
  cancel: (tradeId: string) => `zwx-trade-${tradeId}-cancel-v1`,
  refund: (tradeId: string) => `zwx-trade-${tradeId}-refund-v1`,
} as const;

export const simulatedProvider: PaymentProvider = {
  name: 'simulated',
  fundsAtOnce: true,
  refundsThroughProvider: false,
  buildRequest: ({ amountFen }) => ({ amountFen, demo: true }),
  start: async () => ({ state: null, clientSecret: null }),
  read: async () => null,
  cancel: async () => 'canceled',
  // The demo returns the remainder at once, through the same make-believe channel it came in by.
  refundAccount: () => Accounts.clearing('simulated'),
  refund: async () => ({ status: 'succeeded', providerRef: null }),
  readRefund: async () => null,
};

export const bankTransferProvider: PaymentProvider = {
  name: 'bank_transfer',
  fundsAtOnce: false,
  refundsThroughProvider: false,
  buildRequest: ({ amountFen }) => ({ amountFen, currency: 'cny' }),
  start: async () => ({ state: null, clientSecret: null }),
  read: async () => null,
  cancel: async (payment) => (payment.status === 'succeeded' ? 'succeeded' : 'canceled'),
  // The operator pays the remainder back by bank transfer; until then the platform owes it.
  refundAccount: (payerOrgId) => Accounts.payable(payerOrgId),
  refund: async () => {
    throw new Error('bank transfers are refunded offline; the remainder is owed to the payer');
  },
  readRefund: async () => null,
};

function intentStatus(intent: Pick<StripePaymentIntent, 'status'>): PaymentStatus {
  switch (intent.status) {
    case 'succeeded':
      return 'succeeded';
    case 'canceled':
      return 'canceled';
    case 'processing':
    case 'requires_capture':
      return 'processing';
    default:
      return 'pending';
  }
}

function refundStatus(r: Pick<StripeRefund, 'status'>): RefundRow['status'] {
  switch (r.status) {
    case 'succeeded':
      return 'succeeded';
    case 'failed':
      return 'failed';
    case 'canceled':
      return 'canceled';
    default:
      return 'pending';
  }
}

export function intentState(intent: StripePaymentIntent): ProviderPaymentState {
  return {
    status: intentStatus(intent),
    providerRef: intent.id,
    amountFen: intent.amount,
    amountReceivedFen: intent.amount_received ?? 0,
    currency: intent.currency,
    paymentId: typeof intent.metadata?.payment_id === 'string' ? intent.metadata.payment_id : null,
  };
}

export function stripeProvider(stripe: StripeClient): PaymentProvider {
  return {
    name: 'stripe',
    fundsAtOnce: false,
    refundsThroughProvider: true,
    buildRequest: ({ paymentId, tradeId, amountFen }) => ({
      amount: amountFen,
      currency: 'cny',
      // Captured when the payer confirms: a card hold expires in days, a manifest takes longer.
      capture_method: 'automatic',
      payment_method_types: ['card'],
      description: `Zero-Waste Exchange trade ${tradeId}: payment into escrow`,
      metadata: { trade_id: tradeId, payment_id: paymentId },
    }),
    async start(payment) {
      const intent = payment.providerRef
        ? await stripe.paymentIntents.retrieve(payment.providerRef)
        : await stripe.paymentIntents.create(payment.request as never, { idempotencyKey: payment.idempotencyKey });
      return { state: intentState(intent), clientSecret: intent.client_secret ?? null };
    },
    async read(payment) {
      // No stored id means the create call's answer was lost: replaying the stored request with its
      // key returns the intent it made (or makes it now), never a second one.
      const intent = payment.providerRef
        ? await stripe.paymentIntents.retrieve(payment.providerRef)
        : await stripe.paymentIntents.create(payment.request as never, { idempotencyKey: payment.idempotencyKey });
      return intentState(intent);
    },
    async cancel(payment) {
      if (!payment.providerRef) {
        const state = await this.read(payment);
        if (!state) return 'canceled';
        payment = { ...payment, providerRef: state.providerRef };
      }
      const current = await stripe.paymentIntents.retrieve(payment.providerRef!);
      if (current.status === 'succeeded' || current.status === 'canceled' || current.status === 'processing')
        return intentStatus(current);
      const canceled = await stripe.paymentIntents.cancel(
        payment.providerRef!,
        { cancellation_reason: 'abandoned' },
        { idempotencyKey: IdempotencyKeys.cancel(payment.tradeId) },
      );
      return intentStatus(canceled);
    },
    refundAccount: () => Accounts.clearing('stripe'),
    async refund(refund) {
      const r = await stripe.refunds.create(refund.request as never, { idempotencyKey: refund.idempotencyKey });
      return { status: refundStatus(r), providerRef: r.id };
    },
    async readRefund(refund) {
      if (!refund.providerRef) return null;
      const r = await stripe.refunds.retrieve(refund.providerRef);
      return { status: refundStatus(r), providerRef: r.id };
    },
  };
}
