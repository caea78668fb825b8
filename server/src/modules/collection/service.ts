/**
 * Collection services for small producers (issue 18, seed §(二十四), 小箱进大箱). A collector (role
 * `collector`, an approved licence of kind `collection`) runs collection points. A small producer
 * declares a small lot at a point; the collector accepts it, which makes the intake's trade (the
 * producer pays the point's collection fee through the ordinary escrow and ledger: a negative price,
 * DESIGN §6.2) whose trips are manifests of kind `collection`. Received intakes of one waste code are
 * consolidated into a lot sold through an ordinary listing; the lot keeps its source intakes.
 */
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Clock, Ids } from '../../clock.js';
import type { Config } from '../../config.js';
import type { Db, DbOrTx } from '../../db/client.js';
import { collectionPoints, consolidatedLots, intakes } from '../../db/schema.js';
import { inTransaction, one, rows } from '../../db/tx.js';
import { recordAudit } from '../../db/audit.js';
import { AppError, ErrorCodes } from '../../../../shared/src/errors.js';
import { shanghaiDate, shanghaiYear, startOfShanghaiYear, endOfShanghaiYear } from '../../../../shared/src/calendar.js';
import type {
  TCreateLotRequest,
  TCreatePointRequest,
  TDeclareIntakeRequest,
  TIntake,
  TIntakesQuery,
  TLot,
  TPoint,
  TPointsQuery,
  TStock,
} from '../../../../shared/src/schemas/collection.js';
import type { UserActor } from '../../http/actor.js';
import { getOrgRow, licencesFor, type HeldLicence } from '../orgs/index.js';
import { createTradeForFill, type CreditReader } from '../trades/index.js';
import { licenceCovers } from '../eligibility/index.js';
import type { ListingsService } from '../listings/index.js';
import type { CatalogService } from '../catalog/index.js';

export interface CollectionDeps {
  db: Db;
  ids: Ids;
  clock: Clock;
  config: Pick<
    Config,
    'PLATFORM_FEE_BP' | 'SMALL_LOT_MAX_KG' | 'FALLBACK_RESPONSE_WORKING_DAYS' | 'HOLIDAYS' | 'MAKEUP_WORKDAYS'
  >;
  catalog: Pick<CatalogService, 'findMaterial'>;
  listings: Pick<ListingsService, 'createListing'>;
  readCredit?: CreditReader;
}

type IntakeRow = typeof intakes.$inferSelect;
type PointRow = typeof collectionPoints.$inferSelect;

export function toIntake(r: IntakeRow): TIntake {
  return {
    id: r.id,
    pointId: r.pointId,
    collectorOrgId: r.collectorOrgId,
    producerOrgId: r.producerOrgId,
    materialCode: r.materialCode,
    wasteCode: r.wasteCode,
    category: r.category,
    hazardous: r.hazardous,
    quantityKg: r.quantityKg,
    feePerTonneFen: r.feePerTonneFen,
    status: r.status,
    refusalCode: r.refusalCode,
    refusalReason: r.refusalReason,
    tradeId: r.tradeId,
    lotId: r.lotId,
    createdAt: r.createdAt.toISOString(),
    decidedAt: r.decidedAt?.toISOString() ?? null,
  };
}

function notFound(what: string): AppError {
  return new AppError(ErrorCodes.NOT_FOUND, `no such ${what}`);
}

function fieldError(path: string, message: string): AppError {
  return new AppError(ErrorCodes.VALIDATION_FAILED, message, { fields: [{ path, message }] });
}

/** Whether a trade is a collection intake's (the manifests module opens its trips as kind `collection`). */
export async function intakeOfTrade(dbx: DbOrTx, tradeId: string): Promise<{ id: string } | null> {
  const [r] = await dbx.select({ id: intakes.id }).from(intakes).where(eq(intakes.tradeId, tradeId));
  return r ?? null;
}

/** The collector's approved, in-date collection licences. */
async function collectionLicences(dbx: DbOrTx, orgId: string, today: string): Promise<HeldLicence[]> {
  return (await licencesFor(dbx, orgId, 'collection')).filter(
    (l) => l.status === 'approved' && l.validFrom <= today && today <= l.validTo,
  );
}

