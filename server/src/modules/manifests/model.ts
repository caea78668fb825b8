/**
 * The manifest as a projection of its events, pure: `applyEvent` folds one event into the state the
 * manifest row holds. The service writes the row from it in the transaction that appends the event,
 * and the audit replays every stored event through it and compares the result with the row. Anything
 * that depends on configuration or the clock (deadlines, the weight gap) is decided when the event is
 * recorded and stored in the event's data, so a replay never needs the configuration of that day.
 */
import canonicalize from 'canonicalize';
import {
  MANIFEST_STEPS,
  type TManifestLine,
  type TManifestParties,
  type TManifestPart,
  type TManifestStatus,
  type TManifestEventType,
  type TReceiptDecision,
  type TManifestForm,
  type TPaperRecord,
  emptyManifestForm,
  MANIFEST_FORM_FIELDS,
} from '../../../../shared/src/schemas/manifests.js';

export interface ManifestEventRecord {
  seq: number;
  type: 'open' | 'cancel' | TManifestEventType | AsideEventType;
  at: Date;
  data: Record<string, unknown>;
  hash: string;
}

/**
 * Events beside the lifecycle, which move no status: `resolve` (the admin's accepted kg for a
 * disputed trip, issue 13 item 3), `document` (an uploaded file's SHA-256, issue 13 item 10) and
 * `supplement` (national-form fields the shipper adds after opening, issue 14).
 */
/** `official_number`: the national system's number for the manifest, set by the government system (issue 14). */
export type AsideEventType = 'resolve' | 'document' | 'supplement' | 'official_number';
/** Statuses in which the shipper may still supplement the form: the trip is not finished or cancelled. */
export const SUPPLEMENTABLE_STATUSES: ReadonlySet<TManifestStatus> = new Set([
  'draft',
  'issued',
  'loaded',
  'in_transit',
  'arrived',
]);
/** A trip no longer moving: received, rejected or closed. */
export const FINISHED_STATUSES: ReadonlySet<TManifestStatus> = new Set(['received', 'rejected', 'closed']);

/** What `open` carries: the whole form as the shipper filled it in. */
export interface OpenData {
  tradeId: string;
  number: string;
  officialNumber: string | null;
  kind: 'hazardous' | 'general' | 'collection';
  shipperOrgId: string;
  carrierOrgId: string;
  receiverOrgId: string;
  parties: TManifestParties;
  vehiclePlate: string;
  driverName: string;
  materialCode: string;
  wasteCode: string;
  category: string;
  lines: TManifestLine[];
  emergencyMeasures: string;
  originDistrict: string;
  destinationDistrict: string;
  declaredKg: number;
  /**
   * Issue 14: the national form's further fields as given at opening (only those given), and the
   * paper record of a trip entered after an outage. Absent from `open` events written before them.
   */
  form?: Partial<TManifestForm>;
  paper?: TPaperRecord;
}

/** The columns of the manifest row that are the projection of its events. */
export interface ManifestProjection extends Omit<OpenData, 'form' | 'paper'> {
  status: TManifestStatus;
  loadedKg: number | null;
  receivedKg: number | null;
  acceptedKg: number | null;
  decision: TReceiptDecision | null;
  decisionNote: string | null;
  disposalMethod: string | null;
  disposalMethodCode: string | null;
  disposalDate: string | null;
  form: TManifestForm;
  paper: TPaperRecord | null;
  cancelledAt: Date | null;
  cancelReason: string | null;
  issuedAt: Date | null;
  loadedAt: Date | null;
  departedAt: Date | null;
  arrivedAt: Date | null;
  receivedAt: Date | null;
  closedAt: Date | null;
  receiptDueAt: Date | null;
  disposalDueAt: Date | null;
  eventCount: number;
  lastHash: string;
}

