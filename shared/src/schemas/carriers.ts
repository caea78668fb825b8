import { z } from 'zod';
import { zText } from './text.js';
import { LICENCE_STATUSES } from './orgs.js';

/**
 * GET /carriers?q=&code=: the carrier directory a shipper picks from when it opens a trip (issue 13
 * item 4). `q` matches the name (anywhere) or the USCC (from its start); `code` is the trade's waste
 * code: for a hazardous one only carriers whose approved transport licence covers it today are listed.
 */
export const ZCarriersQuery = z.strictObject({
  q: zText().trim().max(100, 'at most 100 characters').optional(),
  code: zText().trim().toUpperCase().max(40, 'at most 40 characters').optional(),
  cursor: zText().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type TCarriersQuery = z.infer<typeof ZCarriersQuery>;

/** A transport licence as the directory shows it: its scope and validity, and whether it holds today. */
export const ZCarrierLicence = z.object({
  number: z.string(),
  wasteCodes: z.array(z.string()),
  validFrom: z.string(),
  validTo: z.string(),
  status: z.enum(LICENCE_STATUSES),
  /** Approved and within its validity on today's Shanghai calendar date. */
  current: z.boolean(),
});
export type TCarrierLicence = z.infer<typeof ZCarrierLicence>;

export const ZCarrier = z.object({
  id: z.uuid(),
  name: z.string(),
  uscc: z.string(),
  district: z.string(),
  /** Decided transport licences (approved or suspended), newest validity first. */
  licences: z.array(ZCarrierLicence),
});
export type TCarrier = z.infer<typeof ZCarrier>;
