/**
 * Transfer manifests (转移联单, DESIGN §5.6, §6.8, §7): one per vehicle trip, completed step by step by
 * the shipper, the carrier and the receiver. Contracts shared by the server and the web client.
 */
import { z } from 'zod';
import { MANIFEST_STATUSES } from '../enums.js';
import { zText, zMultilineText } from './text.js';
import { ZDistrict } from './common.js';
import { PLATE_MESSAGE, parsePlate } from '../plates.js';
import { DISPOSAL_METHOD_CODES } from '../disposal-methods.js';

export { MANIFEST_STATUSES };
export type TManifestStatus = (typeof MANIFEST_STATUSES)[number];

/** The steps after opening, in order; each is posted to POST /manifests/:id/events. */
export const MANIFEST_EVENT_TYPES = ['issue', 'load', 'depart', 'arrive', 'receive', 'report_disposal'] as const;
export type TManifestEventType = (typeof MANIFEST_EVENT_TYPES)[number];
/**
 * Also in the chain: `open` (POST /trades/:id/manifests), `cancel` (POST /manifests/:id/cancel),
 * `supplement` (POST /manifests/:id/form), `resolve` and `document`.
 */
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
  cancelled: [],
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

// ── The national form's further fields (issue 14 item 3, 危险废物转移管理办法 2021) ──────────────────

const METHOD_MESSAGE = `one of the national method codes: ${DISPOSAL_METHOD_CODES.join(', ')}`;
/** A utilisation / disposal method code from shared/data/disposal-methods.json. */
export const ZDisposalMethodCode = z.enum(DISPOSAL_METHOD_CODES, { message: METHOD_MESSAGE });

const PHONE_MESSAGE = 'a mobile number (11 digits, 1…) or a landline with its area code (0575-8512345)';
/** A Chinese mobile number or a landline with area code (and an optional extension). */
const ZPhone = zText()
  .trim()
  .regex(/^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$/, PHONE_MESSAGE);

/** A party's contact person on the form (personal data: never published, never in a feed). */
export const ZManifestContact = z.strictObject({
  name: zText().trim().min(1, 'required').max(50, 'at most 50 characters'),
  phone: ZPhone,
});
export type TManifestContact = z.infer<typeof ZManifestContact>;

