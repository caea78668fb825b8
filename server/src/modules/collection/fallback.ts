/**
 * Fallback disposal (兜底处置, issue 18 item 3). A city-scope regulator designates, per waste code or
 * HW category, a disposer of last resort with a regulated tariff (fen per tonne the producer pays),
 * effective from a date. The producer of a hazardous supply lot that found no acceptable bid reads
 * the tariff in force and sends the lot to fallback only by accepting that tariff (the request
 * carries the designation and fee it saw; a changed tariff is TARIFF_CHANGED, none accepted is
 * TARIFF_NOT_ACCEPTED): nobody is bound to a price it did not accept. The designated disposer
 * accepts (an ordinary trade at the tariff, not band-checked: the price is regulated) or declines
 * with a reason within FALLBACK_RESPONSE_WORKING_DAYS working days; past that the sweep raises a
 * `fallback_overdue` alert.
 */
import { and, desc, eq, lte, or, sql } from 'drizzle-orm';
import { fallbackDesignations, fallbackRequests, listings } from '../../db/schema.js';
import type { DbOrTx } from '../../db/client.js';
import { inTransaction, isUniqueViolation, rows } from '../../db/tx.js';
import { recordAudit } from '../../db/audit.js';
import { AppError, ErrorCodes } from '../../../../shared/src/errors.js';
import { shanghaiDate, startOfShanghaiYear, endOfShanghaiYear, shanghaiYear } from '../../../../shared/src/calendar.js';
import { workingDaysDeadline } from '../../../../shared/src/workdays.js';
import { perTonneFen } from '../../../../shared/src/money.js';
import type {
  TCreateDesignationRequest,
  TDesignation,
  TFallbackRequest,
  TRequestFallbackRequest,
  TTariff,
} from '../../../../shared/src/schemas/collection.js';
import type { UserActor } from '../../http/actor.js';
import { getOrgRow, licencesFor, overseenDistricts } from '../orgs/index.js';
import { createTradeForFill } from '../trades/index.js';
import { getListingRow, setListingState, type ListingRow } from '../listings/index.js';
import { licenceCovers } from '../eligibility/index.js';
import { raiseAlert } from '../alerts/index.js';
import type { CollectionDeps } from './service.js';

type DesignationRow = typeof fallbackDesignations.$inferSelect;
type RequestRow = typeof fallbackRequests.$inferSelect;

/** Listing states after which a lot may go to fallback: its market ended without selling it all. */
const ENDED = ['closed', 'expired', 'cancelled'] as const;

/** `l.district` within the overseer's districts (null: the whole city). */
function inScope(districts: readonly string[] | null) {
  if (districts === null) return sql`true`;
  if (districts.length === 0) return sql`false`;
  return sql`l.district in (${sql.join(
    districts.map((d) => sql`${d}`),
    sql`, `,
  )})`;
}

function notFound(what: string): AppError {
  return new AppError(ErrorCodes.NOT_FOUND, `no such ${what}`);
}