const PROJECTED_FIELDS = [
  'tradeId',
  'number',
  'officialNumber',
  'kind',
  'shipperOrgId',
  'carrierOrgId',
  'receiverOrgId',
  'parties',
  'vehiclePlate',
  'driverName',
  'materialCode',
  'wasteCode',
  'category',
  'lines',
  'emergencyMeasures',
  'originDistrict',
  'destinationDistrict',
  'declaredKg',
  'status',
  'loadedKg',
  'receivedKg',
  'acceptedKg',
  'decision',
  'decisionNote',
  'disposalMethod',
  'disposalMethodCode',
  'disposalDate',
  'form',
  'paper',
  'cancelledAt',
  'cancelReason',
  'issuedAt',
  'loadedAt',
  'departedAt',
  'arrivedAt',
  'receivedAt',
  'closedAt',
  'receiptDueAt',
  'disposalDueAt',
  'eventCount',
  'lastHash',
] as const satisfies readonly (keyof ManifestProjection)[];

/** The next steps from a status (for 409 details.allowed and the UI). */
export function nextSteps(status: TManifestStatus): readonly { type: TManifestEventType; by: TManifestPart }[] {
  return MANIFEST_STEPS[status];
}

export function stepFor(
  status: TManifestStatus,
  type: TManifestEventType,
): { by: TManifestPart; to: readonly TManifestStatus[] } | null {
  return MANIFEST_STEPS[status].find((s) => s.type === type) ?? null;
}

/** |loaded − received| / loaded in basis points, rounded half up; null until both are known. */
export function weightGapBp(loadedKg: number | null, receivedKg: number | null): number | null {
  if (loadedKg == null || receivedKg == null || loadedKg <= 0) return null;
  const gap = BigInt(Math.abs(loadedKg - receivedKg)) * 10_000n;
  const l = BigInt(loadedKg);
  return Number((gap * 2n + l) / (2n * l));
}

/** Whether the gap is above the tolerance, decided exactly: |l − r| × 10 000 > bp × l. */
export function gapAboveTolerance(loadedKg: number, receivedKg: number, toleranceBp: number): boolean {
  return BigInt(Math.abs(loadedKg - receivedKg)) * 10_000n > BigInt(toleranceBp) * BigInt(loadedKg);
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);
const date = (v: unknown): Date | null => (typeof v === 'string' ? new Date(v) : null);

/** The form with the given fields laid over it (only known fields; undefined leaves a field as it was). */
export function mergeForm(form: TManifestForm, given: Record<string, unknown> | undefined): TManifestForm {
  const out = { ...form } as Record<string, unknown>;
  for (const f of MANIFEST_FORM_FIELDS) if (given && given[f] !== undefined) out[f] = given[f];
  return out as unknown as TManifestForm;
}

export class ProjectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProjectionError';
  }
}

