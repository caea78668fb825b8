import { route } from '../../http/route.js';
import { ZIdParams } from '../../../../shared/src/schemas/common.js';
import { ZTrade } from '../../../../shared/src/schemas/trades.js';
import { ZCancelTradeRequest, ZResolveTradeRequest } from '../../../../shared/src/schemas/payments.js';
import type { SettlementService } from './service.js';

export function settlementRoutes({ settlement }: { settlement: SettlementService }) {
  return [
    route({
      key: 'POST /trades/:id/cancel',
      summary: 'Cancel a trade before it is funded (either party); a payment under way is stopped first',
      tags: ['trades'],
      params: ZIdParams,
      body: ZCancelTradeRequest,
      response: ZTrade,
      handle: ({ actor, params, body }) => settlement.cancelTrade(actor, params.id, body),
    }),
    route({
      key: 'POST /trades/:id/resolve',
      summary: 'Resolve a disputed trade on a chosen accepted weight (admin, audited); settlement follows',
      tags: ['trades'],
      params: ZIdParams,
      body: ZResolveTradeRequest,
      response: ZTrade,
      handle: ({ actor, params, body }) => settlement.resolveTrade(actor, params.id, body),
    }),
  ];
}
