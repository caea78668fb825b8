/**
 * Transfer manifests (转移联单, DESIGN §5.6, §6.8, §7): one per vehicle trip, opened by the shipper
 * (the trade's generator) on a funded trade and completed step by step — the shipper issues, the
 * assigned carrier loads, departs and arrives, the receiver weighs, decides and reports disposal.
 *
 * Every step is an event appended to the manifest's hash chain (chain.ts); the manifest row is the
 * projection of those events (model.ts), written in the same transaction. The trade follows the
 * status table of DESIGN §7 through the settlement module's markInTransit / markDelivered /
 * markDisputed, so settlement is enqueued in the transaction that makes the trade delivered.
 *
 * Locks, always in this order (RELIABILITY R3): the trade row, then the manifest row. Every change to
 * a trade's trips holds the trade lock, so two trips received at once cannot both miss the moment
 * the trade becomes delivered, and two `receive` calls on one trip record one receipt.
 */
import type { Logger } from 'pino';
import type { Clock, Ids } from '../../clock.js';
import type { Config } from '../../config.js';
import type { Db, DbOrTx, Tx } from '../../db/client.js';
import { dbNow, inTransaction } from '../../db/tx.js';
import { markDone } from '../../jobs/outbox.js';
import { AppError, ErrorCodes, type FieldError } from '../../../../shared/src/errors.js';
import { decodeCursor, encodeCursor, type TPage } from '../../../../shared/src/schemas/common.js';
import { shanghaiDate, shanghaiYear } from '../../../../shared/src/calendar.js';
import { calendarDaysDeadline, workingDaysDeadline, type WorkCalendar } from '../../../../shared/src/workdays.js';
import { Rooms } from '../../../../shared/src/realtime.js';
import {
  type TManifest,
  type TManifestAudit,
  type TManifestEvent,
  type TManifestEventRequest,
  type TManifestEventType,
  type TManifestLine,
  type TManifestPart,
  type TManifestParties,
  type TManifestsQuery,
  type TManifestSummary,
  type TOpenManifest,
  type TShipmentsClosed,
  type TCloseShipmentsRequest,
} from '../../../../shared/src/schemas/manifests.js';
import type { Actor } from '../auth/tokens.js';
import type { CatalogService } from '../catalog/service.js';
import { getOrgRow, licencesFor, overseenDistricts, type HeldLicence, type OrgRow } from '../orgs/service.js';
import { getTradeForUpdate, getTradeRow, type TradeRow } from '../trades/service.js';
import { getListingRow } from '../listings/service.js';
import { licenceCovers } from '../eligibility/index.js';
import { markDelivered, markDisputed, markInTransit } from '../settlement/service.js';
import { raiseAlert } from '../alerts/service.js';
import { publishEvent, regulatorRooms } from '../../realtime/publish.js';
import { CHAIN_VERSION, GENESIS_HASH, chainHash, verifyChain, type ChainedEvent } from './chain.js';
import { allocateManifestNumber } from './number.js';
import { defaultEmergencyMeasures } from './forms.js';
import {
  applyEvent,
  gapAboveTolerance,
  nextSteps,
  project,
  projectionMismatches,
  stepFor,
  weightGapBp,
  type ManifestEventRecord,
  type ManifestProjection,
  type OpenData,
} from './model.js';
import { renderManifestPdf, PdfFontMissing } from './pdf.js';
import { scheduleNextSweep, sweepDeadlines, type SweepResult } from './deadlines.js';
import * as repo from './repo.js';

export type ManifestsService = ReturnType<typeof createManifestsService>;
export type ManifestRow = repo.ManifestRow;
type Material = Awaited<ReturnType<CatalogService['getMaterial']>>;

export interface ManifestsDeps {
  db: Db;
  ids: Ids;
  clock: Clock;
  logger: Logger;
  config: Pick<
    Config,
    | 'RECEIPT_DUE_WORKING_DAYS'
    | 'DISPOSAL_DUE_DAYS'
    | 'HOLIDAYS'
    | 'MAKEUP_WORKDAYS'
    | 'WEIGHT_TOLERANCE_BP'
    | 'TRANSIT_STUCK_HOURS'
    | 'MANIFEST_SWEEP_SECONDS'
    | 'MANIFEST_PDF_FONT'
    | 'MANIFEST_PDF_FONT_NAME'
  >;
  catalog: Pick<CatalogService, 'getMaterial'>;
}

