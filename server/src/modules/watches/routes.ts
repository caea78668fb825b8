import { route } from '../../http/route.js';
import { ZIdParams } from '../../../../shared/src/schemas/common.js';
import { ZCreateWatchRequest, ZWatch, ZWatches } from '../../../../shared/src/schemas/markets.js';
import type { WatchesService } from './service.js';

export function watchesRoutes({ watches }: { watches: WatchesService }) {
  return [
    route({
      key: 'POST /watches',
      summary: 'Watch a material (optionally a district and price limits): new listings, orders and prints that match notify you',
      tags: ['watches'],
      body: ZCreateWatchRequest,
      response: ZWatch,
      status: 201,
      handle: ({ actor, body }) => watches.createWatch(actor, body),
    }),
    route({
      key: 'GET /watches',
      summary: 'Your watches, newest first',
      tags: ['watches'],
      response: ZWatches,
      handle: ({ actor }) => watches.listWatches(actor),
    }),
    route({
      key: 'DELETE /watches/:id',
      summary: 'Stop watching',
      tags: ['watches'],
      params: ZIdParams,
      response: ZWatch,
      handle: ({ actor, params }) => watches.deleteWatch(actor, params.id),
    }),
  ];
}
