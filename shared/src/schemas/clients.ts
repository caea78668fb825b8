/**
 * Machine clients, the topic feeds and the government system's inbound changes (issue 14 items 1, 2
 * and 5; ADR 0020; docs/api.md "Machine clients and feeds").
 */
import { z } from 'zod';
import { zText } from './text.js';
import { LICENCE_KINDS, ZDate, ZLicence, ZLicenceWasteCode } from './orgs.js';
import { ZInstant } from './common.js';

/** The topics of the feed: `credit` is the credit feed (GET /credit/feed) under the same mechanism. */
export const FEED_TOPICS = ['credit', 'trades', 'manifests', 'licences', 'alerts'] as const;
export type TFeedTopic = (typeof FEED_TOPICS)[number];

/** Every scope a client may be granted (the policy file lists which route needs which). */
export const CLIENT_SCOPES = [
  ...FEED_TOPICS.map((t) => `feeds:read:${t}` as const),
  'manifests:export',
  'manifests:write-official',
  'licences:write',
  'sanctions:write',
  'orgs:verify',
] as const;
export type TClientScope = (typeof CLIENT_SCOPES)[number];

export const ZRegisterClientRequest = z
  .strictObject({
    /** Who is on the other end: "Shenzhen solid-waste platform". */
    name: zText().trim().min(1, 'required').max(200, 'at most 200 characters'),
    scopes: z
      .array(z.enum(CLIENT_SCOPES))
      .min(1, 'at least one scope')
      .refine((s) => new Set(s).size === s.length, 'each scope once'),
    /** The regulator org the system acts for; its sanctions are that org's (required with sanctions:write). */
    orgId: z.uuid().optional(),
  })
  .superRefine((c, ctx) => {
    if (c.scopes.includes('sanctions:write') && !c.orgId)
      ctx.addIssue({ code: 'custom', path: ['orgId'], message: 'sanctions:write needs the regulator org the system acts for' });
  });
export type TRegisterClientRequest = z.infer<typeof ZRegisterClientRequest>;

export const ZRotateClientRequest = z.strictObject({
  /** How long the previous secret keeps working (default 24 h; 0 ends it now). */
  overlapSeconds: z
    .number()
    .int()
    .min(0)
    .max(30 * 86_400)
    .default(86_400),
});
export type TRotateClientRequest = z.infer<typeof ZRotateClientRequest>;

