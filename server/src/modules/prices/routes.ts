import { route } from '../../http/route.js';
import {
  ZBandPin,
  ZBandPinsQuery,
  ZPinBandRequest,
  ZPriceCodeParams,
  ZPriceIndex,
  ZPriceIndexQuery,
  ZReferenceBand,
  ZUnpinBandResult,
} from '../../../../shared/src/schemas/prices.js';
import { ZPage } from '../../../../shared/src/schemas/common.js';
import type { Db } from '../../db/client.js';
import { bandPins } from './pins.js';
import type { PricesService } from './service.js';

export function pricesRoutes({ prices, db }: { prices: PricesService; db: Db }) {
  return [
    route({
      key: 'GET /prices/reference/:code',
      summary:
        "A material's reference band: a city-scope pin, else settled trades of 180 days with ≥ 3 generators and ≥ 3 receivers (pair-week observations, never narrower than the seed), else seed; 404 when none",
      tags: ['prices'],
      params: ZPriceCodeParams,
      response: ZReferenceBand,
      handle: ({ params }) => prices.getReference(params.code),
    }),
    route({
      key: 'PUT /prices/reference/:code',
      summary: 'Pin a reference band (regulator); audited',
      tags: ['prices'],
      params: ZPriceCodeParams,
      body: ZPinBandRequest,
      response: ZReferenceBand,
      handle: ({ actor, params, body }) => prices.pinBand(actor, params.code, body),
    }),
    route({
      key: 'DELETE /prices/reference/:code/pin',
      summary:
        'Lift a pin (city regulator): the band from trades or the seed is in force again; audited and listed in the pin history; 409 INVALID_STATE when not pinned',
      tags: ['prices'],
      params: ZPriceCodeParams,
      response: ZUnpinBandResult,
      handle: ({ actor, params }) => prices.unpinBand(actor, params.code),
    }),
    route({
      key: 'GET /prices/reference/:code/pins',
      summary: "A band's pins and unpins, newest first: when, by whom, to what (regulators, admin)",
      tags: ['prices'],
      params: ZPriceCodeParams,
      query: ZBandPinsQuery,
      response: ZPage(ZBandPin),
      handle: ({ params, query }) => bandPins(db, params.code, query),
    }),
    route({
      key: 'GET /prices/index',
      summary:
        'Finished weeks (from Monday, Asia/Shanghai) with ≥ 3 generators and ≥ 3 receivers; thinner weeks merged into their month or marked suppressed',
      tags: ['prices'],
      query: ZPriceIndexQuery,
      response: ZPriceIndex,
      handle: ({ query }) => prices.priceIndex(query),
    }),
  ];
}
