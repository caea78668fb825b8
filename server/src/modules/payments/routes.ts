import express, { type RequestHandler } from 'express';
import { route } from '../../http/route.js';
import { ZIdParams, ZPage } from '../../../../shared/src/schemas/common.js';
import {
  ZBankReferenceParams,
  ZBankTransfer,
  ZBankTransfersQuery,
  ZConfirmBankTransferRequest,
  ZPayRequest,
  ZPayResponse,
  ZPayment,
  ZTradePayment,
} from '../../../../shared/src/schemas/payments.js';
import type { PaymentsService } from './service.js';

export function paymentsRoutes({ payments }: { payments: PaymentsService }) {
  return [
    route({
      key: 'POST /trades/:id/pay',
      summary: 'Pay into escrow (payer only): a Stripe PaymentIntent, a bank-transfer reference, or the demo provider',
      tags: ['payments'],
      params: ZIdParams,
      body: ZPayRequest,
      response: ZPayResponse,
      handle: ({ actor, params, body }) => payments.pay(actor, params.id, body),
    }),
    route({
      key: 'GET /trades/:id/payment',
      summary: "The trade's payment and refund, as its parties see them (null before anyone paid)",
      tags: ['payments'],
      params: ZIdParams,
      response: ZTradePayment,
      handle: ({ actor, params }) => payments.getPayment(actor, params.id),
    }),
    route({
      key: 'GET /payments/bank-transfers',
      summary: 'Bank transfers to confirm (admin)',
      tags: ['payments'],
      query: ZBankTransfersQuery,
      response: ZPage(ZBankTransfer),
      handle: ({ actor, query }) => payments.listBankTransfers(actor, query),
    }),
    route({
      key: 'POST /payments/bank-transfers/:reference/confirm',
      summary: 'Confirm receipt of a bank transfer (admin, audited): the trade is funded',
      tags: ['payments'],
      params: ZBankReferenceParams,
      body: ZConfirmBankTransferRequest,
      response: ZPayment,
      handle: ({ actor, params, body }) => payments.confirmBankTransfer(actor, params.reference, body),
    }),
  ];
}

/** Largest webhook body accepted; Stripe's events are far smaller. */
const WEBHOOK_BODY_LIMIT = '512kb';

/**
 * POST /api/v1/payments/stripe/webhook, mounted by app.ts before any JSON parser and outside the
 * route table: Stripe authenticates by signature over the raw bytes, not with a token, so the body
 * must reach the SDK exactly as sent (RELIABILITY M5).
 */
export function stripeWebhookHandlers({ payments }: { payments: PaymentsService }): RequestHandler[] {
  const handle: RequestHandler = async (req, res) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const result = await payments.handleStripeWebhook(raw, req.get('Stripe-Signature'));
    res.status(200).json(result);
  };
  return [express.raw({ type: 'application/json', limit: WEBHOOK_BODY_LIMIT }), handle];
}

/** The webhook in the OpenAPI document (it is outside the route table, so app.ts adds it by hand). */
export const STRIPE_WEBHOOK_OPENAPI = {
  '/api/v1/payments/stripe/webhook': {
    post: {
      operationId: 'postPaymentsStripeWebhook',
      summary: 'Stripe event delivery (payment_intent.succeeded, payment_failed, canceled): applied once per event id',
      tags: ['payments'],
      description:
        'Called by Stripe, not by clients. Authenticated by the Stripe-Signature header over the raw body ' +
        '(no bearer token); a repeated event id is acknowledged without being applied again. 404 where Stripe is not configured.',
      security: [],
      parameters: [
        {
          name: 'Stripe-Signature',
          in: 'header',
          required: true,
          schema: { type: 'string' },
          description: "Stripe's t=…,v1=… signature",
        },
      ],
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: {
              type: 'object',
              description: 'A Stripe Event object, verified byte for byte',
              required: ['id', 'type', 'data'],
              properties: { id: { type: 'string' }, type: { type: 'string' }, data: { type: 'object' } },
            },
          },
        },
      },
      responses: {
        '200': {
          description: 'received (and applied unless duplicate)',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['received', 'duplicate', 'outcome'],
                properties: { received: { const: true }, duplicate: { type: 'boolean' }, outcome: { type: 'string' } },
              },
            },
          },
        },
        '400': { $ref: '#/components/responses/BadRequest' },
        '404': { $ref: '#/components/responses/NotFound' },
      },
    },
  },
};