export const ZClient = z.object({
  id: z.uuid(),
  name: z.string(),
  scopes: z.array(z.string()),
  orgId: z.uuid().nullable(),
  createdAt: z.string(),
  rotatedAt: z.string().nullable(),
  /** Until when the secret before the last rotation still works. */
  previousValidUntil: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type TClient = z.infer<typeof ZClient>;

/** What registering or rotating answers: the secret, this once. */
export const ZClientWithSecret = ZClient.extend({ clientSecret: z.string() });
export type TClientWithSecret = z.infer<typeof ZClientWithSecret>;

export const ZClientList = z.object({ items: z.array(ZClient) });

/** RFC 6749 §4.4.3 / §5.1: the access token answer. */
export const ZTokenResponse = z.object({
  access_token: z.string(),
  token_type: z.literal('Bearer'),
  expires_in: z.number().int(),
  scope: z.string(),
});

/** RFC 6749 §4.4.2 (as JSON or application/x-www-form-urlencoded; credentials may instead come by HTTP Basic). */
export const ZTokenRequest = z.object({
  grant_type: z.string(),
  client_id: z.string().optional(),
  client_secret: z.string().optional(),
  scope: z.string().optional(),
});

export const ZFeedParams = z.strictObject({ topic: z.enum(FEED_TOPICS) });

export const ZFeedQuery = z.strictObject({
  /** The `after` of the previous page; omit to start from the beginning. */
  after: zText()
    .regex(/^\d{1,18}$/, 'the after value of a previous page')
    .optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type TFeedQuery = z.infer<typeof ZFeedQuery>;

/** Payload schemas per topic, version 1. A change that is not additive gets a new schemaVersion. */
export const ZTradesFeedDataV1 = z.object({ tradeId: z.uuid(), status: z.string() });
export const ZManifestsFeedDataV1 = z.object({
  manifestId: z.uuid(),
  tradeId: z.string().nullable(),
  status: z.string(),
  /** What happened: the step (issue, load, …), open, document, resolve or official_number. */
  event: z.string().nullable(),
});
export const ZLicencesFeedDataV1 = z.object({
  licenceId: z.uuid(),
  orgId: z.uuid(),
  number: z.string().nullable(),
  decision: z.string().nullable(),
  status: z.string().nullable(),
  /** 'regulator' (a decision on the exchange) or 'inbound' (the government system). */
  source: z.string(),
});
export const ZAlertsFeedDataV1 = z.object({ alertId: z.uuid(), kind: z.string().nullable(), district: z.string().nullable() });
/** credit: the credit feed's event (ZCreditFeedEvent) as data. */
export const ZCreditFeedDataV1 = z.record(z.string(), z.unknown());

/** One event of a topic: the envelope is the same for every topic; `data` follows the topic's schema. */
export const ZFeedEvent = z.object({
  eventId: z.uuid(),
  topic: z.enum(FEED_TOPICS),
  type: z.string(),
  schemaVersion: z.literal(1),
  /** The event's place in the topic (what `after` compares with); increasing, never reused. */
  position: z.string(),
  subjectType: z.string(),
  subjectId: z.string(),
  /** Counts the subject's events in this topic from 1 without gaps. */
  seq: z.number().int(),
  occurredAt: z.string(),
  data: z.union([ZTradesFeedDataV1, ZManifestsFeedDataV1, ZLicencesFeedDataV1, ZAlertsFeedDataV1, ZCreditFeedDataV1]),
});
export type TFeedEvent = z.infer<typeof ZFeedEvent>;

export const ZFeedPage = z.object({
  items: z.array(ZFeedEvent),
  /** Pass as `after` next time (unchanged when nothing new has come). */
  after: z.string(),
  hasMore: z.boolean(),
});
export type TFeedPage = z.infer<typeof ZFeedPage>;

// ── Inbound (the government system) ────────────────────────────────────────────────────────────

/** The client's own id of the change: the same source id again applies nothing and answers the first result. */
const ZSourceId = zText().trim().min(1, 'required').max(200, 'at most 200 characters');
export const ZInboundResult = z.object({
  sourceId: z.string(),
  /** true when this source id was applied before: nothing changed now. */
  replayed: z.boolean(),
  result: z.record(z.string(), z.unknown()),
});

export const INBOUND_LICENCE_STATUSES = ['approved', 'suspended', 'revoked'] as const;
export const ZInboundLicenceRequest = z
  .strictObject({
    sourceId: ZSourceId,
    /** The holder, by its unified social credit code. */
    uscc: zText().trim().min(1).max(18),
    kind: z.enum(LICENCE_KINDS),
    wasteCodes: z.array(ZLicenceWasteCode).min(1).max(500),
    annualCapacityKg: z.number().int().min(1).max(1e12),
    validFrom: ZDate,
    validTo: ZDate,
    status: z.enum(INBOUND_LICENCE_STATUSES),
  })
  .superRefine((l, ctx) => {
    if (l.validTo < l.validFrom) ctx.addIssue({ code: 'custom', path: ['validTo'], message: 'must not be before validFrom' });
  });
export type TInboundLicenceRequest = z.infer<typeof ZInboundLicenceRequest>;
export const ZLicenceNumberParams = z.strictObject({ number: zText().trim().min(1).max(100) });
export const ZInboundLicence = ZLicence;

export const ZInboundSanctionRequest = z.strictObject({
  sourceId: ZSourceId,
  /** The sanctioned organisation, by its unified social credit code. */
  uscc: zText().trim().min(1).max(18),
  severity: z.enum(['minor', 'major', 'serious']),
  kind: z.enum(['warning', 'fine', 'rectification', 'suspension', 'other']).default('other'),
  reason: zText().trim().min(1).max(2000),
  evidenceRef: zText().trim().min(1).max(200).optional(),
  /** When the decision was taken (ISO 8601); not in the future. */
  decidedAt: ZInstant,
});
export type TInboundSanctionRequest = z.infer<typeof ZInboundSanctionRequest>;

export const ZOfficialNumberRequest = z.strictObject({
  sourceId: ZSourceId,
  officialNumber: zText().trim().min(1, 'required').max(64, 'at most 64 characters'),
});
export type TOfficialNumberRequest = z.infer<typeof ZOfficialNumberRequest>;

export const ZManifestOfficialNumberRequest = ZOfficialNumberRequest;

export const ZUsccVerificationRequest = z.strictObject({
  sourceId: ZSourceId,
  /** The USCC the registry confirmed; must be the org's. */
  uscc: zText().trim().min(1).max(18),
});
export type TUsccVerificationRequest = z.infer<typeof ZUsccVerificationRequest>;

// ── Webhook subscriptions per topic ───────────────────────────────────────────────────────────

export const ZCreateFeedSubscriptionRequest = z.strictObject({
  /** https; plain http only to 127.0.0.1 / localhost when WEBHOOK_ALLOW_LOOPBACK=true (never in production). */
  url: zText().trim().min(1).max(2048),
  /** Shared secret for X-Signature; kept by the exchange and never shown again. */
  secret: zText().min(16, 'at least 16 characters').max(256),
});
export type TCreateFeedSubscriptionRequest = z.infer<typeof ZCreateFeedSubscriptionRequest>;

export const ZFeedSubscription = z.object({
  id: z.uuid(),
  topic: z.enum(FEED_TOPICS),
  url: z.string(),
  status: z.enum(['active', 'deleted']),
  createdAt: z.string(),
  deletedAt: z.string().nullable(),
});
export type TFeedSubscription = z.infer<typeof ZFeedSubscription>;
export const ZFeedSubscriptionList = z.object({ items: z.array(ZFeedSubscription) });
export const ZFeedSubscriptionParams = z.strictObject({ topic: z.enum(FEED_TOPICS), id: z.uuid() });