export function createFallbackService(deps: CollectionDeps) {
  const { db, ids, clock, config } = deps;
  const calendar = { holidays: config.HOLIDAYS, makeupWorkdays: config.MAKEUP_WORKDAYS };

  async function toDesignation(dbx: DbOrTx, r: DesignationRow): Promise<TDesignation> {
    const org = await getOrgRow(dbx, r.disposerOrgId);
    return {
      id: r.id,
      wasteCode: r.wasteCode,
      disposerOrgId: r.disposerOrgId,
      disposerName: org?.name ?? '',
      feePerTonneFen: r.feePerTonneFen,
      effectiveFrom: r.effectiveFrom,
      source: r.source,
      createdAt: r.createdAt.toISOString(),
    };
  }

  async function toRequest(dbx: DbOrTx, r: RequestRow): Promise<TFallbackRequest> {
    const [d] = await dbx.select().from(fallbackDesignations).where(eq(fallbackDesignations.id, r.designationId));
    return {
      id: r.id,
      listingId: r.listingId,
      producerOrgId: r.producerOrgId,
      disposerOrgId: r.disposerOrgId,
      designationId: r.designationId,
      materialCode: r.materialCode,
      wasteCode: r.wasteCode,
      quantityKg: r.quantityKg,
      feePerTonneFen: r.feePerTonneFen,
      priceSource: d?.source ?? '',
      tariffAcceptedAt: r.tariffAcceptedAt.toISOString(),
      status: r.status,
      respondBy: r.respondBy.toISOString(),
      overdue: r.status === 'pending' && r.respondBy.getTime() < clock.now().getTime(),
      reason: r.reason,
      tradeId: r.tradeId,
      createdAt: r.createdAt.toISOString(),
    };
  }

  /** The designation in force on `today` for a code: one for the exact code before one for its category. */
  async function inForce(dbx: DbOrTx, wasteCode: string, category: string, today: string): Promise<DesignationRow | null> {
    const found = await dbx
      .select()
      .from(fallbackDesignations)
      .where(
        and(
          or(eq(fallbackDesignations.wasteCode, wasteCode), eq(fallbackDesignations.wasteCode, category)),
          lte(fallbackDesignations.effectiveFrom, today),
        ),
      )
      .orderBy(desc(fallbackDesignations.effectiveFrom), desc(fallbackDesignations.createdAt));
    return found.find((d) => d.wasteCode === wasteCode) ?? found[0] ?? null;
  }

  /** The producer's own ended, hazardous supply lot with kilograms left, or the reason it cannot go to fallback. */
  function assertFallbackLot(actor: UserActor, l: ListingRow | null): asserts l is ListingRow {
    if (!l || l.orgId !== actor.orgId) throw notFound('listing');
    if (l.side !== 'supply' || !l.hazardous)
      throw new AppError(ErrorCodes.INVALID_STATE, 'fallback disposal is for hazardous supply lots', { allowed: [] });
    if (!(ENDED as readonly string[]).includes(l.status) || l.remainingKg <= 0)
      throw new AppError(
        ErrorCodes.INVALID_STATE,
        `the listing is ${l.status} with ${l.remainingKg} kg left; a lot goes to fallback once its market ended without selling it (cancel an open listing to ask directly)`,
        { allowed: [...ENDED] },
      );
  }

  async function tariffFor(dbx: DbOrTx, l: ListingRow): Promise<DesignationRow> {
    const d = await inForce(dbx, l.wasteCode, l.category, shanghaiDate(clock.now()));
    if (!d)
      throw new AppError(
        ErrorCodes.NO_FALLBACK_DESIGNATION,
        `no disposer of last resort is designated for ${l.wasteCode} (${l.category})`,
        { wasteCode: l.wasteCode, category: l.category },
      );
    return d;
  }

  async function requestForDisposer(dbx: DbOrTx, actor: UserActor, id: string): Promise<RequestRow> {
    const [r] = await dbx.select().from(fallbackRequests).where(eq(fallbackRequests.id, id)).for('update');
    if (!r || r.disposerOrgId !== actor.orgId) throw notFound('fallback request');
    if (r.status !== 'pending')
      throw new AppError(ErrorCodes.INVALID_STATE, `the request is ${r.status}`, { allowed: ['pending'] });
    return r;
  }

  return {
    /** POST /regulator/fallback/designations: a city-scope regulator designates a disposer of last resort and its tariff. */
    async designate(actor: UserActor, input: TCreateDesignationRequest): Promise<TDesignation> {
      if (actor.scope !== 'city')
        throw new AppError(ErrorCodes.CITY_SCOPE_REQUIRED, 'disposers of last resort are designated by a city-scope regulator');
      const disposer = await getOrgRow(db, input.disposerOrgId);
      if (!disposer || !disposer.roles.includes('recycler'))
        throw new AppError(ErrorCodes.VALIDATION_FAILED, 'not a disposer (recycler) organisation', {
          fields: [{ path: 'disposerOrgId', message: 'not a disposer (recycler) organisation' }],
        });
      const category = input.wasteCode.startsWith('HW') ? input.wasteCode : `HW${input.wasteCode.slice(-2)}`;
      const held = (await licencesFor(db, disposer.id, 'disposal')).filter((l) => l.status === 'approved');
      if (!held.some((l) => licenceCovers(l, input.wasteCode, category)))
        throw new AppError(
          ErrorCodes.LICENCE_SCOPE,
          `the disposer's approved disposal licences do not cover ${input.wasteCode}`,
          {
            field: 'disposerOrgId',
          },
        );
      return inTransaction(db, async (tx) => {
        const [row] = await tx
          .insert(fallbackDesignations)
          .values({ id: ids.uuid(), ...input, designatedBy: actor.userId })
          .returning();
        await recordAudit(tx, actor, {
          action: 'fallback.designate',
          subjectType: 'fallback_designation',
          subjectId: row!.id,
          details: { ...input },
        });
        return toDesignation(tx, row!);
      });
    },

    /** GET /fallback/designations: every designation, newest first (a code's tariff history). */
    async listDesignations(q: { code?: string }): Promise<{ items: TDesignation[] }> {
      const all = await db
        .select()
        .from(fallbackDesignations)
        .where(q.code ? eq(fallbackDesignations.wasteCode, q.code) : undefined)
        .orderBy(desc(fallbackDesignations.effectiveFrom), desc(fallbackDesignations.createdAt));
      return { items: await Promise.all(all.map((r) => toDesignation(db, r))) };
    },

    /** GET /fallback/tariff?listingId=: what the producer would accept for its lot. */
    async tariff(actor: UserActor, listingId: string): Promise<TTariff> {
      const l = await getListingRow(db, listingId);
      assertFallbackLot(actor, l);
      const d = await tariffFor(db, l);
      return {
        listingId,
        quantityKg: l.remainingKg,
        designation: await toDesignation(db, d),
        estimatedFen: perTonneFen(d.feePerTonneFen, l.remainingKg),
      };
    },

    /** POST /listings/:id/fallback: the producer sends its lot to fallback, accepting the tariff it read. */
    async requestFallback(actor: UserActor, listingId: string, input: TRequestFallbackRequest): Promise<TFallbackRequest> {
      if (!input.acceptTariff)
        throw new AppError(ErrorCodes.TARIFF_NOT_ACCEPTED, 'accept the regulated tariff to send the lot to fallback', {
          field: 'acceptTariff',
        });
      try {
        return await inTransaction(db, async (tx) => {
          const [l0] = await tx.select({ id: listings.id }).from(listings).where(eq(listings.id, listingId)).for('update');
          const l = l0 ? await getListingRow(tx, listingId) : null;
          assertFallbackLot(actor, l);
          const d = await tariffFor(tx, l);
          if (d.id !== input.designationId || d.feePerTonneFen !== input.feePerTonneFen)
            throw new AppError(ErrorCodes.TARIFF_CHANGED, 'the tariff in force is not the one accepted; read it again', {
              designationId: d.id,
              feePerTonneFen: d.feePerTonneFen,
            });
          const now = clock.now();
          const [row] = await tx
            .insert(fallbackRequests)
            .values({
              id: ids.uuid(),
              listingId,
              producerOrgId: l.orgId,
              designationId: d.id,
              disposerOrgId: d.disposerOrgId,
              materialCode: l.materialCode,
              wasteCode: l.wasteCode,
              quantityKg: l.remainingKg,
              feePerTonneFen: d.feePerTonneFen,
              tariffAcceptedAt: now,
              acceptedBy: actor.userId,
              respondBy: workingDaysDeadline(now, config.FALLBACK_RESPONSE_WORKING_DAYS, calendar),
            })
            .returning();
          await recordAudit(tx, actor, {
            action: 'fallback.request',
            subjectType: 'fallback_request',
            subjectId: row!.id,
            details: { listingId, designationId: d.id, feePerTonneFen: d.feePerTonneFen, quantityKg: l.remainingKg },
          });
          return toRequest(tx, row!);
        });
      } catch (err) {
        if (isUniqueViolation(err))
          throw new AppError(ErrorCodes.CONFLICT, 'this lot already has a fallback request pending or accepted');
        throw err;
      }
    },

    /** GET /fallback/requests: the producer's and the disposer's own; regulators those of lots in scope. */
    async listRequests(actor: UserActor, q: { status?: string }): Promise<{ items: TFallbackRequest[] }> {
      const districts = overseenDistricts(actor);
      const isOverseer = actor.roles.includes('regulator') || actor.roles.includes('admin');
      const all = await rows<{ id: string }>(
        db,
        sql`select f.id from fallback_requests f join listings l on l.id = f.listing_id
             where (${q.status ?? null}::text is null or f.status = ${q.status ?? null})
               and (f.producer_org_id = ${actor.orgId} or f.disposer_org_id = ${actor.orgId}
                    or (${isOverseer} and ${inScope(districts)}))
             order by f.created_at desc limit 500`,
      );
      const items: TFallbackRequest[] = [];
      for (const { id } of all) {
        const [r] = await db.select().from(fallbackRequests).where(eq(fallbackRequests.id, id));
        items.push(await toRequest(db, r!));
      }
      return { items };
    },

    /** POST /fallback/requests/:id/accept: the designated disposer takes the lot; an ordinary trade at the tariff. */
    async acceptRequest(actor: UserActor, id: string): Promise<TFallbackRequest> {
      return inTransaction(db, async (tx) => {
        const r = await requestForDisposer(tx, actor, id);
        const l = (await getListingRow(tx, r.listingId))!;
        const trade = await createTradeForFill(tx, deps, {
          listingId: l.id,
          bidId: null,
          generatorOrgId: r.producerOrgId,
          receiverOrgId: r.disposerOrgId,
          materialCode: l.materialCode,
          classifiedCode: l.classifiedCode,
          wasteCode: l.wasteCode,
          category: l.category,
          hazardous: l.hazardous,
          originDistrict: l.district,
          quantityKg: r.quantityKg,
          // The regulated tariff the producer accepted; not band-checked (ADR 0028).
          pricePerTonneFen: -r.feePerTonneFen,
        });
        await setListingState(tx, l.id, { remainingKg: Math.max(0, l.remainingKg - r.quantityKg) });
        const [row] = await tx
          .update(fallbackRequests)
          .set({ status: 'accepted', tradeId: trade.id, decidedAt: clock.now() })
          .where(eq(fallbackRequests.id, id))
          .returning();
        await recordAudit(tx, actor, {
          action: 'fallback.accept',
          subjectType: 'fallback_request',
          subjectId: id,
          details: { tradeId: trade.id },
        });
        return toRequest(tx, row!);
      });
    },

    /** POST /fallback/requests/:id/decline: the designated disposer states why it cannot take the lot. */
    async declineRequest(actor: UserActor, id: string, reason: string): Promise<TFallbackRequest> {
      return inTransaction(db, async (tx) => {
        await requestForDisposer(tx, actor, id);
        const [row] = await tx
          .update(fallbackRequests)
          .set({ status: 'declined', reason, decidedAt: clock.now() })
          .where(eq(fallbackRequests.id, id))
          .returning();
        await recordAudit(tx, actor, {
          action: 'fallback.decline',
          subjectType: 'fallback_request',
          subjectId: id,
          details: { reason },
        });
        return toRequest(tx, row!);
      });
    },

    /** The sweep (run with the manifests' deadline sweep): a `fallback_overdue` alert per request not answered in time. */
    async sweepOverdue(): Promise<number> {
      const now = clock.now();
      const due = await rows<{
        id: string;
        listing_id: string;
        district: string;
        waste_code: string;
        quantity_kg: string;
        respond_by: Date;
        disposer_org_id: string;
      }>(
        db,
        sql`select f.id, f.listing_id, l.district, f.waste_code, f.quantity_kg, f.respond_by, f.disposer_org_id
              from fallback_requests f join listings l on l.id = f.listing_id
             where f.status = 'pending' and f.respond_by < ${now.toISOString()}::timestamptz`,
      );
      let raised = 0;
      for (const r of due) {
        const id = await inTransaction(db, (tx) =>
          raiseAlert(tx, ids, {
            kind: 'fallback_overdue',
            district: r.district,
            subjectType: 'fallback_request',
            subjectId: r.id,
            message: `fallback request for ${r.quantity_kg} kg ${r.waste_code}: the designated disposer did not answer by ${new Date(r.respond_by).toISOString()}`,
            details: {
              listingId: r.listing_id,
              disposerOrgId: r.disposer_org_id,
              respondBy: new Date(r.respond_by).toISOString(),
            },
          }),
        );
        if (id) raised++;
      }
      return raised;
    },

    /** GET /regulator/fallback?year=: fallback volume per code (a market that needs fallback often is a signal). */
    async indicator(actor: UserActor, year?: number) {
      const y = year ?? shanghaiYear(clock.now());
      const districts = overseenDistricts(actor);
      const r = await rows<{ waste_code: string; requests: string; accepted: string; kg: string }>(
        db,
        sql`select f.waste_code, count(*) as requests, count(*) filter (where f.status = 'accepted') as accepted,
                   coalesce(sum(f.quantity_kg) filter (where f.status = 'accepted'), 0) as kg
              from fallback_requests f join listings l on l.id = f.listing_id
             where f.created_at >= ${startOfShanghaiYear(y).toISOString()}::timestamptz
               and f.created_at < ${endOfShanghaiYear(y).toISOString()}::timestamptz
               and ${inScope(districts)}
             group by f.waste_code order by f.waste_code`,
      );
      return {
        year: y,
        items: r.map((x) => ({
          wasteCode: x.waste_code,
          requests: Number(x.requests),
          accepted: Number(x.accepted),
          kg: Number(x.kg),
        })),
      };
    },
  };
}

export type FallbackService = ReturnType<typeof createFallbackService>;
