import { route } from '../../http/route.js';
import { ZIdParams, ZPage } from '../../../../shared/src/schemas/common.js';
import { ZTrade, ZTradesQuery } from '../../../../shared/src/schemas/trades.js';
import type { TradesService } from './service.js';

export function tradesRoutes({ trades }: { trades: TradesService }) {
  return [
    route({
      key: 'GET /trades',
      summary: 'Trades you are a party to; regulators: trades with origin or destination in scope',
      tags: ['trades'],
      query: ZTradesQuery,
      response: ZPage(ZTrade),
      handle: ({ actor, query }) => trades.listTrades(actor, query),
    }),
    route({
      key: 'GET /trades/:id',
      summary: 'One trade (parties, regulators in scope)',
      tags: ['trades'],
      params: ZIdParams,
      response: ZTrade,
      handle: ({ actor, params }) => trades.getTrade(actor, params.id),
    }),
  ];
}