/** Folds one event into the projection. Throws ProjectionError on an event that does not fit (a broken history). */
export function applyEvent(state: ManifestProjection | null, e: ManifestEventRecord): ManifestProjection {
  if (e.type === 'open') {
    if (state) throw new ProjectionError(`event ${e.seq}: open on an existing manifest`);
    const d = e.data as unknown as OpenData;
    return {
      tradeId: d.tradeId,
      number: d.number,
      officialNumber: d.officialNumber ?? null,
      kind: d.kind,
      shipperOrgId: d.shipperOrgId,
      carrierOrgId: d.carrierOrgId,
      receiverOrgId: d.receiverOrgId,
      parties: d.parties,
      vehiclePlate: d.vehiclePlate,
      driverName: d.driverName,
      materialCode: d.materialCode,
      wasteCode: d.wasteCode,
      category: d.category,
      lines: d.lines,
      emergencyMeasures: d.emergencyMeasures,
      originDistrict: d.originDistrict,
      destinationDistrict: d.destinationDistrict,
      declaredKg: d.declaredKg,
      status: 'draft',
      loadedKg: null,
      receivedKg: null,
      acceptedKg: null,
      decision: null,
      decisionNote: null,
      disposalMethod: null,
      disposalMethodCode: null,
      disposalDate: null,
      form: mergeForm(emptyManifestForm(), d.form),
      paper: d.paper ?? null,
      cancelledAt: null,
      cancelReason: null,
      issuedAt: null,
      loadedAt: null,
      departedAt: null,
      arrivedAt: null,
      receivedAt: null,
      closedAt: null,
      receiptDueAt: null,
      disposalDueAt: null,
      eventCount: 1,
      lastHash: e.hash,
    };
  }
  if (!state) throw new ProjectionError(`event ${e.seq}: ${e.type} before open`);
  if (e.type === 'document') return { ...state, eventCount: state.eventCount + 1, lastHash: e.hash };
  if (e.type === 'official_number')
    return { ...state, officialNumber: str(e.data.officialNumber), eventCount: state.eventCount + 1, lastHash: e.hash };
  if (e.type === 'supplement') {
    if (!SUPPLEMENTABLE_STATUSES.has(state.status))
      throw new ProjectionError(`event ${e.seq}: supplement on a ${state.status} trip`);
    const form = mergeForm(state.form, e.data.form as Record<string, unknown> | undefined);
    return { ...state, form, eventCount: state.eventCount + 1, lastHash: e.hash };
  }
  if (e.type === 'cancel') {
    if (state.status !== 'draft') throw new ProjectionError(`event ${e.seq}: cancel on a ${state.status} trip`);
    return {
      ...state,
      status: 'cancelled',
      cancelledAt: e.at,
      cancelReason: str(e.data.reason),
      eventCount: state.eventCount + 1,
      lastHash: e.hash,
    };
  }
  if (e.type === 'resolve') {
    if (!FINISHED_STATUSES.has(state.status)) throw new ProjectionError(`event ${e.seq}: resolve on a ${state.status} trip`);
    return { ...state, acceptedKg: num(e.data.acceptedKg), eventCount: state.eventCount + 1, lastHash: e.hash };
  }
  const step = stepFor(state.status, e.type);
  if (!step) throw new ProjectionError(`event ${e.seq}: ${e.type} is not a step from ${state.status}`);
  const s: ManifestProjection = { ...state, eventCount: state.eventCount + 1, lastHash: e.hash };
  const d = e.data;
  switch (e.type) {
    case 'issue':
      s.status = 'issued';
      s.issuedAt = e.at;
      if (str(d.officialNumber)) s.officialNumber = str(d.officialNumber);
      break;
    case 'load':
      s.status = 'loaded';
      s.loadedAt = e.at;
      s.loadedKg = num(d.weightKg);
      break;
    case 'depart':
      s.status = 'in_transit';
      s.departedAt = e.at;
      break;
    case 'arrive':
      s.status = 'arrived';
      s.arrivedAt = e.at;
      s.receiptDueAt = date(d.receiptDueAt);
      break;
    case 'receive': {
      const decision = d.decision as TReceiptDecision;
      s.status = decision === 'reject' ? 'rejected' : 'received';
      s.receivedAt = e.at;
      s.receivedKg = num(d.weightKg);
      s.acceptedKg = num(d.acceptedKg);
      s.decision = decision;
      s.decisionNote = str(d.note);
      s.disposalDueAt = date(d.disposalDueAt);
      break;
    }
    case 'report_disposal':
      s.status = 'closed';
      s.closedAt = e.at;
      // Before issue 14 the method was free text; since, the code is stored and the label derived
      // from it at recording time (so a replay never needs the code list of that day).
      s.disposalMethod = str(d.methodLabel) ?? str(d.method);
      s.disposalMethodCode = str(d.methodCode);
      s.disposalDate = str(d.disposalDate);
      break;
  }
  return s;
}

/** Replays a whole history. */
export function project(events: readonly ManifestEventRecord[]): ManifestProjection | null {
  let s: ManifestProjection | null = null;
  for (const e of events) s = applyEvent(s, e);
  return s;
}

/** The projected fields on which a row and a replay disagree (dates compared by instant, objects by JSON). */
export function projectionMismatches(row: Record<string, unknown>, replay: ManifestProjection): string[] {
  const norm = (v: unknown): string => (v instanceof Date ? v.toISOString() : (canonicalize(v ?? null) ?? 'null'));
  return PROJECTED_FIELDS.filter((f) => norm(row[f]) !== norm(replay[f]));
}
