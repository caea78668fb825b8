import { route } from '../../http/route.js';
import { ZIdParams } from '../../../../shared/src/schemas/common.js';
import { ZBalancesQuery, ZPlatformBalances, ZTradeLedger } from '../../../../shared/src/schemas/ledger.js';
import type { LedgerService } from './service.js';

export function ledgerRoutes({ ledger }: { ledger: LedgerService }) {
  return [
    route({
      key: 'GET /trades/:id/ledger',
      summary: "The trade's ledger transfers with their entries; each transfer sums to zero",
      tags: ['payments'],
      params: ZIdParams,
      response: ZTradeLedger,
      handle: ({ actor, params }) => ledger.tradeLedger(actor, params.id),
    }),
    route({
      key: 'GET /admin/balances',
      summary: 'Platform balances: fee income, eco funds, clearing, org accounts, and the ledger invariants',
      tags: ['admin'],
      query: ZBalancesQuery,
      response: ZPlatformBalances,
      handle: ({ actor, query }) => ledger.platformBalances(actor, query),
    }),
  ];
}
