/**
 * What the manifests use cases share: the deps, the constants of DESIGN §5.6, the projections to
 * the API shapes, the chain append, the announcements and delivering a trade whose trips are done.
 */
import type { Logger } from 'pino';
import type { Clock, Ids } from '../../clock.js';
import type { Config } from '../../config.js';
import type { Db, DbOrTx, Tx } from '../../db/client.js';
import { AppError, ErrorCodes, type FieldError } from '../../../../shared/src/errors.js';
import { decodeCursor } from '../../../../shared/src/schemas/common.js';
import { type WorkCalendar } from '../../../../shared/src/workdays.js';
import { Rooms } from '../../../../shared/src/realtime.js';
import {
  type TManifest,
  type TManifestEvent,
  type TManifestEventType,
  type TManifestPart,
  type TManifestSummary,
  type TTripDispute,
  type TTripResolution,
} from '../../../../shared/src/schemas/manifests.js';
import type { UserActor } from '../../http/actor.js';
import type { CatalogService } from '../catalog/index.js';
import { overseenDistricts, type HeldLicence, type OrgRow } from '../orgs/index.js';
import { type TradeRow } from '../trades/index.js';
import { licenceCovers } from '../eligibility/index.js';
import { markDelivered } from '../settlement/index.js';
import { publishEvent, regulatorRooms } from '../../realtime/publish.js';
import { CHAIN_VERSION, chainHash, type ChainedEvent } from './chain.js';
import {
  applyEvent,
  FINISHED_STATUSES,
  nextSteps,
  weightGapBp,
  type ManifestEventRecord,
  type ManifestProjection,
} from './model.js';
import * as repo from './repo.js';

export type ManifestRow = repo.ManifestRow;
export type Material = Awaited<ReturnType<CatalogService['getMaterial']>>;

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
export const PART_FOR: Record<TManifestEventType, TManifestPart> = {
  issue: 'shipper',
  load: 'carrier',
  depart: 'carrier',
  arrive: 'carrier',
  receive: 'receiver',
  report_disposal: 'receiver',
};
export const PART_ZH: Record<TManifestPart, string> = {
  shipper: 'shipper (移出人)',
  carrier: 'assigned carrier (承运人)',
  receiver: 'receiver (接受人)',
};
/** Trade states in which trips may be opened. */
export const OPENABLE: readonly TradeRow['status'][] = ['funded', 'in_transit'];
/** A trip no longer moving: it counts towards the trade's delivery. */
const FINISHED: ReadonlySet<string> = FINISHED_STATUSES;
/** A paper manifest used during an outage is entered within this many working days (DOMAIN.md). */
export const PAPER_ENTRY_WORKING_DAYS = 10;
/** Weights above this multiple of the declared kg are refused as typing errors. */
export const MAX_WEIGHT_FACTOR = 3;

/** Why a trip is disputed, from its receive event (null when it is not). */
export function disputeOf(events: readonly repo.ManifestEventRow[]): TTripDispute | null {
  const receive = events.find((e) => e.type === 'receive');
  const load = events.find((e) => e.type === 'load');
  if (!receive) return null;
  const d = receive.data;
  const reasons: TTripDispute['reasons'] = [];
  if (d.weightGapAboveTolerance === true) reasons.push('weight_gap');
  if (d.decision === 'reject') reasons.push('rejection');
  if (reasons.length === 0) return null;
  const n = (v: unknown) => (typeof v === 'number' ? v : null);
  return {
    reasons,
    loadedKg: n(load?.data.weightKg),
    receivedKg: n(d.weightKg),
    gapBp: n(d.weightGapBp),
    toleranceBp: n(d.toleranceBp) ?? 0,
    receiverAcceptedKg: n(d.acceptedKg),
    receiverNote: typeof d.note === 'string' ? d.note : null,
  };
}

/** The admin's resolution, from the trip's `resolve` event (null until there is one). */
export function resolutionOf(events: readonly repo.ManifestEventRow[]): TTripResolution | null {
  const e = events.find((x) => x.type === 'resolve');
  if (!e) return null;
  return {
    acceptedKg: Number(e.data.acceptedKg),
    previousAcceptedKg: typeof e.data.previousAcceptedKg === 'number' ? e.data.previousAcceptedKg : null,
    note: String(e.data.note ?? ''),
    at: e.at.toISOString(),
    decidedByUserId: e.actorUserId,
    decidedBy: String(e.data.decidedBy ?? 'admin'),
    hash: e.hash,
  };
}