/** Kg of accepted intakes at a collector in a Shanghai calendar year (what its collection capacity counts). */
async function yearIntakeKg(dbx: DbOrTx, collectorOrgId: string, year: number): Promise<number> {
  const r = await one<{ kg: string | number | null }>(
    dbx,
    sql`select coalesce(sum(quantity_kg), 0) as kg from intakes
         where collector_org_id = ${collectorOrgId} and status = 'accepted'
           and decided_at >= ${startOfShanghaiYear(year).toISOString()}::timestamptz
           and decided_at < ${endOfShanghaiYear(year).toISOString()}::timestamptz`,
  );
  return Number(r?.kg ?? 0);
}

/**
 * The collector's licence that covers the code, or the refusal with its code: LICENCE_REQUIRED (no
 * approved collection licence), LICENCE_SCOPE (none covers the code or its HW category).
 */
function coveringCollectionLicence(held: HeldLicence[], wasteCode: string, category: string): HeldLicence {
  const scope = `${wasteCode} (${category})`;
  if (held.length === 0)
    throw new AppError(ErrorCodes.LICENCE_REQUIRED, 'this collector holds no approved collection licence in force', {
      wasteCode,
      category,
    });
  const covering = held.find((l) => licenceCovers(l, wasteCode, category));
  if (!covering)
    throw new AppError(ErrorCodes.LICENCE_SCOPE, `this collector's collection licences do not cover ${scope}`, {
      wasteCode,
      category,
      licences: held.map((l) => l.number),
    });
  return covering;
}

