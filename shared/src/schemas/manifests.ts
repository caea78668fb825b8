/**
 * Transfer manifests (转移联单, DESIGN §5.6, §6.8, §7): one per vehicle trip, completed step by step by
 * the shipper, the carrier and the receiver. Contracts shared by the server and the web client.
 */
import { z } from 'zod';
import { MANIFEST_STATUSES } from '../enums.js';
import { zText, zMultilineText } from './text.js';
import { ZDistrict } from './common.js';
import { PLATE_MESSAGE, parsePlate } from '../plates.js';

export { MANIFEST_STATUSES };
export type TManifestStatus = (typeof MANIFEST_STATUSES)[number];

/** The steps after opening, in order; each is posted to POST /manifests/:id/events. */
export const MANIFEST_EVENT_TYPES = ['issue', 'load', 'depart', 'arrive', 'receive', 'report_disposal'] as const;
export type TManifestEventType = (typeof MANIFEST_EVENT_TYPES)[number];
/** Also in the chain: `open`, written by POST /trades/:id/manifests. */
export type TManifestChainEventType = 'open' | TManifestEventType;

export const RECEIPT_DECISIONS = ['accept', 'partial', 'reject'] as const;
export type TReceiptDecision = (typeof RECEIPT_DECISIONS)[number];

/** Which party of a trip acts: the shipper (移出人), the carrier (承运人), the receiver (接受人). */
export const MANIFEST_PARTS = ['shipper', 'carrier', 'receiver'] as const;
export type TManifestPart = (typeof MANIFEST_PARTS)[number];

/** The lifecycle (DESIGN §7): from each status, the next steps and who takes them. */
export const MANIFEST_STEPS: Record<
  TManifestStatus,
  readonly { type: TManifestEventType; by: TManifestPart; to: readonly TManifestStatus[] }[]
> = {
  draft: [{ type: 'issue', by: 'shipper', to: ['issued'] }],
  issued: [{ type: 'load', by: 'carrier', to: ['loaded'] }],
  loaded: [{ type: 'depart', by: 'carrier', to: ['in_transit'] }],
  in_transit: [{ type: 'arrive', by: 'carrier', to: ['arrived'] }],
  arrived: [{ type: 'receive', by: 'receiver', to: ['received', 'rejected'] }],
  received: [{ type: 'report_disposal', by: 'receiver', to: ['closed'] }],
  rejected: [],
  closed: [],
};

/** A weight on a manifest: whole kilograms, at least 1 (DESIGN §6.1). */
const weight = z
  .number({ message: 'a whole number of kilograms' })
  .int('a whole number of kilograms')
  .min(1, 'at least 1 kg')
  .max(3_000_000_000, 'at most 3,000,000,000 kg');