/** Who takes each step (the same for every status it applies to). */
const PART_FOR: Record<TManifestEventType, TManifestPart> = {
  issue: 'shipper',
  load: 'carrier',
  depart: 'carrier',
  arrive: 'carrier',
  receive: 'receiver',
  report_disposal: 'receiver',
};
const PART_ZH: Record<TManifestPart, string> = { shipper: 'shipper (移出人)', carrier: 'assigned carrier (承运人)', receiver: 'receiver (接受人)' };
/** Trade states in which trips may be opened. */
const OPENABLE: readonly TradeRow['status'][] = ['funded', 'in_transit'];
/** A trip no longer moving: it counts towards the trade's delivery. */
const FINISHED = new Set(['received', 'rejected', 'closed']);
/** Weights above this multiple of the declared kg are refused as typing errors. */
const MAX_WEIGHT_FACTOR = 3;

// ── Pure helpers ─────────────────────────────────────────────────────────────────────────────

export function partsOf(orgId: string | null, m: Pick<ManifestRow, 'shipperOrgId' | 'carrierOrgId' | 'receiverOrgId'>): TManifestPart[] {
  if (!orgId) return [];
  const parts: TManifestPart[] = [];
  if (m.shipperOrgId === orgId) parts.push('shipper');
  if (m.carrierOrgId === orgId) parts.push('carrier');
  if (m.receiverOrgId === orgId) parts.push('receiver');
  return parts;
}

/** Parties, the carrier, the admin and regulators whose scope has the origin or destination. */
export function canSeeManifest(actor: Actor, m: Pick<ManifestRow, 'shipperOrgId' | 'carrierOrgId' | 'receiverOrgId' | 'originDistrict' | 'destinationDistrict'>): boolean {
  if (partsOf(actor.orgId, m).length > 0) return true;
  const districts = overseenDistricts(actor);
  if (districts === null) return true;
  return districts.includes(m.originDistrict) || districts.includes(m.destinationDistrict);
}

/** Which deadline has passed with its step still open (keep in step with repo.overdueSql). */
export function overdueOf(
  m: Pick<ManifestRow, 'status' | 'receiptDueAt' | 'disposalDueAt' | 'loadedAt'>,
  now: Date,
  transitStuckMs: number,
): 'transit' | 'receipt' | 'disposal' | null {
  if (m.status === 'arrived' && m.receiptDueAt && m.receiptDueAt < now) return 'receipt';
  if (m.status === 'received' && m.disposalDueAt && m.disposalDueAt < now) return 'disposal';
  if ((m.status === 'loaded' || m.status === 'in_transit') && m.loadedAt && m.loadedAt.getTime() + transitStuckMs < now.getTime()) return 'transit';
  return null;
}

const iso = (d: Date | null): string | null => d?.toISOString() ?? null;

function toEvent(e: repo.ManifestEventRow): TManifestEvent {
  return {
    seq: e.seq,
    type: e.type,
    at: e.at.toISOString(),
    actorOrgId: e.actorOrgId,
    actorUserId: e.actorUserId,
    data: e.data,
    prevHash: e.prevHash,
    hash: e.hash,
  };
}

function chained(e: repo.ManifestEventRow) {
  return {
    v: e.v,
    manifestId: e.manifestId,
    seq: e.seq,
    type: e.type,
    at: e.at.toISOString(),
    actorOrgId: e.actorOrgId,
    actorUserId: e.actorUserId,
    data: e.data,
    prevHash: e.prevHash,
    hash: e.hash,
  };
}

function record(e: repo.ManifestEventRow): ManifestEventRecord {
  return { seq: e.seq, type: e.type as ManifestEventRecord['type'], at: e.at, data: e.data, hash: e.hash };
}

function fieldError(path: string, message: string): AppError {
  const fields: FieldError[] = [{ path, message }];
  return new AppError(ErrorCodes.VALIDATION_FAILED, `invalid request: ${path}`, { fields });
}

function invalidState(status: string, message: string, allowed: string[]): AppError {
  return new AppError(ErrorCodes.INVALID_STATE, message, { status, allowed });
}

function beforeSeqFromCursor(cursor: string | undefined): number | undefined {
  if (!cursor) return undefined;
  const v = decodeCursor(cursor)?.[0];
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw fieldError('cursor', 'invalid cursor');
  return v;
}

