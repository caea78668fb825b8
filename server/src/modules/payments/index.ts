/** The payments module's public entry: what settlement uses (refunds, the payment of a trade) and the service. */
export {
  countRefundAttempt,
  createPaymentsService,
  paymentOfTrade,
  prepareRefund,
  recordRefundOutcome,
  type PaymentsService,
  type RefundRow,
} from './service.js';
export { providerFailure } from './errors.js';
export { createStripeClient, type StripeClient } from './stripe.js';
