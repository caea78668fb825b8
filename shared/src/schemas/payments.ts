import { z } from 'zod';
import { zText, zMultilineText } from './text.js';

/** Payment providers behind one interface (DESIGN §4, §5.5); PAYMENT_PROVIDER picks the default. */
export const PAYMENT_PROVIDERS = ['simulated', 'stripe', 'bank_transfer'] as const;
export type TPaymentProvider = (typeof PAYMENT_PROVIDERS)[number];

/** The largest amount of one Stripe PaymentIntent, in fen; larger trades are paid by bank transfer. */
export const STRIPE_MAX_AMOUNT_FEN = 99_999_999;

/** What a bank-transfer reference looks like: ZWX, the trade's sequence number (8+ digits), two check digits. */
export const BANK_REFERENCE_PATTERN = /^ZWX\d{10,18}$/;

export const PAYMENT_STATUSES = ['pending', 'processing', 'succeeded', 'canceled'] as const;
export type TPaymentStatus = (typeof PAYMENT_STATUSES)[number];

export const ZPayRequest = z.strictObject({
  /** Omitted: the deployment's provider (bank_transfer when Stripe cannot take the amount). */
  provider: z.enum(PAYMENT_PROVIDERS).optional(),
});
export type TPayRequest = z.infer<typeof ZPayRequest>;

/** The platform's receiving account for bank transfers (BANK_ACCOUNT_NAME, BANK_ACCOUNT_NUMBER, BANK_NAME). */
export const ZBankAccount = z.object({
  name: z.string(),
  number: z.string(),
  bank: z.string(),
});
export type TBankAccount = z.infer<typeof ZBankAccount>;

/** POST /trades/:id/pay (DESIGN §7): what the payer does next, per provider. */
export const ZPayResponse = z.discriminatedUnion('provider', [
  z.object({
    provider: z.literal('stripe'),
    paymentIntentId: z.string(),
    /** For Stripe.js in the payer's browser; confirming the card there captures the payment. */
    clientSecret: z.string(),
    amountFen: z.number().int(),
    currency: z.literal('cny'),
    status: z.enum(PAYMENT_STATUSES),
  }),
  z.object({
    provider: z.literal('bank_transfer'),
    /** Quote it on the transfer; the platform operator confirms receipt against it. */
    reference: z.string(),
    amountFen: z.number().int(),
    status: z.enum(PAYMENT_STATUSES),
    /** Where to transfer; null when the deployment has not configured it (outside production). */
    account: ZBankAccount.nullable(),
  }),
  z.object({
    provider: z.literal('simulated'),
    status: z.literal('funded'),
    amountFen: z.number().int(),
    /** Always true: no money moved. The embedded deployment's demo provider. */
    demo: z.literal(true),
    notice: z.string(),
  }),
  z.object({
    /** Nothing to pay (the amount rounds to 0 fen and no eco fee is due): funded at once. */
    provider: z.literal('none'),
    status: z.literal('funded'),
    amountFen: z.literal(0),
  }),
]);
export type TPayResponse = z.infer<typeof ZPayResponse>;

/** GET /trades/:id/payment: the trade's payment as its parties see it, or null before anyone paid. */
export const ZPayment = z.object({
  tradeId: z.uuid(),
  provider: z.enum(PAYMENT_PROVIDERS),
  status: z.enum(PAYMENT_STATUSES),
  amountFen: z.number().int(),
  currency: z.literal('cny'),
  /** bank_transfer only, and only for the payer and overseers. */
  reference: z.string().nullable(),
  /** bank_transfer only, with the reference: the platform's receiving account, when configured. */
  bankAccount: ZBankAccount.nullable(),
  paymentIntentId: z.string().nullable(),
  /** The simulated provider: no money moved. */
  demo: z.boolean(),
  createdAt: z.string(),
  confirmedAt: z.string().nullable(),
  /** The remainder returned to the payer at settlement, when there was one. */
  refund: z.object({ amountFen: z.number().int(), status: z.enum(['pending', 'succeeded', 'failed', 'canceled']) }).nullable(),
});
export type TPayment = z.infer<typeof ZPayment>;
export const ZTradePayment = z.object({ payment: ZPayment.nullable() });
export type TTradePayment = z.infer<typeof ZTradePayment>;

export const ZCancelTradeRequest = z.strictObject({
  reason: zMultilineText().trim().min(1).max(500).optional(),
});
export type TCancelTradeRequest = z.infer<typeof ZCancelTradeRequest>;

export const ZResolveTradeRequest = z.strictObject({
  /** The weight the admin decides was accepted; capped at the trade's quantity. */
  acceptedKg: z.number().int().min(0).max(1_000_000_000),
  note: zMultilineText().trim().min(1, 'say why').max(2000),
});
export type TResolveTradeRequest = z.infer<typeof ZResolveTradeRequest>;

// Any short string: a reference that is malformed, mistyped (check digits) or unknown is simply not found.
export const ZBankReferenceParams = z.strictObject({
  reference: zText().trim().min(1).max(40),
});

export const ZConfirmBankTransferRequest = z.strictObject({
  /** The amount received, in fen: must equal what the payer owes (a typo guard). */
  amountFen: z.number().int().positive(),
  note: zMultilineText().trim().min(1).max(500).optional(),
});
export type TConfirmBankTransferRequest = z.infer<typeof ZConfirmBankTransferRequest>;

export const ZBankTransfer = z.object({
  reference: z.string(),
  tradeId: z.uuid(),
  payerOrgId: z.uuid(),
  payerName: z.string(),
  amountFen: z.number().int(),
  status: z.enum(PAYMENT_STATUSES),
  tradeStatus: z.string(),
  createdAt: z.string(),
  confirmedAt: z.string().nullable(),
});
export type TBankTransfer = z.infer<typeof ZBankTransfer>;

export const ZBankTransfersQuery = z.strictObject({
  status: z.enum(['pending', 'succeeded']).optional(),
  cursor: zText().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type TBankTransfersQuery = z.infer<typeof ZBankTransfersQuery>;

/** What the owner of a trade's money owes at funding: the amount, plus the eco fee when the generator pays. */
export function owedAtFunding(t: {
  amountFen: number;
  ecoCompensationFen: number;
  payerOrgId: string | null;
  generatorOrgId: string;
}): number {
  if (!t.payerOrgId) return 0;
  return t.amountFen + (t.payerOrgId === t.generatorOrgId ? t.ecoCompensationFen : 0);
}
