import { z } from 'zod';
import { CREDIT_LEVELS, DELIVERY_STATUSES } from '../enums.js';
import { zText, zMultilineText } from './text.js';
import { ZInstant } from './common.js';

/**
 * Credit scores, the signed credit feed and its webhooks (DESIGN §5 step 8, §6.7, §7; RELIABILITY J3).
 * The scoring model itself is server/src/modules/credit/model.ts, described in docs/credit-model.md.
 */

/** Best to worst, in the colours Zhejiang's environmental credit schemes used (DESIGN §6.7). */
export { CREDIT_LEVELS };
export type CreditLevel = (typeof CREDIT_LEVELS)[number];
export const ZCreditLevel = z.enum(CREDIT_LEVELS);

export { CREDIT_EVENT_KINDS, type CreditEventKind } from '../credit-events.js';

export const SANCTION_SEVERITIES = ['minor', 'major', 'serious'] as const;
export type SanctionSeverity = (typeof SANCTION_SEVERITIES)[number];

export const ZCreditFactor = z.object({
  /** The input kind this factor sums. */
  factor: z.string(),
  /** Points added to (or, negative, taken from) the neutral score, after decay and caps. */
  contribution: z.number(),
  /** Events of this kind counted (not in the future). */
  events: z.number().int(),
  /** Points per event when it is new. */
  weight: z.number(),
  /** Days after which an event counts half. */
  halfLifeDays: z.number(),
});
export type TCreditFactor = z.infer<typeof ZCreditFactor>;

/** GET /credit/orgs/:id */
export const ZCreditScore = z.object({
  orgId: z.uuid(),
  score: z.number().int().min(0).max(100),
  level: ZCreditLevel,
  /** Why the level: the score, or a serious sanction in force (black whatever the score). */
  levelReason: z.enum(['score', 'serious_sanction']),
  factors: z.array(ZCreditFactor),
  scoringModel: z.string(),
  /** The score every org starts at under this model. */
  neutralScore: z.number(),
  computedAt: z.string(),
});
export type TCreditScore = z.infer<typeof ZCreditScore>;

