/**
 * The Stripe client, configured once. The API version is pinned (the SDK's types describe exactly
 * this version, and Stripe answers in it whatever the account's default is); requests time out and
 * are retried a bounded number of times by the SDK. Every mutating call passes our own idempotency
 * key (RELIABILITY M2): the SDK's automatic key is new on each call, so it cannot dedupe our retries,
 * a redelivered job or a restarted process.
 */
import type Stripe from 'stripe';
import type { Config } from '../../config.js';

export const STRIPE_API_VERSION = '2026-10-28.endive' as const;
/** Per request; a slow Stripe fails the call, and the stored key makes the retry safe. */
const STRIPE_TIMEOUT_MS = 20_000;
/** The SDK's own retries on connection errors, 409 and 5xx; they reuse the key we pass. */
const STRIPE_MAX_NETWORK_RETRIES = 2;
/** Webhook signatures older than this are refused (RELIABILITY M5). */
export const STRIPE_WEBHOOK_TOLERANCE_SECONDS = 300;

export type StripeClient = Stripe;
export type StripePaymentIntent = Stripe.PaymentIntent;
export type StripeRefund = Stripe.Refund;

/** Null without a key; the SDK is loaded only then (≈ 16 MB of RSS a simulated-payments server need not hold). */
export async function createStripeClient(
  config: Pick<Config, 'STRIPE_SECRET_KEY' | 'STRIPE_API_HOST' | 'STRIPE_API_PORT' | 'STRIPE_API_PROTOCOL'>,
): Promise<Stripe | null> {
  if (!config.STRIPE_SECRET_KEY) return null;
  const { default: StripeSdk } = await import('stripe');
  return new StripeSdk(config.STRIPE_SECRET_KEY, {
    apiVersion: STRIPE_API_VERSION,
    timeout: STRIPE_TIMEOUT_MS,
    maxNetworkRetries: STRIPE_MAX_NETWORK_RETRIES,
    telemetry: false,
    appInfo: { name: 'zero-waste-exchange' },
    ...(config.STRIPE_API_HOST ? { host: config.STRIPE_API_HOST } : {}),
    ...(config.STRIPE_API_PORT ? { port: config.STRIPE_API_PORT } : {}),
    ...(config.STRIPE_API_PROTOCOL ? { protocol: config.STRIPE_API_PROTOCOL } : {}),
  });
}

/** Stripe errors that mean "not now" (network, timeouts, 5xx, rate limits): retry later with the same key. */
export function isTransientStripeError(err: unknown): boolean {
  const type = (err as { type?: string })?.type;
  return (
    type === 'StripeConnectionError' ||
    type === 'StripeAPIError' ||
    type === 'StripeRateLimitError' ||
    (err as { statusCode?: number })?.statusCode === 409
  );
}

export function isStripeIdempotencyError(err: unknown): boolean {
  return (err as { type?: string })?.type === 'StripeIdempotencyError';
}

export function isStripeSignatureError(err: unknown): boolean {
  return (err as { type?: string })?.type === 'StripeSignatureVerificationError';
}
