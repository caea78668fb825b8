import { route } from '../../http/route.js';
import { z } from 'zod';
import {
  ZCreateFeedSubscriptionRequest,
  ZFeedPage,
  ZFeedParams,
  ZFeedQuery,
  ZFeedSubscription,
  ZFeedSubscriptionList,
  ZFeedSubscriptionParams,
} from '../../../../shared/src/schemas/clients.js';
import type { FeedsService } from './service.js';

export function feedsRoutes({ feeds }: { feeds: FeedsService }) {
  return [
    route({
      key: 'GET /feeds/:topic',
      summary:
        "A topic's events in order (machine clients with feeds:read:<topic>): stable event ids, a per-subject seq, a cursor in `after`",
      tags: ['feeds'],
      params: ZFeedParams,
      query: ZFeedQuery,
      response: ZFeedPage,
      handle: ({ actor, params, query }) => feeds.readTopic(actor, params.topic, query),
    }),
    route({
      key: 'POST /feeds/:topic/subscriptions',
      summary:
        "Subscribe a webhook to a topic (machine clients with feeds:read:<topic>; not credit, whose webhooks are the credit feed's); deliveries are signed with the secret",
      tags: ['feeds'],
      params: ZFeedParams,
      body: ZCreateFeedSubscriptionRequest,
      response: ZFeedSubscription,
      status: 201,
      handle: ({ actor, params, body }) => feeds.subscribe(actor, params.topic, body),
    }),
    route({
      key: 'GET /feeds/:topic/subscriptions',
      summary: "The client's webhook subscriptions to a topic, newest first",
      tags: ['feeds'],
      params: ZFeedParams,
      query: z.strictObject({}),
      response: ZFeedSubscriptionList,
      handle: ({ actor, params }) => feeds.listSubscriptions(actor, params.topic),
    }),
    route({
      key: 'DELETE /feeds/:topic/subscriptions/:id',
      summary: 'Stop a webhook subscription; deliveries not made yet are cancelled',
      tags: ['feeds'],
      params: ZFeedSubscriptionParams,
      response: ZFeedSubscription,
      handle: ({ actor, params }) => feeds.unsubscribe(actor, params.topic, params.id),
    }),
  ];
}
