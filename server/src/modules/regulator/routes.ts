import { route } from '../../http/route.js';
import { ZPage } from '../../../../shared/src/schemas/common.js';
import {
  ZCapacity,
  ZFlowTrade,
  ZFlowTradesQuery,
  ZFlows,
  ZFlowsQuery,
  ZIndicators,
  ZYearQuery,
} from '../../../../shared/src/schemas/regulator.js';
import type { RegulatorService } from './service.js';
import { flowsCsv } from './csv.js';

/** Whether the caller asked for CSV (Accept: text/csv) rather than JSON. */
function wantsCsv(accept: string | undefined): boolean {
  return !!accept && /(^|,)\s*text\/csv\b/i.test(accept);
}

export function regulatorRoutes({ regulator }: { regulator: RegulatorService }) {
  return [
    route({
      key: 'GET /regulator/flows',
      summary:
        'Material flows between districts in scope (origin → receiver district), by district, category or material; Accept: text/csv exports',
      tags: ['regulator'],
      query: ZFlowsQuery,
      response: ZFlows,
      handle: async ({ actor, query, req, res }) => {
        const flows = await regulator.flows(actor, query);
        if (!wantsCsv(req.get('Accept'))) return flows;
        const name = `flows-${flows.from}-${flows.to}-${flows.groupBy}${flows.stream ? `-${flows.stream}` : ''}.csv`;
        res.status(200).type('text/csv; charset=utf-8').setHeader('Content-Disposition', `attachment; filename="${name}"`);
        res.send(flowsCsv(flows));
        return undefined;
      },
    }),
    route({
      key: 'GET /regulator/flows/trades',
      summary: 'Drill-down: the trades of one flow edge with their manifests, newest first',
      tags: ['regulator'],
      query: ZFlowTradesQuery,
      response: ZPage(ZFlowTrade),
      handle: ({ actor, query }) => regulator.flowTrades(actor, query),
    }),
    route({
      key: 'GET /regulator/indicators',
      summary: 'Programme indicators for a year (platform trades only), with definitions, beside the pilot plan’s targets',
      tags: ['regulator'],
      query: ZYearQuery,
      response: ZIndicators,
      handle: ({ actor, query }) => regulator.indicators(actor, query.year),
    }),
    route({
      key: 'GET /regulator/capacity',
      summary: 'Each licensed disposer in scope: permitted vs used annual capacity, with the codes its licences cover',
      tags: ['regulator'],
      query: ZYearQuery,
      response: ZCapacity,
      handle: ({ actor, query }) => regulator.capacity(actor, query.year),
    }),
  ];
}