// ── Pure helpers ─────────────────────────────────────────────────────────────────────────────

export function partsOf(
  orgId: string | null,
  m: Pick<ManifestRow, 'shipperOrgId' | 'carrierOrgId' | 'receiverOrgId'>,
): TManifestPart[] {
  if (!orgId) return [];
  const parts: TManifestPart[] = [];
  if (m.shipperOrgId === orgId) parts.push('shipper');
  if (m.carrierOrgId === orgId) parts.push('carrier');
  if (m.receiverOrgId === orgId) parts.push('receiver');
  return parts;
}

/** Parties, the carrier, the admin and regulators whose scope has the origin or destination. */
export function canSeeManifest(
  actor: UserActor,
  m: Pick<ManifestRow, 'shipperOrgId' | 'carrierOrgId' | 'receiverOrgId' | 'originDistrict' | 'destinationDistrict'>,
): boolean {
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
  if ((m.status === 'loaded' || m.status === 'in_transit') && m.loadedAt && m.loadedAt.getTime() + transitStuckMs < now.getTime())
    return 'transit';
  return null;
}

export const iso = (d: Date | null): string | null => d?.toISOString() ?? null;

export function toEvent(e: repo.ManifestEventRow): TManifestEvent {
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

export function chained(e: repo.ManifestEventRow) {
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

export function record(e: repo.ManifestEventRow): ManifestEventRecord {
  return { seq: e.seq, type: e.type as ManifestEventRecord['type'], at: e.at, data: e.data, hash: e.hash };
}

export function fieldError(path: string, message: string): AppError {
  const fields: FieldError[] = [{ path, message }];
  return new AppError(ErrorCodes.VALIDATION_FAILED, `invalid request: ${path}`, { fields });
}

export function invalidState(status: string, message: string, allowed: string[]): AppError {
  return new AppError(ErrorCodes.INVALID_STATE, message, { status, allowed });
}

export function beforeSeqFromCursor(cursor: string | undefined): number | undefined {
  if (!cursor) return undefined;
  const v = decodeCursor(cursor)?.[0];
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw fieldError('cursor', 'invalid cursor');
  return v;
}

/** The covering, approved, in-date licence of a kind, or the eligibility error that explains why there is none. */
export function coveringLicence(
  held: HeldLicence[],
  o: { wasteCode: string; category: string | null; today: string; whose: string; kind: 'transport' | 'disposal' | 'collection' },
): { licence: HeldLicence } | { error: AppError } {
  const scope = o.category ? `${o.wasteCode} (${o.category})` : o.wasteCode;
  const details = { wasteCode: o.wasteCode, category: o.category, field: o.kind === 'transport' ? 'carrierOrgId' : undefined };
  if (held.length === 0)
    return {
      error: new AppError(
        ErrorCodes.LICENCE_REQUIRED,
        `${scope} is hazardous: ${o.whose} needs an approved ${o.kind} licence covering it`,
        details,
      ),
    };
  const covering = held.filter((l) => licenceCovers(l, o.wasteCode, o.category));
  if (covering.length === 0)
    return {
      error: new AppError(ErrorCodes.LICENCE_SCOPE, `${o.whose}'s ${o.kind} licences do not cover ${scope}`, {
        ...details,
        licences: held.map((l) => l.number),
      }),
    };
  const approved = covering.filter((l) => l.status === 'approved');
  if (approved.length === 0)
    return {
      error: new AppError(ErrorCodes.LICENCE_SUSPENDED, `${o.whose}'s ${o.kind} licence covering ${scope} is suspended`, {
        ...details,
        licences: covering.map((l) => l.number),
      }),
    };
  const valid = approved.find((l) => l.validFrom <= o.today && o.today <= l.validTo);
  if (!valid)
    return {
      error: new AppError(
        ErrorCodes.LICENCE_EXPIRED,
        `${o.whose}'s ${o.kind} licence covering ${scope} is not valid on ${o.today}`,
        { ...details, licences: approved.map((l) => l.number) },
      ),
    };
  return { licence: valid };
}

export function party(org: OrgRow, licenceNumber: string | null) {
  return { orgId: org.id, name: org.name, uscc: org.uscc, district: org.district, licenceNumber };
}

/** The trade for a trip's opening or its shipments' closing: visible, the caller its shipper. */
export function assertShipper(actor: UserActor, trade: TradeRow | null): asserts trade is TradeRow {
  if (!trade) throw new AppError(ErrorCodes.NOT_FOUND, 'no such trade');
  const party = actor.orgId === trade.generatorOrgId || actor.orgId === trade.receiverOrgId;
  const districts = overseenDistricts(actor);
  const visible =
    party || districts === null || districts.includes(trade.originDistrict) || districts.includes(trade.destinationDistrict);
  if (!visible) throw new AppError(ErrorCodes.NOT_FOUND, 'no such trade');
  if (actor.orgId !== trade.generatorOrgId)
    throw new AppError(
      ErrorCodes.NOT_A_PARTY,
      'only the shipper (the generator of this trade, 移出人) opens trips and closes shipments',
    );
}

/** The manifests module's pieces the use cases share, built once per service from its deps. */
export function createManifestKit(deps: ManifestsDeps) {
  const { db, clock, logger, config } = deps;
  const calendar: WorkCalendar = { holidays: config.HOLIDAYS, makeupWorkdays: config.MAKEUP_WORKDAYS };
  const transitStuckMs = config.TRANSIT_STUCK_HOURS * 3_600_000;

  function toSummary(row: ManifestRow, actor: UserActor | null, now: Date): TManifestSummary {
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
      disposalMethodCode: row.disposalMethodCode,
      disposalDate: row.disposalDate,
      form: row.form,
      paper: row.paper,
      cancelledAt: iso(row.cancelledAt),
      cancelReason: row.cancelReason,
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

  async function toManifest(dbx: DbOrTx, row: ManifestRow, actor: UserActor | null): Promise<TManifest> {
    const events = await repo.eventsOf(dbx, row.id);
    return {
      ...toSummary(row, actor, clock.now()),
      events: events.map(toEvent),
      dispute: disputeOf(events),
      resolution: resolutionOf(events),
    };
  }

  /** Appends one event to the chain and writes the projection, in the caller's transaction. */
  async function append(
    tx: Tx,
    m: { id: string; state: ManifestProjection | null; lastHash: string; eventCount: number },
    /** A machine client has no user: its events carry the org it acts for (or none) and its id in the data. */
    e: {
      type: ManifestEventRecord['type'];
      at: Date;
      actor: Pick<UserActor, 'orgId'> & { userId: string | null };
      data: Record<string, unknown>;
    },
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

  async function announce(
    tx: DbOrTx,
    row: Pick<
      ManifestRow,
      | 'id'
      | 'tradeId'
      | 'status'
      | 'number'
      | 'shipperOrgId'
      | 'carrierOrgId'
      | 'receiverOrgId'
      | 'originDistrict'
      | 'destinationDistrict'
    >,
    event: string,
    /** Who took the step; its own users get no notification of it (the live event still reaches them). */
    by?: { orgId: string | null },
  ): Promise<void> {
    await publishEvent(
      tx,
      [
        Rooms.org(row.shipperOrgId),
        Rooms.org(row.carrierOrgId),
        Rooms.org(row.receiverOrgId),
        ...regulatorRooms(row.originDistrict, row.destinationDistrict),
      ],
      'manifest.updated',
      { manifestId: row.id, tradeId: row.tradeId, status: row.status, number: row.number, event, byOrgId: by?.orgId ?? null },
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
    if (moved)
      logger.info(
        { tradeId: trade.id, acceptedKg: moved.acceptedKg, trips: trips.length },
        'trade delivered; settlement enqueued',
      );
    return moved !== null;
  }

  async function creditInput(
    tx: DbOrTx,
    e: {
      orgId: string;
      kind: string;
      manifest: Pick<ManifestRow, 'id' | 'number' | 'tradeId'>;
      occurredAt: Date;
      details?: Record<string, unknown>;
    },
  ) {
    await repo.recordCreditEvent(tx, {
      orgId: e.orgId,
      kind: e.kind,
      subjectType: 'manifest',
      subjectId: e.manifest.id,
      occurredAt: e.occurredAt,
      details: { number: e.manifest.number, tradeId: e.manifest.tradeId, ...e.details },
    });
  }

  async function visibleRow(actor: UserActor, id: string): Promise<ManifestRow> {
    const row = await repo.findManifest(db, id);
    if (!row || !canSeeManifest(actor, row)) throw new AppError(ErrorCodes.NOT_FOUND, 'no such manifest');
    return row;
  }

  return { calendar, transitStuckMs, toSummary, toManifest, append, announce, deliverIfComplete, creditInput, visibleRow };
}

export type ManifestKit = ReturnType<typeof createManifestKit>;