/** A vehicle plate, normalised (浙D·12345 → 浙D12345). */
export const ZVehiclePlate = z
  .string({ message: PLATE_MESSAGE })
  .max(32, PLATE_MESSAGE)
  .transform((s, ctx) => {
    const p = parsePlate(s);
    if (!p) {
      ctx.addIssue({ code: 'custom', message: PLATE_MESSAGE });
      return z.NEVER;
    }
    return p.normalised;
  });

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ZDate = zText()
  .regex(ISO_DATE, 'a date YYYY-MM-DD')
  .refine(
    (s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().slice(0, 10) === s,
    'no such date',
  );

/** The national system's own number, when it issued one (its format is not ours to fix: letters, digits, hyphens). */
const ZOfficialNumber = zText()
  .trim()
  .regex(/^[0-9A-Za-z-]{6,40}$/, '6–40 letters, digits or hyphens');

export const ZOpenManifestRequest = z.strictObject({
  /** The carrier org (role carrier; for hazardous material an approved transport licence covering the code). */
  carrierOrgId: z.uuid('not a valid id'),
  vehiclePlate: ZVehiclePlate,
  driverName: zText().trim().min(1, 'required').max(50, 'at most 50 characters'),
  /** The kg declared for this trip; the trade's declared total may not exceed its quantity. */
  declaredKg: z
    .number({ message: 'a whole number of kilograms' })
    .int('a whole number of kilograms')
    .min(1, 'at least 1 kg')
    .max(1_000_000_000, 'at most 1,000,000,000 kg'),
  /** Defaults to measures derived from the declared hazard characteristics and form. */
  emergencyMeasures: zMultilineText().trim().min(1).max(2000, 'at most 2000 characters').optional(),
  officialNumber: ZOfficialNumber.optional(),
});
export type TOpenManifestRequest = z.input<typeof ZOpenManifestRequest>;
export type TOpenManifest = z.output<typeof ZOpenManifestRequest>;

/** Which fields each step takes; anything else on that step is refused by name. */
const EVENT_FIELDS: Record<TManifestEventType, { required: readonly string[]; optional: readonly string[] }> = {
  issue: { required: [], optional: ['note', 'officialNumber'] },
  load: { required: ['weightKg'], optional: ['note'] },
  depart: { required: [], optional: ['note'] },
  arrive: { required: [], optional: ['note'] },
  receive: { required: ['weightKg', 'decision'], optional: ['acceptedKg', 'note'] },
  report_disposal: { required: ['method', 'disposalDate'], optional: ['note'] },
};
const EVENT_FIELD_NAMES = ['weightKg', 'decision', 'acceptedKg', 'method', 'disposalDate', 'note', 'officialNumber'] as const;

export const ZManifestEventRequest = z
  .strictObject({
    type: z.enum(MANIFEST_EVENT_TYPES, { message: `one of ${MANIFEST_EVENT_TYPES.join(', ')}` }),
    /** load: kg loaded (the carrier's weight); receive: the receiver's weighbridge kg. */
    weightKg: weight.optional(),
    decision: z.enum(RECEIPT_DECISIONS, { message: `one of ${RECEIPT_DECISIONS.join(', ')}` }).optional(),
    /** receive: kg accepted, ≤ min(received, declared); 0 on a rejection; defaults to that minimum on accept. */
    acceptedKg: z
      .number({ message: 'a whole number of kilograms' })
      .int('a whole number of kilograms')
      .min(0, 'must not be negative')
      .max(1_000_000_000)
      .optional(),
    /** report_disposal: the utilisation or disposal method (e.g. R15 安全填埋前稳定化, D10 焚烧). */
    method: zText().trim().min(2, 'at least 2 characters').max(200, 'at most 200 characters').optional(),
    /** report_disposal: the day it was utilised or disposed of (Shanghai calendar date). */
    disposalDate: ZDate.optional(),
    /** A remark; on a partial acceptance or a rejection, the reason (required). */
    note: zMultilineText().trim().min(1, 'must not be empty').max(1000, 'at most 1000 characters').optional(),
    /** issue: the national system's number, when it has issued one. */
    officialNumber: ZOfficialNumber.optional(),
  })
  .superRefine((e, ctx) => {
    const spec = EVENT_FIELDS[e.type];
    for (const f of EVENT_FIELD_NAMES) {
      const present = e[f] !== undefined;
      if (spec.required.includes(f) && !present)
        ctx.addIssue({ code: 'custom', path: [f], message: `required for a ${e.type} event` });
      if (present && !spec.required.includes(f) && !spec.optional.includes(f))
        ctx.addIssue({ code: 'custom', path: [f], message: `not used by a ${e.type} event` });
    }
    if (e.type !== 'receive' || !e.decision) return;
    if (e.decision === 'reject') {
      if (e.acceptedKg !== undefined && e.acceptedKg !== 0)
        ctx.addIssue({ code: 'custom', path: ['acceptedKg'], message: 'must be 0 on a rejection' });
    } else if (e.decision === 'partial') {
      if (e.acceptedKg === undefined)
        ctx.addIssue({ code: 'custom', path: ['acceptedKg'], message: 'required for a partial acceptance' });
      else if (e.acceptedKg < 1)
        ctx.addIssue({
          code: 'custom',
          path: ['acceptedKg'],
          message: 'a partial acceptance accepts at least 1 kg (use reject for none)',
        });
    }
    if (e.decision !== 'accept' && e.note === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['note'],
        message: `the reason is required for a ${e.decision === 'reject' ? 'rejection' : 'partial acceptance'}`,
      });
    if (e.acceptedKg !== undefined && e.weightKg !== undefined && e.acceptedKg > e.weightKg)
      ctx.addIssue({ code: 'custom', path: ['acceptedKg'], message: `at most the received ${e.weightKg} kg` });
  });
