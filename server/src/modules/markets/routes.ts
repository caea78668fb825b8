import { route } from '../../http/route.js';
import { ZPage } from '../../../../shared/src/schemas/common.js';
import {
  ZMarketBook,
  ZMarketBookQuery,
  ZMarketOrderParams,
  ZMarketParams,
  ZMyOrdersQuery,
  ZOrder,
  ZPlaceOrderRequest,
  ZPrints,
  ZPrintsQuery,
} from '../../../../shared/src/schemas/markets.js';
import type { MarketsService } from './service.js';

export function marketsRoutes({ markets }: { markets: MarketsService }) {
  return [
    route({
      key: 'POST /markets/:code/orders',
      summary:
        'Post a limit order on a standardised grade’s market (buy: recycler, sell: generator); it fills at resting prices at once, the rest rests',
      tags: ['markets'],
      params: ZMarketParams,
      body: ZPlaceOrderRequest,
      response: ZOrder,
      status: 201,
      handle: ({ actor, params, body }) => markets.placeOrder(actor, params.code, body),
    }),
    route({
      key: 'DELETE /markets/:code/orders/:id',
      summary: 'Cancel what is left of your open order; its fills stay trades',
      tags: ['markets'],
      params: ZMarketOrderParams,
      response: ZOrder,
      handle: ({ actor, params }) => markets.cancelOrder(actor, params.code, params.id),
    }),
    route({
      key: 'GET /markets/:code/book',
      summary: 'Aggregated depth of a market, best first on each side (anonymous)',
      tags: ['markets'],
      params: ZMarketParams,
      query: ZMarketBookQuery,
      response: ZMarketBook,
      handle: ({ params, query }) => markets.getBook(params.code, query.levels),
    }),
    route({
      key: 'GET /markets/:code/trades',
      summary: 'Recent prints of a market, newest first, without their parties (anonymous)',
      tags: ['markets'],
      params: ZMarketParams,
      query: ZPrintsQuery,
      response: ZPrints,
      handle: ({ params, query }) => markets.listPrints(params.code, query.limit),
    }),
    route({
      key: 'GET /orders',
      summary: "Your organisation's market orders, newest first",
      tags: ['markets'],
      query: ZMyOrdersQuery,
      response: ZPage(ZOrder),
      handle: ({ actor, query }) => markets.listMyOrders(actor, query),
    }),
  ];
}