/** The covering, approved, in-date licence of a kind, or the eligibility error that explains why there is none. */
function coveringLicence(
  held: HeldLicence[],
  o: { wasteCode: string; category: string | null; today: string; whose: string; kind: 'transport' | 'disposal' },
): { licence: HeldLicence } | { error: AppError } {
  const scope = o.category ? `${o.wasteCode} (${o.category})` : o.wasteCode;
  const details = { wasteCode: o.wasteCode, category: o.category, field: o.kind === 'transport' ? 'carrierOrgId' : undefined };
  if (held.length === 0)
    return { error: new AppError(ErrorCodes.LICENCE_REQUIRED, `${scope} is hazardous: ${o.whose} needs an approved ${o.kind} licence covering it`, details) };
  const covering = held.filter((l) => licenceCovers(l, o.wasteCode, o.category));
  if (covering.length === 0)
    return { error: new AppError(ErrorCodes.LICENCE_SCOPE, `${o.whose}'s ${o.kind} licences do not cover ${scope}`, { ...details, licences: held.map((l) => l.number) }) };
  const approved = covering.filter((l) => l.status === 'approved');
  if (approved.length === 0)
    return { error: new AppError(ErrorCodes.LICENCE_SUSPENDED, `${o.whose}'s ${o.kind} licence covering ${scope} is suspended`, { ...details, licences: covering.map((l) => l.number) }) };
  const valid = approved.find((l) => l.validFrom <= o.today && o.today <= l.validTo);
  if (!valid)
    return { error: new AppError(ErrorCodes.LICENCE_EXPIRED, `${o.whose}'s ${o.kind} licence covering ${scope} is not valid on ${o.today}`, { ...details, licences: approved.map((l) => l.number) }) };
  return { licence: valid };
}

function party(org: OrgRow, licenceNumber: string | null) {
  return { orgId: org.id, name: org.name, uscc: org.uscc, district: org.district, licenceNumber };
}