export type TManifestEventRequest = z.infer<typeof ZManifestEventRequest>;

export const ZManifestParty = z.object({
  orgId: z.uuid(),
  name: z.string(),
  uscc: z.string(),
  district: z.string(),
  /** Carrier: its road transport licence; receiver: its hazardous-waste business (disposal) licence; null if none applies. */
  licenceNumber: z.string().nullable(),
});
export type TManifestParty = z.infer<typeof ZManifestParty>;

export const ZManifestParties = z.object({ shipper: ZManifestParty, carrier: ZManifestParty, receiver: ZManifestParty });
export type TManifestParties = z.infer<typeof ZManifestParties>;

export const ZManifestLine = z.object({
  wasteCode: z.string(),
  category: z.string(),
  categoryNameZh: z.string().nullable(),
  nameZh: z.string(),
  nameEn: z.string(),
  hazardCharacteristics: z.array(z.string()),
  form: z.string().nullable(),
  packaging: z.string().nullable(),
  quantityKg: z.number().int(),
});
export type TManifestLine = z.infer<typeof ZManifestLine>;

export const ZManifestEvent = z.object({
  seq: z.number().int(),
  type: z.string(),
  at: z.string(),
  actorOrgId: z.uuid().nullable(),
  actorUserId: z.uuid().nullable(),
  data: z.record(z.string(), z.unknown()),
  prevHash: z.string(),
  hash: z.string(),
});
export type TManifestEvent = z.infer<typeof ZManifestEvent>;

export const ZNextAction = z.object({ type: z.enum(MANIFEST_EVENT_TYPES), by: z.enum(MANIFEST_PARTS) });

const manifestFields = {
  id: z.uuid(),
  /** Ours: year + 33 + 06 + serial, 14 digits. */
  number: z.string(),
  officialNumber: z.string().nullable(),
  tradeId: z.uuid(),
  kind: z.enum(['hazardous', 'general', 'collection']),
  status: z.enum(MANIFEST_STATUSES),
  shipperOrgId: z.uuid(),
  carrierOrgId: z.uuid(),
  receiverOrgId: z.uuid(),
  parties: ZManifestParties,
  vehiclePlate: z.string(),
  driverName: z.string(),
  materialCode: z.string(),
  wasteCode: z.string(),
  lines: z.array(ZManifestLine),
  emergencyMeasures: z.string(),
  originDistrict: z.string(),
  destinationDistrict: z.string(),
  declaredKg: z.number().int(),
  loadedKg: z.number().int().nullable(),
  receivedKg: z.number().int().nullable(),
  acceptedKg: z.number().int().nullable(),
  decision: z.enum(RECEIPT_DECISIONS).nullable(),
  decisionNote: z.string().nullable(),
  disposalMethod: z.string().nullable(),
  disposalDate: z.string().nullable(),
  issuedAt: z.string().nullable(),
  loadedAt: z.string().nullable(),
  departedAt: z.string().nullable(),
  arrivedAt: z.string().nullable(),
  receivedAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  /** Arrival + RECEIPT_DUE_WORKING_DAYS working days (end of that Shanghai day). */
  receiptDueAt: z.string().nullable(),
  /** Receipt + DISPOSAL_DUE_DAYS days (end of that Shanghai day). */
  disposalDueAt: z.string().nullable(),
  /** Which deadline has passed with its step still open, if any (transit: stuck on the road). */
  overdue: z.enum(['transit', 'receipt', 'disposal']).nullable(),
  /** |loaded − received| / loaded in basis points, once both are known. */
  weightGapBp: z.number().int().nullable(),
  /** The platform's tolerance (WEIGHT_TOLERANCE_BP): a larger gap disputes the trade. The regulation sets none. */
  weightToleranceBp: z.number().int(),
  /** What may happen next, and by whom. */
  nextActions: z.array(ZNextAction),
  /** The caller's part(s) in this trip (empty for a regulator). */
  yourParts: z.array(z.enum(MANIFEST_PARTS)),
  createdAt: z.string(),
  updatedAt: z.string(),
};

