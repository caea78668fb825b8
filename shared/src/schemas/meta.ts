import { z } from 'zod';

/** GET /meta: what every page must tell its user about this deployment (public, no secrets). */
export const ZMeta = z.object({
  payments: z.object({
    provider: z.enum(['simulated', 'stripe', 'bank_transfer']),
    /** True when no real money moves; the client shows a banner on every page. */
    simulated: z.boolean(),
  }),
});
export type TMeta = z.infer<typeof ZMeta>;