export function createManifestsService(deps: ManifestsDeps) {
  const { db, ids, clock, logger, config } = deps;
  const calendar: WorkCalendar = { holidays: config.HOLIDAYS, makeupWorkdays: config.MAKEUP_WORKDAYS };
  const transitStuckMs = config.TRANSIT_STUCK_HOURS * 3_600_000;

  function toSummary(row: ManifestRow, actor: Actor | null, now: Date): TManifestSummary {
    return {
      id: row.id,
      number: row.number,
      officialNumber: row.officialNumber,
      tradeId: row.tradeId,
      kind: row.kind,
      status: row.status,
      shipperOrgId: row.shipperOrgId,
      carrierOrgId: row.carrierOrgId,
      receiverOrgId: row.receiverOrgId,
      parties: row.parties,
      vehiclePlate: row.vehiclePlate,
      driverName: row.driverName,
      materialCode: row.materialCode,
      wasteCode: row.wasteCode,
      lines: row.lines,
      emergencyMeasures: row.emergencyMeasures,
      originDistrict: row.originDistrict,
      destinationDistrict: row.destinationDistrict,
      declaredKg: row.declaredKg,
      loadedKg: row.loadedKg,
      receivedKg: row.receivedKg,
      acceptedKg: row.acceptedKg,
      decision: row.decision,
      decisionNote: row.decisionNote,
      disposalMethod: row.disposalMethod,
      disposalDate: row.disposalDate,
      issuedAt: iso(row.issuedAt),
      loadedAt: iso(row.loadedAt),
      departedAt: iso(row.departedAt),
      arrivedAt: iso(row.arrivedAt),
      receivedAt: iso(row.receivedAt),
      closedAt: iso(row.closedAt),
      receiptDueAt: iso(row.receiptDueAt),
      disposalDueAt: iso(row.disposalDueAt),
      overdue: overdueOf(row, now, transitStuckMs),
      weightGapBp: weightGapBp(row.loadedKg, row.receivedKg),
      weightToleranceBp: config.WEIGHT_TOLERANCE_BP,
      nextActions: nextSteps(row.status).map((s) => ({ type: s.type, by: s.by })),
      yourParts: partsOf(actor?.orgId ?? null, row),
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
    };
  }

  async function toManifest(dbx: DbOrTx, row: ManifestRow, actor: Actor | null): Promise<TManifest> {
    const events = await repo.eventsOf(dbx, row.id);
    return { ...toSummary(row, actor, clock.now()), events: events.map(toEvent) };
  }

  /** Appends one event to the chain and writes the projection, in the caller's transaction. */
  async function append(
    tx: Tx,
    m: { id: string; state: ManifestProjection | null; lastHash: string; eventCount: number },
    e: { type: ManifestEventRecord['type']; at: Date; actor: Actor; data: Record<string, unknown> },
  ): Promise<{ projection: ManifestProjection; event: repo.ManifestEventRow }> {
    const at = new Date(e.at.getTime()); // milliseconds: what timestamptz and toISOString both keep
    const c: ChainedEvent = {
      v: CHAIN_VERSION,
      manifestId: m.id,
      seq: m.eventCount + 1,
      type: e.type,
      at: at.toISOString(),
      actorOrgId: e.actor.orgId,
      actorUserId: e.actor.userId,
      data: e.data,
    };
    const hash = chainHash(m.lastHash, c);
    const projection = applyEvent(m.state, { seq: c.seq, type: e.type, at, data: e.data, hash });
    if (m.state === null) {
      await repo.insertManifest(tx, { id: m.id, createdBy: e.actor.userId, ...projection });
    } else {
      await repo.writeProjection(tx, m.id, projection);
    }
    const event = await repo.insertEvent(tx, {
      manifestId: m.id,
      seq: c.seq,
      v: c.v,
      type: c.type,
      at,
      actorOrgId: c.actorOrgId,
      actorUserId: c.actorUserId,
      data: c.data,
      prevHash: m.lastHash,
      hash,
    });
    return { projection, event };
  }

  async function announce(tx: DbOrTx, row: Pick<ManifestRow, 'id' | 'tradeId' | 'status' | 'number' | 'shipperOrgId' | 'carrierOrgId' | 'receiverOrgId' | 'originDistrict' | 'destinationDistrict'>, event: string): Promise<void> {
    await publishEvent(
      tx,
      [Rooms.org(row.shipperOrgId), Rooms.org(row.carrierOrgId), Rooms.org(row.receiverOrgId), ...regulatorRooms(row.originDistrict, row.destinationDistrict)],
      'manifest.updated',
      { manifestId: row.id, tradeId: row.tradeId, status: row.status, number: row.number, event },
      clock.now(),
    );
  }

  /**
   * The status table's last rule: once every trip is received or rejected (or closed) and either the
   * declared total covers the quantity or the shipper closed shipments, the trade is delivered on the
   * sum of accepted kg and settlement is enqueued (in this transaction). A disputed trade waits for
   * the admin.
   */
  async function deliverIfComplete(tx: Tx, trade: TradeRow): Promise<boolean> {
    const trips = await repo.manifestsOfTrade(tx, trade.id);
    if (!trips.every((m) => FINISHED.has(m.status))) return false;
    const declared = trips.reduce((s, m) => s + m.declaredKg, 0);
    if (declared < trade.quantityKg && !(await repo.findClosure(tx, trade.id))) return false;
    const accepted = trips.reduce((s, m) => s + (m.acceptedKg ?? 0), 0);
    const moved = await markDelivered(tx, { clock }, trade.id, accepted);
    if (moved) logger.info({ tradeId: trade.id, acceptedKg: moved.acceptedKg, trips: trips.length }, 'trade delivered; settlement enqueued');
    return moved !== null;
  }

  async function creditInput(tx: DbOrTx, e: { orgId: string; kind: string; manifest: Pick<ManifestRow, 'id' | 'number' | 'tradeId'>; occurredAt: Date; details?: Record<string, unknown> }) {
    await repo.recordCreditEvent(tx, {
      orgId: e.orgId,
      kind: e.kind,
      subjectType: 'manifest',
      subjectId: e.manifest.id,
      occurredAt: e.occurredAt,
      details: { number: e.manifest.number, tradeId: e.manifest.tradeId, ...e.details },
    });
  }

  /** The trade for a trip's opening or its shipments' closing: visible, the caller its shipper. */
  function assertShipper(actor: Actor, trade: TradeRow | null): asserts trade is TradeRow {
    if (!trade) throw new AppError(ErrorCodes.NOT_FOUND, 'no such trade');
    const party = actor.orgId === trade.generatorOrgId || actor.orgId === trade.receiverOrgId;
    const districts = overseenDistricts(actor);
    const visible = party || districts === null || districts.includes(trade.originDistrict) || districts.includes(trade.destinationDistrict);
    if (!visible) throw new AppError(ErrorCodes.NOT_FOUND, 'no such trade');
    if (actor.orgId !== trade.generatorOrgId)
      throw new AppError(ErrorCodes.NOT_A_PARTY, 'only the shipper (the generator of this trade, 移出人) opens trips and closes shipments');
  }

  async function buildOpenData(tx: Tx, trade: TradeRow, input: TOpenManifest, number: string, material: Material): Promise<OpenData> {
    const today = shanghaiDate(clock.now());
    const carrier = await getOrgRow(tx, input.carrierOrgId);
    if (!carrier) throw fieldError('carrierOrgId', 'no such organisation');
    if (!carrier.roles.includes('carrier')) throw fieldError('carrierOrgId', 'this organisation is not registered as a carrier (运输单位)');
    const category = trade.category.startsWith('HW') ? trade.category : null;
    let carrierLicence: string | null = null;
    let receiverLicence: string | null = null;
    if (trade.hazardous) {
      const c = coveringLicence(await licencesFor(tx, carrier.id, 'transport'), { wasteCode: trade.wasteCode, category, today, whose: 'the carrier', kind: 'transport' });
      if ('error' in c) throw c.error;
      carrierLicence = c.licence.number;
      const r = coveringLicence(await licencesFor(tx, trade.receiverOrgId, 'disposal'), { wasteCode: trade.wasteCode, category, today, whose: 'the receiver', kind: 'disposal' });
      // The receiver was eligible when it bid; the form records its licence number, or none if it lapsed since.
      receiverLicence = 'licence' in r ? r.licence.number : null;
    } else {
      const approved = (await licencesFor(tx, carrier.id, 'transport')).find((l) => l.status === 'approved' && l.validFrom <= today && today <= l.validTo);
      carrierLicence = approved?.number ?? null;
    }
    const shipper = (await getOrgRow(tx, trade.generatorOrgId))!;
    const receiver = (await getOrgRow(tx, trade.receiverOrgId))!;
    const parties: TManifestParties = { shipper: party(shipper, null), carrier: party(carrier, carrierLicence), receiver: party(receiver, receiverLicence) };
    const classified = trade.classifiedCode && trade.classifiedCode !== trade.materialCode;
    const listing = trade.listingId ? await getListingRow(tx, trade.listingId) : null;
    const hazard = (listing?.hazard ?? null) as { characteristics?: string[]; form?: string; packaging?: string } | null;
    const line: TManifestLine = {
      wasteCode: trade.wasteCode,
      category: trade.category,
      categoryNameZh: classified ? null : material.categoryNameZh,
      nameZh: material.nameZh,
      nameEn: material.nameEn,
      hazardCharacteristics: hazard?.characteristics ?? [],
      form: hazard?.form ?? null,
      packaging: hazard?.packaging ?? null,
      quantityKg: input.declaredKg,
    };
    return {
      tradeId: trade.id,
      number,
      officialNumber: input.officialNumber ?? null,
      kind: trade.hazardous ? 'hazardous' : 'general',
      shipperOrgId: trade.generatorOrgId,
      carrierOrgId: carrier.id,
      receiverOrgId: trade.receiverOrgId,
      parties,
      vehiclePlate: input.vehiclePlate,
      driverName: input.driverName,
      materialCode: trade.materialCode,
      wasteCode: trade.wasteCode,
      category: trade.category,
      lines: [line],
      emergencyMeasures:
        input.emergencyMeasures ?? defaultEmergencyMeasures({ hazardous: trade.hazardous, characteristics: line.hazardCharacteristics, form: line.form }),
      originDistrict: trade.originDistrict,
      destinationDistrict: trade.destinationDistrict,
      declaredKg: input.declaredKg,
    };
  }

  /** Checks a step's input against the manifest (400s naming the field) and returns the event data to store. */
  function stepData(m: ManifestRow, e: TManifestEventRequest, at: Date): Record<string, unknown> {
    const maxWeight = MAX_WEIGHT_FACTOR * m.declaredKg;
    const note = e.note !== undefined ? { note: e.note } : {};
    switch (e.type) {
      case 'issue':
        return { ...note, ...(e.officialNumber ? { officialNumber: e.officialNumber } : {}) };
      case 'load':
        if (e.weightKg! > maxWeight) throw fieldError('weightKg', `more than ${MAX_WEIGHT_FACTOR}× the declared ${m.declaredKg} kg; check the weight`);
        return { weightKg: e.weightKg!, ...note };
      case 'depart':
        return { ...note };
      case 'arrive':
        return { ...note, receiptDueAt: workingDaysDeadline(at, config.RECEIPT_DUE_WORKING_DAYS, calendar).toISOString() };
      case 'receive': {
        const received = e.weightKg!;
        if (received > maxWeight) throw fieldError('weightKg', `more than ${MAX_WEIGHT_FACTOR}× the declared ${m.declaredKg} kg; check the weight`);
        const cap = Math.min(received, m.declaredKg);
        let accepted: number;
        if (e.decision === 'reject') accepted = 0;
        else if (e.decision === 'accept') {
          if (e.acceptedKg !== undefined && e.acceptedKg !== cap)
            throw fieldError('acceptedKg', `an acceptance takes min(received, declared) = ${cap} kg; use partial for less`);
          accepted = cap;
        } else {
          if (e.acceptedKg! > m.declaredKg) throw fieldError('acceptedKg', `at most the declared ${m.declaredKg} kg`);
          accepted = e.acceptedKg!;
        }
        const gap = weightGapBp(m.loadedKg, received);
        return {
          weightKg: received,
          decision: e.decision!,
          acceptedKg: accepted,
          ...note,
          weightGapBp: gap,
          weightGapAboveTolerance: m.loadedKg != null && gapAboveTolerance(m.loadedKg, received, config.WEIGHT_TOLERANCE_BP),
          toleranceBp: config.WEIGHT_TOLERANCE_BP,
          late: !!m.receiptDueAt && at > m.receiptDueAt,
          ...(e.decision === 'reject' ? {} : { disposalDueAt: calendarDaysDeadline(at, config.DISPOSAL_DUE_DAYS).toISOString() }),
        };
      }
      case 'report_disposal': {
        const today = shanghaiDate(at);
        const receivedOn = m.receivedAt ? shanghaiDate(m.receivedAt) : today;
        if (e.disposalDate! > today) throw fieldError('disposalDate', `must not be in the future (today is ${today})`);
        if (e.disposalDate! < receivedOn) throw fieldError('disposalDate', `must not be before the receipt on ${receivedOn}`);
        return { method: e.method!, disposalDate: e.disposalDate!, ...note, late: !!m.disposalDueAt && at > m.disposalDueAt };
      }
    }
  }

  /** What a step changes beyond the manifest: the trade, alerts, credit inputs. */
  async function consequences(tx: Tx, trade: TradeRow, m: ManifestRow, type: TManifestEventType, data: Record<string, unknown>, at: Date): Promise<void> {
    if (type === 'load') {
      await markInTransit(tx, { clock }, trade.id);
      const listing = trade.listingId ? await getListingRow(tx, trade.listingId) : null;
      if (listing && at > listing.pickupTo)
        await creditInput(tx, { orgId: m.shipperOrgId, kind: 'late_pickup', manifest: m, occurredAt: at, details: { pickupTo: listing.pickupTo.toISOString(), carrierOrgId: m.carrierOrgId } });
    }
    if (type === 'receive') {
      if (data.late === true)
        await creditInput(tx, { orgId: m.receiverOrgId, kind: 'receipt_overdue', manifest: m, occurredAt: at, details: { receiptDueAt: iso(m.receiptDueAt) } });
      const trips = await repo.manifestsOfTrade(tx, trade.id);
      const acceptedSoFar = trips.reduce((s, x) => s + (x.acceptedKg ?? 0), 0);
      if (data.decision === 'reject')
        await raiseAlert(tx, ids, {
          kind: 'load_rejected',
          district: m.destinationDistrict,
          subjectType: 'manifest',
          subjectId: m.id,
          message: `manifest ${m.number}: the receiver rejected the load of ${m.declaredKg} kg ${m.wasteCode}: ${String(data.note ?? '')}`.slice(0, 500),
          details: { manifestId: m.id, number: m.number, tradeId: trade.id, receivedKg: data.weightKg, reason: data.note ?? null },
        });
      if (data.weightGapAboveTolerance === true) {
        await raiseAlert(tx, ids, {
          kind: 'weight_gap',
          district: m.destinationDistrict,
          subjectType: 'manifest',
          subjectId: m.id,
          message: `manifest ${m.number}: loaded ${m.loadedKg} kg, received ${String(data.weightKg)} kg (gap ${(Number(data.weightGapBp) / 100).toFixed(2)} %, tolerance ${(config.WEIGHT_TOLERANCE_BP / 100).toFixed(2)} %)`,
          details: { manifestId: m.id, number: m.number, tradeId: trade.id, loadedKg: m.loadedKg, receivedKg: data.weightKg, gapBp: data.weightGapBp, toleranceBp: config.WEIGHT_TOLERANCE_BP },
        });
        await markDisputed(tx, { clock }, trade.id, acceptedSoFar);
      }
      await deliverIfComplete(tx, (await getTradeForUpdate(tx, trade.id))!);
    }
    if (type === 'report_disposal' && data.late === true)
      await creditInput(tx, { orgId: m.receiverOrgId, kind: 'disposal_overdue', manifest: m, occurredAt: at, details: { disposalDueAt: iso(m.disposalDueAt) } });
  }

  async function visibleRow(actor: Actor, id: string): Promise<ManifestRow> {
    const row = await repo.findManifest(db, id);
    if (!row || !canSeeManifest(actor, row)) throw new AppError(ErrorCodes.NOT_FOUND, 'no such manifest');
    return row;
  }

  const service = {
    /** POST /trades/:id/manifests: the shipper opens a trip (draft) on a funded trade. */
    async openManifest(actor: Actor, tradeId: string, input: TOpenManifest): Promise<TManifest> {
      const pre = await getTradeRow(db, tradeId);
      assertShipper(actor, pre);
      // Read before the transaction: the catalogue reads on its own handle, which on PGlite would
      // wait for this transaction's connection.
      const material = await deps.catalog.getMaterial(pre.materialCode);
      return inTransaction(db, async (tx) => {
        const trade = await getTradeForUpdate(tx, tradeId);
        assertShipper(actor, trade);
        if (!OPENABLE.includes(trade.status))
          throw invalidState(
            trade.status,
            trade.status === 'awaiting_payment'
              ? 'the trade is not funded yet; trips are opened once the payer has paid into escrow'
              : `the trade is ${trade.status}; trips are opened while it is funded or in transit`,
            [...OPENABLE],
          );
        if (await repo.findClosure(tx, trade.id)) throw invalidState(trade.status, 'shipments of this trade are closed; no more trips', []);
        const trips = await repo.manifestsOfTrade(tx, trade.id);
        const declared = trips.reduce((s, m) => s + m.declaredKg, 0);
        if (declared + input.declaredKg > trade.quantityKg)
          throw fieldError('declaredKg', `the trips of this trade already declare ${declared} kg of ${trade.quantityKg} kg; at most ${trade.quantityKg - declared} kg remain`);
        const number = await allocateManifestNumber(tx, shanghaiYear(clock.now()));
        const data = await buildOpenData(tx, trade, input, number, material);
        const id = ids.uuid();
        const { projection } = await append(tx, { id, state: null, lastHash: GENESIS_HASH, eventCount: 0 }, {
          type: 'open',
          at: clock.now(),
          actor,
          data: data as unknown as Record<string, unknown>,
        });
        const row = (await repo.findManifest(tx, id))!;
        await announce(tx, row, 'open');
        logger.info({ manifestId: id, number: projection.number, tradeId }, 'manifest opened');
        return toManifest(tx, row, actor);
      });
    },

    /** POST /trades/:id/close-shipments: the shipper says no more trips will come; the trade may become delivered now. */
    async closeShipments(actor: Actor, tradeId: string, input: TCloseShipmentsRequest = {}): Promise<TShipmentsClosed> {
      assertShipper(actor, await getTradeRow(db, tradeId));
      return inTransaction(db, async (tx) => {
        const trade = await getTradeForUpdate(tx, tradeId);
        assertShipper(actor, trade);
        if (!OPENABLE.includes(trade.status) && trade.status !== 'disputed')
          throw invalidState(trade.status, `the trade is ${trade.status}; shipments are closed while it is funded, in transit or disputed`, [...OPENABLE, 'disputed']);
        const trips = await repo.manifestsOfTrade(tx, trade.id);
        const declaredKg = trips.reduce((s, m) => s + m.declaredKg, 0);
        const closure = await repo.insertClosure(tx, { tradeId, closedBy: actor.userId, closedByOrg: actor.orgId!, closedAt: clock.now(), declaredKg });
        if (!closure) throw invalidState(trade.status, 'shipments of this trade are already closed', []);
        await repo.insertAudit(tx, {
          actorUserId: actor.userId,
          actorOrgId: actor.orgId,
          action: 'trade.shipments_closed',
          subjectType: 'trade',
          subjectId: tradeId,
          details: { declaredKg, quantityKg: trade.quantityKg, trips: trips.length, note: input.note ?? null },
        });
        await deliverIfComplete(tx, trade);
        const after = (await getTradeRow(tx, tradeId))!;
        return { tradeId, closedAt: closure.closedAt.toISOString(), declaredKg, tradeStatus: after.status };
      });
    },

    /** POST /manifests/:id/events: one step of the lifecycle, by the party it belongs to. */
    async recordManifestEvent(actor: Actor, manifestId: string, input: TManifestEventRequest): Promise<TManifest> {
      const before = await visibleRow(actor, manifestId);
      return inTransaction(db, async (tx) => {
        const trade = (await getTradeForUpdate(tx, before.tradeId))!;
        const m = (await repo.findManifest(tx, manifestId, true))!;
        const by = PART_FOR[input.type];
        if (!partsOf(actor.orgId, m).includes(by))
          throw new AppError(ErrorCodes.NOT_A_PARTY, `only the ${PART_ZH[by]} of this manifest can ${input.type.replace('_', ' ')}`, { requiredPart: by });
        const step = stepFor(m.status, input.type);
        if (!step) {
          const allowed = nextSteps(m.status).map((s) => s.type);
          throw invalidState(
            m.status,
            allowed.length ? `the manifest is ${m.status}; the next step is ${allowed.join(' or ')}, not ${input.type}` : `the manifest is ${m.status}; no further steps`,
            allowed,
          );
        }
        const at = clock.now();
        const data = stepData(m, input, at);
        const events = await repo.eventsOf(tx, m.id);
        const state = project(events.map(record));
        await append(tx, { id: m.id, state, lastHash: m.lastHash, eventCount: m.eventCount }, { type: input.type, at, actor, data });
        const after = (await repo.findManifest(tx, m.id))!;
        await consequences(tx, trade, after, input.type, data, at);
        await announce(tx, after, input.type);
        return toManifest(tx, after, actor);
      });
    },

    /** GET /manifests: parties and the carrier see theirs; regulators those with origin or destination in scope. */
    async listManifests(actor: Actor, q: TManifestsQuery): Promise<TPage<TManifestSummary>> {
      const now = clock.now();
      const rows = await repo.listManifests(db, {
        partyOrgId: actor.orgId,
        districts: overseenDistricts(actor),
        ...(q.status ? { status: q.status } : {}),
        ...(q.overdue !== undefined ? { overdue: q.overdue } : {}),
        ...(q.district ? { district: q.district } : {}),
        ...(q.material ? { material: q.material } : {}),
        ...(q.tradeId ? { tradeId: q.tradeId } : {}),
        now,
        transitStuckMs,
        beforeSeq: beforeSeqFromCursor(q.cursor),
        limit: q.limit + 1,
      });
      const page = rows.slice(0, q.limit);
      return { items: page.map((r) => toSummary(r, actor, now)), nextCursor: rows.length > q.limit ? encodeCursor([page.at(-1)!.seq]) : null };
    },

    /** GET /manifests/:id: the manifest with its timeline. */
    async getManifest(actor: Actor, id: string): Promise<TManifest> {
      return toManifest(db, await visibleRow(actor, id), actor);
    },

    /** GET /manifests/:id/audit: the chain recomputed from the stored events, and the row compared with their replay. */
    async auditManifest(actor: Actor, id: string): Promise<TManifestAudit> {
      const row = await visibleRow(actor, id);
      const events = await repo.eventsOf(db, id);
      const verdict = verifyChain(events.map(chained));
      let mismatches: string[];
      try {
        const replay = project(events.map(record));
        mismatches = replay ? projectionMismatches(row as unknown as Record<string, unknown>, replay) : ['(no events)'];
      } catch (err) {
        mismatches = [`(replay failed: ${(err as Error).message})`];
      }
      return {
        manifestId: row.id,
        number: row.number,
        events: events.map(toEvent),
        valid: verdict.valid,
        ...(verdict.valid ? {} : { brokenAt: verdict.brokenAt, reason: verdict.reason }),
        projectionValid: mismatches.length === 0,
        projectionMismatches: mismatches,
        algorithm: 'sha256(utf8(prevHash + JCS(event))), RFC 8785; first prevHash 64 zeros',
      };
    },

    /** GET /manifests/:id/pdf: the printable manifest. */
    async manifestPdf(actor: Actor, id: string): Promise<{ filename: string; pdf: Buffer }> {
      const manifest = await toManifest(db, await visibleRow(actor, id), actor);
      try {
        const pdf = await renderManifestPdf(manifest, { fontPath: config.MANIFEST_PDF_FONT, fontName: config.MANIFEST_PDF_FONT_NAME || undefined, now: clock.now() });
        return { filename: `manifest-${manifest.number}.pdf`, pdf };
      } catch (err) {
        if (err instanceof PdfFontMissing) {
          logger.error({ font: config.MANIFEST_PDF_FONT }, err.message);
          throw new AppError(ErrorCodes.UNAVAILABLE, 'printable manifests are unavailable: the server has no Chinese font installed (fonts-noto-cjk)');
        }
        throw err;
      }
    },

    /** One pass of the deadline sweep (the job, and tests with a moved clock). */
    sweepDeadlines(now: Date = clock.now()): Promise<SweepResult> {
      return sweepDeadlines({ db, ids, clock, logger, transitStuckMs, announce, creditInput }, now);
    },

    /** The `manifests.sweep` job: one pass, then the next pass scheduled MANIFEST_SWEEP_SECONDS later. */
    async runSweepJob(outboxId: number): Promise<void> {
      await service.sweepDeadlines();
      await inTransaction(db, async (tx) => {
        await markDone(tx, outboxId);
        await scheduleSweep(tx, outboxId);
      });
    },

    /** At start-up: make sure one sweep pass is scheduled. */
    async ensureSweepScheduled(): Promise<void> {
      await inTransaction(db, (tx) => scheduleSweep(tx, null));
    },
  };

  // On the database clock: a test's moved clock must not make the next pass due at once, forever.
  async function scheduleSweep(tx: Tx, currentOutboxId: number | null): Promise<void> {
    await scheduleNextSweep(tx, currentOutboxId, new Date((await dbNow(tx)).getTime() + config.MANIFEST_SWEEP_SECONDS * 1000));
  }

  return service;
}