export const ZManifestSummary = z.object(manifestFields);
export type TManifestSummary = z.infer<typeof ZManifestSummary>;

/** GET /manifests/:id: the manifest with its timeline (the chained events). */
/** Why a trip is disputed (issue 13 item 3): a weight gap above the tolerance, or a rejected load. */
export const ZTripDispute = z.object({
  reasons: z.array(z.enum(['weight_gap', 'rejection'])),
  loadedKg: z.number().int().nullable(),
  receivedKg: z.number().int().nullable(),
  gapBp: z.number().int().nullable(),
  toleranceBp: z.number().int(),
  /** What the receiver accepted at receipt. */
  receiverAcceptedKg: z.number().int().nullable(),
  receiverNote: z.string().nullable(),
});
/** The admin's decision on a disputed trip: the `resolve` event of its chain. */
export const ZTripResolution = z.object({
  acceptedKg: z.number().int(),
  previousAcceptedKg: z.number().int().nullable(),
  note: z.string(),
  at: z.string(),
  decidedByUserId: z.uuid().nullable(),
  decidedBy: z.string(),
  hash: z.string(),
});
export type TTripDispute = z.infer<typeof ZTripDispute>;
export type TTripResolution = z.infer<typeof ZTripResolution>;

export const ZManifest = z.object({
  ...manifestFields,
  events: z.array(ZManifestEvent),
  /** Null unless the trip is disputed (a weight gap above tolerance or a rejection). */
  dispute: ZTripDispute.nullable(),
  /** The admin's resolution of a disputed trip, once made. */
  resolution: ZTripResolution.nullable(),
});
export type TManifest = z.infer<typeof ZManifest>;

const boolString = z.enum(['true', 'false']).transform((v) => v === 'true');

export const ZManifestsQuery = z.strictObject({
  status: z.enum(MANIFEST_STATUSES).optional(),
  /** true: a deadline has passed with its step open; false: none has. */
  overdue: boolString.optional(),
  /** Origin or destination district. */
  district: ZDistrict.optional(),
  material: zText().trim().min(1).max(40).optional(),
  tradeId: z.uuid('not a valid id').optional(),
  cursor: zText().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type TManifestsQuery = z.infer<typeof ZManifestsQuery>;

/** GET /manifests/:id/audit: the stored events with their hashes, and whether the chain recomputes. */
export const ZManifestAudit = z.object({
  manifestId: z.uuid(),
  number: z.string(),
  events: z.array(ZManifestEvent),
  valid: z.boolean(),
  /** The seq of the first event whose link or hash does not recompute. */
  brokenAt: z.number().int().optional(),
  reason: z.enum(['hash', 'link', 'sequence']).optional(),
  /** Whether the manifest row equals the replay of its events. */
  projectionValid: z.boolean(),
  /** Fields where the row and the replay disagree. */
  projectionMismatches: z.array(z.string()),
  algorithm: z.string(),
});
export type TManifestAudit = z.infer<typeof ZManifestAudit>;

/** POST /trades/:id/close-shipments: the shipper's statement that no more trips will come. */
export const ZCloseShipmentsRequest = z.strictObject({
  note: zMultilineText().trim().min(1).max(1000, 'at most 1000 characters').optional(),
});
export type TCloseShipmentsRequest = z.infer<typeof ZCloseShipmentsRequest>;

export const ZShipmentsClosed = z.object({
  tradeId: z.uuid(),
  closedAt: z.string(),
  declaredKg: z.number().int(),
  tradeStatus: z.string(),
});
export type TShipmentsClosed = z.infer<typeof ZShipmentsClosed>;
