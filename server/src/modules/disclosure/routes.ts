import { route } from '../../http/route.js';
import { ZPriceIndex, ZPriceIndexQuery } from '../../../../shared/src/schemas/prices.js';
import { ZYearQuery } from '../../../../shared/src/schemas/regulator.js';
import {
  ZPublicCreditList,
  ZPublicFlows,
  ZPublicFlowsQuery,
  ZPublicIndicators,
  ZPublicLicences,
} from '../../../../shared/src/schemas/public.js';
import type { DisclosureService } from './service.js';

export function disclosureRoutes({ disclosure }: { disclosure: DisclosureService }) {
  return [
    route({
      key: 'GET /public/prices',
      summary:
        'Public price index of one material: finished weeks with ≥ 3 generators and ≥ 3 receivers, thinner weeks merged into their month or suppressed (no sign-in)',
      tags: ['public'],
      query: ZPriceIndexQuery,
      response: ZPriceIndex,
      handle: ({ query }) => disclosure.prices(query),
    }),
    route({
      key: 'GET /public/flows',
      summary:
        'Trades by stream and finished month, no party named; a cell with fewer than 3 generators or 3 receivers is suppressed (no sign-in)',
      tags: ['public'],
      query: ZPublicFlowsQuery,
      response: ZPublicFlows,
      handle: ({ query }) => disclosure.flows(query),
    }),
    route({
      key: 'GET /public/indicators',
      summary: "The pilot plan's targets with what the platform measured, and the city-wide headline indicators (no sign-in)",
      tags: ['public'],
      query: ZYearQuery,
      response: ZPublicIndicators,
      handle: ({ query }) => disclosure.indicators(query.year),
    }),
    route({
      key: 'GET /public/credit',
      summary: 'Organisations at red or black credit, with the reasons in force (no sign-in)',
      tags: ['public'],
      response: ZPublicCreditList,
      handle: () => disclosure.credit(),
    }),
    route({
      key: 'GET /public/licences',
      summary: 'Licences suspended or revoked now, with the holder and the stated reason (no sign-in)',
      tags: ['public'],
      response: ZPublicLicences,
      handle: () => disclosure.licences(),
    }),
  ];
}
