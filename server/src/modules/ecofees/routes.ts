import { route } from '../../http/route.js';
import { ZIdParams, ZPage } from '../../../../shared/src/schemas/common.js';
import { ZEcoRate, ZEcoRatesQuery, ZSetEcoRateRequest } from '../../../../shared/src/schemas/ecorates.js';
import type { EcoFeesService } from './service.js';

export function ecoFeesRoutes({ ecoFees }: { ecoFees: EcoFeesService }) {
  return [
    route({
      key: 'GET /eco-rates',
      summary:
        'Ecological compensation rates (fen/t by stream, optionally by district pair), newest first; inForce=true: the rows in force today',
      tags: ['eco-rates'],
      query: ZEcoRatesQuery,
      response: ZPage(ZEcoRate),
      handle: ({ query }) => ecoFees.listRates(query),
    }),
    route({
      key: 'GET /eco-rates/:id',
      summary: 'One eco compensation rate row (a trade names the row it was created under)',
      tags: ['eco-rates'],
      params: ZIdParams,
      response: ZEcoRate,
      handle: ({ params }) => ecoFees.getRate(params.id),
    }),
    route({
      key: 'POST /eco-rates',
      summary: 'Add a rate effective from a day (city-scope regulator); supersedes, never edits; audited',
      tags: ['eco-rates'],
      body: ZSetEcoRateRequest,
      response: ZEcoRate,
      status: 201,
      handle: ({ actor, body }) => ecoFees.setRate(actor, body),
    }),
  ];
}