export function createCollectionService(deps: CollectionDeps) {
  const { db, ids, clock, config } = deps;

  async function pointRow(dbx: DbOrTx, id: string): Promise<PointRow | null> {
    const [r] = await dbx.select().from(collectionPoints).where(eq(collectionPoints.id, id));
    return r ?? null;
  }

  async function toPoint(dbx: DbOrTx, r: PointRow): Promise<TPoint> {
    const org = await getOrgRow(dbx, r.orgId);
    const held = await collectionLicences(dbx, r.orgId, shanghaiDate(clock.now()));
    return {
      id: r.id,
      orgId: r.orgId,
      orgName: org?.name ?? '',
      name: r.name,
      address: r.address,
      district: r.district,
      feePerTonneFen: r.feePerTonneFen,
      wasteCodes: [...new Set(held.flatMap((l) => l.wasteCodes))],
      createdAt: r.createdAt.toISOString(),
    };
  }

  async function classify(materialCode: string) {
    const m = await deps.catalog.findMaterial(db, materialCode);
    if (!m || !m.tradeable || m.category === 'HW01')
      throw fieldError('materialCode', `no tradeable material with code ${materialCode} in the catalogue`);
    return { wasteCode: m.code, category: m.category, hazardous: m.hazardous ?? false };
  }

  async function intakeForCollector(dbx: DbOrTx, actor: UserActor, id: string, lock = false): Promise<IntakeRow> {
    const q = dbx.select().from(intakes).where(eq(intakes.id, id));
    const [r] = lock ? await q.for('update') : await q;
    if (!r || r.collectorOrgId !== actor.orgId) throw notFound('intake');
    return r;
  }

  function notDeclared(r: IntakeRow): AppError {
    return new AppError(ErrorCodes.INVALID_STATE, `the intake is ${r.status}; only a declared intake is decided`, {
      allowed: [],
    });
  }

  return {
    /** POST /collection/points: a collector with an approved collection licence opens a collection point. */
    async createPoint(actor: UserActor, input: TCreatePointRequest): Promise<TPoint> {
      const orgId = actor.orgId!;
      const held = await collectionLicences(db, orgId, shanghaiDate(clock.now()));
      if (held.length === 0)
        throw new AppError(ErrorCodes.LICENCE_REQUIRED, 'a collection point needs an approved collection licence in force');
      return inTransaction(db, async (tx) => {
        const [row] = await tx
          .insert(collectionPoints)
          .values({ id: ids.uuid(), orgId, ...input })
          .returning();
        await recordAudit(tx, actor, {
          action: 'collection.point.create',
          subjectType: 'collection_point',
          subjectId: row!.id,
          details: { name: input.name, district: input.district, feePerTonneFen: input.feePerTonneFen },
        });
        return toPoint(tx, row!);
      });
    },

    /** GET /collection/points: every point whose collector holds a collection licence in force (a producer chooses one). */
    async listPoints(_actor: UserActor, q: TPointsQuery): Promise<{ items: TPoint[] }> {
      const all = await db
        .select()
        .from(collectionPoints)
        .where(q.district ? eq(collectionPoints.district, q.district) : undefined)
        .orderBy(collectionPoints.createdAt);
      const items: TPoint[] = [];
      for (const r of all) {
        const p = await toPoint(db, r);
        if (p.wasteCodes.length === 0) continue;
        if (q.code) {
          const m = await deps.catalog.findMaterial(db, q.code);
          if (!p.wasteCodes.some((c) => c === q.code || c === m?.category)) continue;
        }
        items.push(p);
      }
      return { items };
    },

    /**
     * POST /collection/intakes: a small producer declares a small lot at a point. Refused with
     * SMALL_LOT_TOO_LARGE above SMALL_LOT_MAX_KG, LICENCE_SCOPE when the collector may not take the code.
     */
    async declareIntake(actor: UserActor, input: TDeclareIntakeRequest): Promise<TIntake> {
      const producerOrgId = actor.orgId!;
      if (input.quantityKg > config.SMALL_LOT_MAX_KG)
        throw new AppError(
          ErrorCodes.SMALL_LOT_TOO_LARGE,
          `a collection point takes at most ${config.SMALL_LOT_MAX_KG} kg per shipment; list larger lots on the market`,
          { field: 'quantityKg', maxKg: config.SMALL_LOT_MAX_KG },
        );
      const point = await pointRow(db, input.pointId);
      if (!point) throw fieldError('pointId', 'no such collection point');
      if (point.orgId === producerOrgId) throw new AppError(ErrorCodes.SELF_DEALING, 'a collector does not collect from itself');
      const c = await classify(input.materialCode);
      coveringCollectionLicence(await collectionLicences(db, point.orgId, shanghaiDate(clock.now())), c.wasteCode, c.category);
      return inTransaction(db, async (tx) => {
        const [row] = await tx
          .insert(intakes)
          .values({
            id: ids.uuid(),
            pointId: point.id,
            collectorOrgId: point.orgId,
            producerOrgId,
            materialCode: input.materialCode,
            ...c,
            quantityKg: input.quantityKg,
            feePerTonneFen: point.feePerTonneFen,
          })
          .returning();
        await recordAudit(tx, actor, {
          action: 'collection.intake.declare',
          subjectType: 'intake',
          subjectId: row!.id,
          details: { pointId: point.id, materialCode: input.materialCode, quantityKg: input.quantityKg },
        });
        return toIntake(row!);
      });
    },

    /** GET /collection/intakes: the caller's own (as producer or as collector), newest first. */
    async listIntakes(actor: UserActor, q: TIntakesQuery): Promise<{ items: TIntake[] }> {
      const orgId = actor.orgId;
      if (!orgId) return { items: [] };
      const conds = [sql`(${intakes.producerOrgId} = ${orgId} or ${intakes.collectorOrgId} = ${orgId})`];
      if (q.status) conds.push(eq(intakes.status, q.status));
      if (q.code) conds.push(eq(intakes.wasteCode, q.code));
      const all = await db
        .select()
        .from(intakes)
        .where(and(...conds))
        .orderBy(sql`${intakes.createdAt} desc`)
        .limit(500);
      return { items: all.map(toIntake) };
    },

    /**
     * POST /collection/intakes/:id/accept: the collector takes the lot in. Checks its collection licence
     * (LICENCE_SCOPE) and the licence's annual capacity (CAPACITY_EXCEEDED), then makes the intake's
     * trade at the point's fee, paid by the producer.
     */
    async acceptIntake(actor: UserActor, id: string): Promise<TIntake> {
      return inTransaction(db, async (tx) => {
        // One acceptance at a time per collector: the capacity sum below must see the previous one.
        await tx.execute(sql`select pg_advisory_xact_lock(hashtext('collection'), hashtext(${actor.orgId!}))`);
        const r = await intakeForCollector(tx, actor, id, true);
        if (r.status !== 'declared') throw notDeclared(r);
        const now = clock.now();
        const licence = coveringCollectionLicence(
          await collectionLicences(tx, r.collectorOrgId, shanghaiDate(now)),
          r.wasteCode,
          r.category,
        );
        const used = await yearIntakeKg(tx, r.collectorOrgId, shanghaiYear(now));
        if (used + r.quantityKg > licence.annualCapacityKg)
          throw new AppError(
            ErrorCodes.CAPACITY_EXCEEDED,
            `licence ${licence.number} has ${Math.max(0, licence.annualCapacityKg - used)} kg of its ${licence.annualCapacityKg} kg left this year`,
            { licence: licence.number, usedKg: used, capacityKg: licence.annualCapacityKg, quantityKg: r.quantityKg },
          );
        const producer = (await getOrgRow(tx, r.producerOrgId))!;
        const trade = await createTradeForFill(tx, deps, {
          listingId: null,
          bidId: null,
          generatorOrgId: r.producerOrgId,
          receiverOrgId: r.collectorOrgId,
          materialCode: r.materialCode,
          classifiedCode: null,
          wasteCode: r.wasteCode,
          category: r.category,
          hazardous: r.hazardous,
          originDistrict: producer.district,
          quantityKg: r.quantityKg,
          // The producer pays the collection fee (DESIGN §6.2: negative = the generator pays).
          pricePerTonneFen: -r.feePerTonneFen,
        });
        const [row] = await tx
          .update(intakes)
          .set({ status: 'accepted', tradeId: trade.id, decidedAt: now })
          .where(eq(intakes.id, id))
          .returning();
        await recordAudit(tx, actor, {
          action: 'collection.intake.accept',
          subjectType: 'intake',
          subjectId: id,
          details: { tradeId: trade.id, licence: licence.number },
        });
        return toIntake(row!);
      });
    },

    /** POST /collection/intakes/:id/refuse: the collector turns the lot down with a reason the producer sees. */
    async refuseIntake(actor: UserActor, id: string, reason: string): Promise<TIntake> {
      return inTransaction(db, async (tx) => {
        const r = await intakeForCollector(tx, actor, id, true);
        if (r.status !== 'declared') throw notDeclared(r);
        const [row] = await tx
          .update(intakes)
          .set({ status: 'refused', refusalCode: 'REFUSED_BY_COLLECTOR', refusalReason: reason, decidedAt: clock.now() })
          .where(eq(intakes.id, id))
          .returning();
        await recordAudit(tx, actor, {
          action: 'collection.intake.refuse',
          subjectType: 'intake',
          subjectId: id,
          details: { reason },
        });
        return toIntake(row!);
      });
    },

    /** GET /collection/stock: per code, what is received and not yet in a lot, and the year's intake against capacity. */
    async stock(actor: UserActor): Promise<TStock> {
      const orgId = actor.orgId!;
      const now = clock.now();
      const year = shanghaiYear(now);
      const received = await receivedKgByIntake(db, orgId);
      const all = await db
        .select()
        .from(intakes)
        .where(and(eq(intakes.collectorOrgId, orgId), eq(intakes.status, 'accepted')));
      const held = await collectionLicences(db, orgId, shanghaiDate(now));
      const byCode = new Map<string, { inStockKg: number; yearIntakeKg: number; category: string }>();
      for (const i of all) {
        const e = byCode.get(i.wasteCode) ?? { inStockKg: 0, yearIntakeKg: 0, category: i.category };
        if (!i.lotId) e.inStockKg += received.get(i.id) ?? 0;
        if (i.decidedAt && shanghaiYear(i.decidedAt) === year) e.yearIntakeKg += i.quantityKg;
        byCode.set(i.wasteCode, e);
      }
      return {
        items: [...byCode.entries()].map(([wasteCode, e]) => ({
          wasteCode,
          inStockKg: e.inStockKg,
          yearIntakeKg: e.yearIntakeKg,
          capacityKg: held.find((l) => licenceCovers(l, wasteCode, e.category))?.annualCapacityKg ?? null,
        })),
      };
    },

    /**
     * POST /collection/lots: the collector consolidates received intakes of one waste code into a lot
     * and lists it (an ordinary supply listing of the lot's received weight). The intakes are claimed
     * first; if the listing is refused (price check, eligibility) the claim is released.
     */
    async createLot(actor: UserActor, input: TCreateLotRequest): Promise<TLot> {
      const orgId = actor.orgId!;
      const lotId = ids.uuid();
      const claimed = await inTransaction(db, async (tx) => {
        const rowsOf = await tx.select().from(intakes).where(inArray(intakes.id, input.intakeIds)).for('update');
        const mine = rowsOf.filter((r) => r.collectorOrgId === orgId);
        if (mine.length !== input.intakeIds.length) throw fieldError('intakeIds', 'not every intake is one of yours');
        const codes = new Set(mine.map((r) => r.wasteCode));
        if (codes.size !== 1) throw fieldError('intakeIds', 'a lot holds intakes of one waste code');
        const received = await receivedKgByIntake(tx, orgId);
        for (const r of mine) {
          if (r.status !== 'accepted' || r.lotId)
            throw fieldError('intakeIds', `intake ${r.id} is ${r.lotId ? 'already in a lot' : r.status}`);
          if (!received.has(r.id)) throw fieldError('intakeIds', `intake ${r.id} has not been received at the point yet`);
        }
        const quantityKg = mine.reduce((s, r) => s + (received.get(r.id) ?? 0), 0);
        if (quantityKg <= 0) throw fieldError('intakeIds', 'the intakes hold no received weight');
        const first = mine[0]!;
        await tx.insert(consolidatedLots).values({
          id: lotId,
          collectorOrgId: orgId,
          materialCode: first.materialCode,
          wasteCode: first.wasteCode,
          quantityKg,
        });
        await tx
          .update(intakes)
          .set({ lotId })
          .where(and(inArray(intakes.id, input.intakeIds), isNull(intakes.lotId)));
        const point = (await pointRow(tx, first.pointId))!;
        return { materialCode: first.materialCode, quantityKg, point };
      });
      let listingId: string;
      try {
        const l = input.listing;
        const listing = await deps.listings.createListing(actor, {
          side: 'supply',
          materialCode: claimed.materialCode,
          quantityKg: claimed.quantityKg,
          minLotKg: claimed.quantityKg,
          pricePerTonneFen: l.pricePerTonneFen,
          mode: l.mode,
          ...(l.closesAt ? { closesAt: l.closesAt } : {}),
          pickupFrom: l.pickupFrom,
          pickupTo: l.pickupTo,
          district: claimed.point.district as never,
          address: claimed.point.address,
          ...(l.justification ? { justification: l.justification } : {}),
          ...(l.hazard ? { hazard: l.hazard } : {}),
          description: l.description ?? `小箱进大箱 consolidated lot of ${input.intakeIds.length} intakes`,
        });
        listingId = listing.id;
      } catch (err) {
        await inTransaction(db, async (tx) => {
          await tx.update(intakes).set({ lotId: null }).where(eq(intakes.lotId, lotId));
          await tx.delete(consolidatedLots).where(eq(consolidatedLots.id, lotId));
        });
        throw err;
      }
      return inTransaction(db, async (tx) => {
        await tx.update(consolidatedLots).set({ listingId }).where(eq(consolidatedLots.id, lotId));
        await recordAudit(tx, actor, {
          action: 'collection.lot.create',
          subjectType: 'consolidated_lot',
          subjectId: lotId,
          details: { listingId, intakeIds: input.intakeIds, quantityKg: claimed.quantityKg },
        });
        return lotById(tx, lotId);
      });
    },
  };
}

