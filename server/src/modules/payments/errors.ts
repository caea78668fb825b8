import { AppError, ErrorCodes } from '../../../../shared/src/errors.js';
import { isStripeIdempotencyError, isTransientStripeError } from './stripe.js';

export const tradeNotFound = () => new AppError(ErrorCodes.NOT_FOUND, 'no such trade');

export const notThePayer = (payerOrgId: string | null) =>
  new AppError(
    ErrorCodes.NOT_A_PARTY,
    payerOrgId ? 'only the payer of this trade pays into escrow' : 'a trade at price 0 has no payment',
  );

export const tradeState = (status: string, allowed: string[], message?: string) =>
  new AppError(
    ErrorCodes.INVALID_STATE,
    message ?? `the trade is ${status}; this needs it to be ${allowed.join(' or ') || 'in another state'}`,
    {
      status,
      allowed,
    },
  );

/**
 * A provider call that failed. Transient failures (network, timeouts, 5xx) are a 503: the stored
 * key makes a retry safe. Anything else is a bug or a refusal we do not expect, logged as a 500.
 */
export function providerFailure(err: unknown): Error {
  if (err instanceof AppError) return err;
  if (isTransientStripeError(err))
    return new AppError(ErrorCodes.UNAVAILABLE, 'the payment provider did not answer; try again (nothing is paid twice)');
  if (isStripeIdempotencyError(err))
    return new Error('Stripe refused the replay of a stored request: the stored request and its key disagree', { cause: err });
  return err instanceof Error ? err : new Error(String(err));
}