const address = zText().trim().min(4, 'at least 4 characters').max(200, 'at most 200 characters');
const reference = zText()
  .trim()
  .regex(/^[0-9A-Za-z\u4e00-\u9fff()（）〔〕[\]\-_/#.·]{2,60}$/, '2–60 letters, digits, CJK characters or - _ / # . ( )');

/**
 * The form fields a shipper fills in at opening, or later in a `supplement` event (POST
 * /manifests/:id/form) while the trip is not finished. Every field is optional: a trip opened before
 * these fields existed has none of them, and its chain verifies unchanged.
 */
export const ZManifestFormInput = z.strictObject({
  /** 起运地址: where the load is picked up. */
  pickupAddress: address.optional(),
  /** 目的地址: where the receiver takes it in. */
  destinationAddress: address.optional(),
  shipperContact: ZManifestContact.optional(),
  carrierContact: ZManifestContact.optional(),
  receiverContact: ZManifestContact.optional(),
  /** 驾驶员从业资格证号 (the driver's qualification certificate for dangerous goods). */
  driverCertificateNumber: reference.optional(),
  /** 车辆道路运输证号 (the vehicle's road-transport permit). */
  vehiclePermitNumber: reference.optional(),
  /** 主要危险成分: the main hazardous constituents (e.g. 铅、硫酸). */
  hazardousConstituents: zText().trim().min(1, 'required').max(200, 'at most 200 characters').optional(),
  /** 包装件数: how many drums, bags, tanks … */
  packageCount: z
    .number({ message: 'a whole number of packages' })
    .int('a whole number of packages')
    .min(1, 'at least 1')
    .max(100_000, 'at most 100,000')
    .optional(),
  /** 管理计划备案号: the shipper's filed hazardous-waste management plan. */
  managementPlanRef: reference.optional(),
  /** 拟利用处置方式: the method the receiver is to use, as a national code. */
  plannedMethodCode: ZDisposalMethodCode.optional(),
});
export type TManifestFormInput = z.infer<typeof ZManifestFormInput>;

/** The form fields as stored and shown: each null until filled in. */
export const ZManifestForm = z.object({
  pickupAddress: z.string().nullable(),
  destinationAddress: z.string().nullable(),
  shipperContact: z.object({ name: z.string(), phone: z.string() }).nullable(),
  carrierContact: z.object({ name: z.string(), phone: z.string() }).nullable(),
  receiverContact: z.object({ name: z.string(), phone: z.string() }).nullable(),
  driverCertificateNumber: z.string().nullable(),
  vehiclePermitNumber: z.string().nullable(),
  hazardousConstituents: z.string().nullable(),
  packageCount: z.number().int().nullable(),
  managementPlanRef: z.string().nullable(),
  plannedMethodCode: z.string().nullable(),
});
export type TManifestForm = z.infer<typeof ZManifestForm>;
export const MANIFEST_FORM_FIELDS = Object.keys(ZManifestForm.shape) as (keyof TManifestForm)[];

/** A form with nothing filled in. */
export function emptyManifestForm(): TManifestForm {
  return Object.fromEntries(MANIFEST_FORM_FIELDS.map((f) => [f, null])) as unknown as TManifestForm;
}

/**
 * A trip that ran on a paper manifest while the system was down (the rules allow entering it within
 * 10 working days): the paper form's number and the day the load left.
 */
export const ZPaperRecordInput = z.strictObject({
  paperNumber: zText()
    .trim()
    .regex(/^[0-9A-Za-z-]{4,40}$/, '4–40 letters, digits or hyphens'),
  /** The day the load left on the paper manifest (Shanghai date), at most 10 working days ago. */
  shippedOn: ZDate,
  /** Why the paper form was used (the outage). */
  reason: zMultilineText().trim().min(1, 'required').max(500, 'at most 500 characters'),
});
export const ZPaperRecord = z.object({
  paperNumber: z.string(),
  shippedOn: z.string(),
  reason: z.string(),
  /** The last day it could be entered: shippedOn + 10 working days. */
  enterBy: z.string(),
});
export type TPaperRecord = z.infer<typeof ZPaperRecord>;

/** POST /manifests/:id/cancel: the shipper withdraws a draft (a `cancel` event in the chain). */
export const ZCancelManifestRequest = z.strictObject({
  reason: zMultilineText().trim().min(2, 'at least 2 characters').max(500, 'at most 500 characters'),
});
export type TCancelManifestRequest = z.infer<typeof ZCancelManifestRequest>;

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
  /** The national form's further fields (all optional; may follow in POST /manifests/:id/form). */
  form: ZManifestFormInput.optional(),
  /** Set when entering a trip that ran on a paper manifest during an outage. */
  paper: ZPaperRecordInput.optional(),
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
  report_disposal: { required: ['methodCode', 'disposalDate'], optional: ['method', 'note'] },
};
const EVENT_FIELD_NAMES = [
  'weightKg',
  'decision',
  'acceptedKg',
  'methodCode',
  'method',
  'disposalDate',
  'note',
  'officialNumber',
] as const;

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
    /** report_disposal: the utilisation or disposal method as a national code (R4, D10, C1 …). */
    methodCode: ZDisposalMethodCode.optional(),
    /** report_disposal: a free-text note on the method (e.g. 安全填埋前稳定化); the code is what counts. */
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
  /** The national method code reported at disposal (null on trips reported before codes were asked). */
  disposalMethodCode: z.string().nullable(),
  disposalDate: z.string().nullable(),
  /** The national form's further fields (issue 14); null where not filled in. */
  form: ZManifestForm,
  /** Set when the trip ran on a paper manifest and was entered afterwards. */
  paper: ZPaperRecord.nullable(),
  /** When the shipper cancelled the draft, and why. */
  cancelledAt: z.string().nullable(),
  cancelReason: z.string().nullable(),
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