/** Kg received at the point per accepted intake of a collector: the accepted kg of its collection trips once received. */
export async function receivedKgByIntake(dbx: DbOrTx, collectorOrgId: string): Promise<Map<string, number>> {
  const r = await rows<{ id: string; kg: string | number }>(
    dbx,
    sql`select i.id, sum(m.accepted_kg) as kg
          from intakes i join manifests m on m.trade_id = i.trade_id
         where i.collector_org_id = ${collectorOrgId} and m.status in ('received', 'closed')
         group by i.id`,
  );
  return new Map(r.map((x) => [x.id, Number(x.kg)]));
}

export async function lotById(dbx: DbOrTx, id: string): Promise<TLot> {
  const [lot] = await dbx.select().from(consolidatedLots).where(eq(consolidatedLots.id, id));
  if (!lot) throw notFound('lot');
  const received = await receivedKgByIntake(dbx, lot.collectorOrgId);
  const sources = await dbx.select().from(intakes).where(eq(intakes.lotId, id)).orderBy(intakes.createdAt);
  return {
    id: lot.id,
    collectorOrgId: lot.collectorOrgId,
    materialCode: lot.materialCode,
    wasteCode: lot.wasteCode,
    quantityKg: lot.quantityKg,
    listingId: lot.listingId,
    sources: sources.map((s) => ({ intakeId: s.id, producerOrgId: s.producerOrgId, kg: received.get(s.id) ?? 0 })),
    createdAt: lot.createdAt.toISOString(),
  };
}

export type CollectionService = ReturnType<typeof createCollectionService>;
