import { route } from '../../http/route.js';
import { ZFeedPage, ZFeedParams, ZFeedQuery } from '../../../../shared/src/schemas/clients.js';
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
  ];
}