export const ZCreditHistoryQuery = z.strictObject({
  cursor: zText().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type TCreditHistoryQuery = z.infer<typeof ZCreditHistoryQuery>;

/** One stored evaluation (append-only history), newest first in GET /credit/orgs/:id/history. */
export const ZCreditHistoryEntry = z.object({
  seq: z.number().int(),
  score: z.number().int(),
  level: ZCreditLevel,
  levelReason: z.enum(['score', 'serious_sanction']),
  previousScore: z.number().int(),
  previousLevel: ZCreditLevel,
  factors: z.array(ZCreditFactor),
  scoringModel: z.string(),
  /** What made it: a new input ('event') or the passing of time ('decay'). */
  trigger: z.enum(['event', 'decay']),
  /** The inputs it was computed from: how many, and the newest input id. */
  inputs: z.object({ count: z.number().int(), lastEventId: z.number().int().nullable() }),
  computedAt: z.string(),
});
export type TCreditHistoryEntry = z.infer<typeof ZCreditHistoryEntry>;

export const ZCreditFeedQuery = z.strictObject({
  /** The `after` of the previous page; omit to start from the beginning. */
  after: zText()
    .regex(/^\d{1,18}$/, 'the after value of a previous page')
    .optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type TCreditFeedQuery = z.infer<typeof ZCreditFeedQuery>;

/**
 * A change of an org's score or level, as the feed lists it and as a webhook delivers it (the body
 * is exactly this object). `eventId` is stable across pages and redeliveries; `seq` counts the
 * org's changes from 1 without gaps, so a consumer can see what it missed.
 */
export const ZCreditFeedEvent = z.object({
  eventId: z.uuid(),
  type: z.literal('credit.changed'),
  /** The event's place in the whole feed (what `after` compares with). */
  position: z.string(),
  orgId: z.uuid(),
  orgName: z.string(),
  uscc: z.string(),
  seq: z.number().int(),
  score: z.number().int(),
  level: ZCreditLevel,
  previousScore: z.number().int(),
  previousLevel: ZCreditLevel,
  levelReason: z.enum(['score', 'serious_sanction']),
  scoringModel: z.string(),
  trigger: z.enum(['event', 'decay']),
  computedAt: z.string(),
});
export type TCreditFeedEvent = z.infer<typeof ZCreditFeedEvent>;

export const ZCreditFeedPage = z.object({
  items: z.array(ZCreditFeedEvent),
  /** Pass as `after` next time (unchanged when nothing new has come). */
  after: z.string(),
  /** More items wait beyond this page. */
  hasMore: z.boolean(),
});
export type TCreditFeedPage = z.infer<typeof ZCreditFeedPage>;

export const ZCreateSubscriptionRequest = z.strictObject({
  /** https; plain http only to 127.0.0.1 / localhost when WEBHOOK_ALLOW_LOOPBACK=true (never in production). */
  url: zText().trim().min(1).max(2048),
  /** Shared secret for X-Signature; kept by the exchange and never shown again. */
  secret: zText().min(16, 'at least 16 characters').max(256),
});
export type TCreateSubscriptionRequest = z.infer<typeof ZCreateSubscriptionRequest>;

export { DELIVERY_STATUSES };
export type TDeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export const ZSubscription = z.object({
  id: z.uuid(),
  url: z.string(),
  status: z.enum(['active', 'deleted']),
  createdAt: z.string(),
  deletedAt: z.string().nullable(),
  /** Deliveries by status. */
  deliveries: z.object({
    pending: z.number().int(),
    delivered: z.number().int(),
    dead: z.number().int(),
    cancelled: z.number().int(),
  }),
  lastDeliveryAt: z.string().nullable(),
});
export type TSubscription = z.infer<typeof ZSubscription>;

export const ZSubscriptionList = z.object({ items: z.array(ZSubscription) });
export type TSubscriptionList = z.infer<typeof ZSubscriptionList>;

export const ZDeliveriesQuery = z.strictObject({
  subscriptionId: z.uuid().optional(),
  status: z.enum(DELIVERY_STATUSES).optional(),
  cursor: zText().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type TDeliveriesQuery = z.infer<typeof ZDeliveriesQuery>;

export const ZDelivery = z.object({
  id: z.uuid(),
  subscriptionId: z.uuid(),
  eventId: z.uuid(),
  orgId: z.uuid(),
  status: z.enum(DELIVERY_STATUSES),
  attempts: z.number().int(),
  maxAttempts: z.number().int(),
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  nextAttemptAt: z.string().nullable(),
  deliveredAt: z.string().nullable(),
  createdAt: z.string(),
});
export type TDelivery = z.infer<typeof ZDelivery>;

/** What kind of measure a sanction is (DESIGN §7; issue 13 item 2). */
export const SANCTION_KINDS = ['warning', 'fine', 'rectification', 'suspension', 'other'] as const;

export const ZCreateSanctionRequest = z.strictObject({
  orgId: z.uuid(),
  severity: z.enum(SANCTION_SEVERITIES),
  kind: z.enum(SANCTION_KINDS).default('other'),
  reason: zMultilineText().trim().min(1).max(2000),
  /** A reference to the evidence: a case number, inspection report or alert id. */
  evidenceRef: zText().trim().min(1).max(200).optional(),
  /** When the decision was taken (ISO 8601); not in the future. */
  decidedAt: ZInstant,
});
export type TCreateSanctionRequest = z.infer<typeof ZCreateSanctionRequest>;

export const ZSanction = z.object({
  id: z.uuid(),
  orgId: z.uuid(),
  severity: z.enum(SANCTION_SEVERITIES),
  kind: z.enum(SANCTION_KINDS),
  reason: z.string(),
  evidenceRef: z.string().nullable(),
  decidedAt: z.string(),
  decidedByOrgId: z.uuid(),
  createdAt: z.string(),
});
export type TSanction = z.infer<typeof ZSanction>;

/** GET /regulator/sanctions: sanctions of orgs in the caller's scope, newest first. */
export const ZSanctionsQuery = z.strictObject({
  orgId: z.uuid().optional(),
  cursor: zText().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type TSanctionsQuery = z.infer<typeof ZSanctionsQuery>;
