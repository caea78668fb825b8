import { route } from '../../http/route.js';
import { ZMeta, type TMeta } from '../../../../shared/src/schemas/meta.js';
import type { Config } from '../../config.js';

/** Public facts about the deployment the client shows on every page (issue 10 item 2: simulated payments). */
export function metaRoutes({ config }: { config: Pick<Config, 'PAYMENT_PROVIDER'> }) {
  const meta: TMeta = { payments: { provider: config.PAYMENT_PROVIDER, simulated: config.PAYMENT_PROVIDER === 'simulated' } };
  return [
    route({
      key: 'GET /meta',
      summary: 'What every page shows about this deployment: whether payments are simulated',
      tags: ['meta'],
      response: ZMeta,
      handle: async () => meta,
    }),
  ];
}
