import { route } from '../../http/route.js';
import { ZIdParams, ZPage } from '../../../../shared/src/schemas/common.js';
import {
  ZCreateSanctionRequest,
  ZCreateSubscriptionRequest,
  ZCreditFeedPage,
  ZCreditFeedQuery,
  ZCreditHistoryEntry,
  ZCreditHistoryQuery,
  ZCreditScore,
  ZDeliveriesQuery,
  ZDelivery,
  ZSanction,
  ZSanctionsQuery,
  ZSubscription,
  ZSubscriptionList,
} from '../../../../shared/src/schemas/credit.js';
import { z } from 'zod';
import type { CreditService } from './service.js';

export function creditRoutes({ credit }: { credit: CreditService }) {
  return [
    route({
      key: 'GET /credit/orgs/:id',
      summary: "An org's credit score, level and factor contributions (itself, its trading parties, regulators, credit agencies)",
      tags: ['credit'],
      params: ZIdParams,
      response: ZCreditScore,
      handle: ({ actor, params }) => credit.getScore(actor, params.id),
    }),
    route({
      key: 'GET /credit/orgs/:id/history',
      summary: "An org's stored credit evaluations, newest first",
      tags: ['credit'],
      params: ZIdParams,
      query: ZCreditHistoryQuery,
      response: ZPage(ZCreditHistoryEntry),
      handle: ({ actor, params, query }) => credit.getHistory(actor, params.id, query),
    }),
    route({
      key: 'GET /credit/feed',
      summary: 'Changes of credit scores and levels, in order, with a stable event id and a per-org sequence',
      tags: ['credit'],
      query: ZCreditFeedQuery,
      response: ZCreditFeedPage,
      handle: ({ query }) => credit.getFeed(query),
    }),
    route({
      key: 'POST /credit/subscriptions',
      summary: 'Subscribe a webhook to the credit feed (credit agencies); deliveries are signed with the secret',
      tags: ['credit'],
      body: ZCreateSubscriptionRequest,
      response: ZSubscription,
      status: 201,
      handle: ({ actor, body }) => credit.createSubscription(actor, body),
    }),
    route({
      key: 'GET /credit/subscriptions',
      summary: "Your org's webhook subscriptions with delivery counts",
      tags: ['credit'],
      query: z.strictObject({}),
      response: ZSubscriptionList,
      handle: ({ actor }) => credit.listSubscriptions(actor),
    }),
    route({
      key: 'DELETE /credit/subscriptions/:id',
      summary: 'Stop a webhook subscription; deliveries not made yet are cancelled',
      tags: ['credit'],
      params: ZIdParams,
      response: ZSubscription,
      handle: ({ actor, params }) => credit.deleteSubscription(actor, params.id),
    }),
    route({
      key: 'GET /credit/deliveries',
      summary: "Your subscriptions' deliveries: status, attempts, last answer",
      tags: ['credit'],
      query: ZDeliveriesQuery,
      response: ZPage(ZDelivery),
      handle: ({ actor, query }) => credit.listDeliveries(actor, query),
    }),
    route({
      key: 'POST /regulator/sanctions',
      summary: 'Record a sanction against an org in your scope (regulators; audited); it feeds the credit score',
      tags: ['credit'],
      body: ZCreateSanctionRequest,
      response: ZSanction,
      status: 201,
      handle: ({ actor, body }) => credit.createSanction(actor, body),
    }),
    route({
      key: 'GET /regulator/sanctions',
      summary: 'Sanctions of orgs in your scope, newest first (regulators, admin)',
      tags: ['credit'],
      query: ZSanctionsQuery,
      response: ZPage(ZSanction),
      handle: ({ actor, query }) => credit.listSanctions(actor, query),
    }),
  ];
}
