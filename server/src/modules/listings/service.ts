/**
 * Listings (DESIGN §5.1, §7): a generator's supply or a recycler's demand, priced and checked like a
 * bid. Matching lives with the bids (server/src/modules/bids/service.ts); this module owns the
 * listing's own life: post, search, edit, cancel, expire, and the helpers the matcher uses to lock
 * and update a listing.
 */
import type { Logger } from 'pino';
import type { Clock, Ids } from '../../clock.js';
import type { Config } from '../../config.js';
import type { Db, DbOrTx, Tx } from '../../db/client.js';
import { advisoryXactLock, inTransaction } from '../../db/tx.js';
import { enqueue } from '../../jobs/outbox.js';
import { publishEvent } from '../../realtime/publish.js';
import { AppError, ErrorCodes } from '../../../../shared/src/errors.js';
import { Rooms } from '../../../../shared/src/realtime.js';
import { decodeCursor, encodeCursor, type TPage } from '../../../../shared/src/schemas/common.js';
import {
  CLASSIFIED_MATERIAL,
  TERMS_FIELDS,
  hazardDeclarationProblems,
  hwCategoryOf,
  listingProblems,
  type TCreateListingRequest,
  type TListing,
  type TListingsQuery,
  type TUpdateListingRequest,
} from '../../../../shared/src/schemas/listings.js';
import type { TAnalysis, THazard } from '../../../../shared/src/schemas/listings.js';
import type { PriceCheck } from '../../../../shared/src/pricecheck.js';
import type { UserActor } from '../../http/actor.js';
import type { CatalogService } from '../catalog/index.js';
import { readCredit, readCreditLevels } from '../credit/index.js';
import { alertFlaggedPrice, gatePrice, withRejectionAlert } from '../prices/index.js';
import type { CreditReader } from '../trades/index.js';
import { assertEligible } from '../eligibility/index.js';
import { invalidField, invalidFields, listingNotFound } from './errors.js';
import * as repo from './repo.js';

export type ListingRow = repo.ListingRow;
export type LockedListing = repo.LockedListing;
export type ListingsService = ReturnType<typeof createListingsService>;

export interface ListingsDeps {
  db: Db;
  ids: Ids;
  clock: Clock;
  logger: Logger;
  config: Pick<Config, 'AUCTION_MIN_LEAD_SECONDS'>;
  catalog: Pick<CatalogService, 'findMaterial'>;
  readCredit?: CreditReader;
}

/** The advisory-lock namespace that serialises matching, bids and the close of one listing. */
const LISTING_LOCK = 'listing';

function toListing(row: ListingRow): TListing {
  return {
    id: row.id,
    orgId: row.orgId,
    side: row.side,
    materialCode: row.materialCode,
    materialNameZh: row.materialNameZh,
    materialNameEn: row.materialNameEn,
    usualDirection: row.usualDirection,
    classifiedCode: row.classifiedCode,
    wasteCode: row.wasteCode,
    category: row.category,
    hazardous: row.hazardous,
    quantityKg: row.quantityKg,
    remainingKg: row.remainingKg,
    minLotKg: row.minLotKg,
    pricePerTonneFen: row.pricePerTonneFen,
    justification: row.justification,
    mode: row.mode,
    closesAt: row.closesAt?.toISOString() ?? null,
    pickupFrom: row.pickupFrom.toISOString(),
    pickupTo: row.pickupTo.toISOString(),
    district: row.district,
    address: row.address,
    hazard: (row.hazard as THazard | null) ?? null,
    analysis: (row.analysis as TAnalysis | null) ?? null,
    description: row.description,
    priceCheck: row.priceCheck,
    status: row.status,
    bidCount: row.bidCount,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    closedAt: row.closedAt?.toISOString() ?? null,
  };
}

// ── Functions bids and matching use; other modules never touch this module's repo ───────────

export function getListingRow(dbx: DbOrTx, id: string): Promise<ListingRow | null> {
  return repo.findListing(dbx, id);
}

/**
 * Serialises everything that changes one listing (bids, withdrawals, matching, the close, edits)
 * across every process sharing the database: the advisory lock first, then the row lock — always in
 * this order, so two of them never deadlock (RELIABILITY R3).
 */
export async function lockListingForMatch(tx: Tx, id: string): Promise<LockedListing | null> {
  await advisoryXactLock(tx, LISTING_LOCK, id);
  return repo.lockListing(tx, id);
}

export async function setListingState(
  tx: DbOrTx,
  id: string,
  s: { remainingKg?: number; status?: ListingRow['status'] },
): Promise<void> {
  await repo.setState(tx, id, s);
}

export function addListingBids(tx: DbOrTx, id: string, delta: number): Promise<number> {
  return repo.addBidCount(tx, id, delta);
}

/** Whether the listing has an active or won bid (its terms are then fixed). */
async function hasLiveBids(dbx: DbOrTx, listingId: string): Promise<boolean> {
  return (await repo.countLiveBids(dbx, listingId)) > 0;
}

/** When a listing ends (matched, cancelled, expired), its still-active bids are lost. */
export function loseActiveBids(tx: DbOrTx, listingId: string): Promise<number> {
  return repo.loseActiveBids(tx, listingId);
}

export function closeAuctionIfDue(tx: DbOrTx, id: string) {
  return repo.closeIfDue(tx, id);
}

/** Announces the listing as it now is (listing.created or listing.updated) to its public rooms. */
export async function announceListing(tx: DbOrTx, clock: Clock, id: string, type: 'listing.created' | 'listing.updated'): Promise<TListing> {
  const row = await repo.findListing(tx, id);
  // The owner's credit level goes with every listing the API and the live feed show.
  const listing = { ...toListing(row!), ownerCreditLevel: (await readCreditLevels(tx, [row!.orgId])).get(row!.orgId)! };
  await publishEvent(tx, [Rooms.publicListings, Rooms.listing(id)], type, { listingId: id, status: listing.status, listing }, clock.now());
  return listing;
}

// ── Material and its classification ─────────────────────────────────────────────────────────

interface Classification {
  wasteCode: string;
  category: string;
  hazardous: boolean;
}

/**
 * The code that decides hazard and licence scope (DESIGN §6.6). Medical waste (HW01) is never
 * tradeable, also when it comes in as a classified code.
 */
async function classify(
  dbx: DbOrTx,
  catalog: ListingsDeps['catalog'],
  materialCode: string,
  classifiedCode: string | null | undefined,
): Promise<Classification> {
  const material = await catalog.findMaterial(dbx, materialCode);
  if (!material) throw invalidField('materialCode', `no material with code ${materialCode} in the catalogue (see GET /api/v1/catalog/materials)`);
  if (!material.tradeable || material.category === 'HW01') {
    throw invalidField(
      'materialCode',
      material.category === 'HW01'
        ? `${materialCode} is medical waste (HW01): it goes to designated centralised disposal and is not tradeable`
        : `${materialCode} is not tradeable on the exchange`,
    );
  }
  if (materialCode !== CLASSIFIED_MATERIAL) {
    if (classifiedCode) throw invalidField('classifiedCode', 'only a WS-CLASSIFIED listing carries classifiedCode');
    return { wasteCode: material.code, category: material.category, hazardous: material.hazardous ?? false };
  }
  if (!classifiedCode)
    throw invalidField('classifiedCode', 'WS-CLASSIFIED needs the code from your classification or test report (e.g. 900-000-35 or SW07)');
  const hw = hwCategoryOf(classifiedCode);
  if (hw) {
    if (hw === 'HW01') throw invalidField('classifiedCode', 'medical waste (HW01) is not tradeable');
    return { wasteCode: classifiedCode, category: hw, hazardous: true };
  }
  const sw = await catalog.findMaterial(dbx, classifiedCode);
  if (!sw || sw.stream !== 'general_industrial')
    throw invalidField('classifiedCode', `${classifiedCode} is not a general industrial solid waste class in the catalogue`);
  return { wasteCode: classifiedCode, category: sw.category, hazardous: false };
}

/**
 * A hazardous supply listing carries its hazard declaration (DESIGN §5.1, §6.3): the generator ships,
 * and the manifest copies the declaration from the listing. A demand listing may state one (what the
 * receiver accepts); the offers into it declare their own.
 */
function assertHazardDeclared(side: ListingRow['side'], hazardous: boolean, hazard: THazard | null | undefined): void {
  if (side !== 'supply' || !hazardous) return;
  const problems = hazardDeclarationProblems(hazard);
  if (problems.length) throw invalidFields(problems);
}

function checkCloseLead(closesAt: Date, now: Date, leadSeconds: number): void {
  if (closesAt.getTime() < now.getTime() + leadSeconds * 1000) {
    throw invalidField(
      'closesAt',
      closesAt.getTime() <= now.getTime()
        ? 'is in the past; an auction must close in the future'
        : `must be at least ${leadSeconds} seconds from now`,
    );
  }
}

function beforeSeqFromCursor(cursor: string | undefined): number | undefined {
  if (!cursor) return undefined;
  const v = decodeCursor(cursor)?.[0];
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw invalidField('cursor', 'invalid cursor');
  return v;
}

function ownerOf(actor: UserActor, row: Pick<ListingRow, 'orgId'>): void {
  if (!actor.orgId || actor.orgId !== row.orgId)
    throw new AppError(ErrorCodes.NOT_A_PARTY, "only the listing's own organisation may change it");
}

export function createListingsService(deps: ListingsDeps) {
  const { db, ids, clock, config, catalog } = deps;

  return {
    async createListing(actor: UserActor, body: TCreateListingRequest): Promise<TListing> {
      const needed = body.side === 'supply' ? 'generator' : 'recycler';
      if (!actor.orgId || !actor.roles.includes(needed))
        throw new AppError(
          ErrorCodes.FORBIDDEN_ROLE,
          body.side === 'supply' ? 'supply listings are posted by generator organisations' : 'demand listings are posted by recycler organisations',
        );
      const orgId = actor.orgId;
      const now = clock.now();
      const closesAt = body.closesAt ? new Date(body.closesAt) : null;
      if (closesAt) checkCloseLead(closesAt, now, config.AUCTION_MIN_LEAD_SECONDS);
      const pickupFrom = new Date(body.pickupFrom);
      const pickupTo = new Date(body.pickupTo);
      if (pickupTo.getTime() <= now.getTime()) throw invalidField('pickupTo', 'the pickup window has already ended');
      const id = ids.uuid();

      return withRejectionAlert(db, ids, () =>
        inTransaction(db, async (tx) => {
          const c = await classify(tx, catalog, body.materialCode, body.classifiedCode);
          assertHazardDeclared(body.side, c.hazardous, body.hazard);
          if (c.hazardous) {
            if (body.side === 'demand') {
              // A demand listing for hazardous material: the poster receives it, so its licence must cover it now.
              await assertEligible(tx, deps, {
                ...c,
                receiverOrgId: orgId,
                callerOrgId: orgId,
                counterpartyOrgId: null,
                pickupFrom,
                pickupTo,
                quantityKg: body.quantityKg,
              });
            } else if ((await (deps.readCredit ?? readCredit)(tx, orgId)).level === 'black') {
              throw new AppError(ErrorCodes.CREDIT_BARRED, 'your organisation is at the black credit level and may not trade hazardous waste until its credit recovers');
            }
          }
          const gate = {
            subject: 'listing' as const,
            materialCode: body.materialCode,
            wasteCode: c.wasteCode,
            priceFen: body.pricePerTonneFen,
            justification: body.justification,
            district: body.district,
            orgId,
            listingId: id,
          };
          const priceCheck = await gatePrice(tx, ids, gate);
          await repo.insertListing(tx, {
            id,
            orgId,
            createdBy: actor.userId,
            side: body.side,
            materialCode: body.materialCode,
            classifiedCode: body.classifiedCode ?? null,
            ...c,
            quantityKg: body.quantityKg,
            remainingKg: body.quantityKg,
            minLotKg: body.minLotKg ?? body.quantityKg,
            pricePerTonneFen: body.pricePerTonneFen,
            justification: body.justification ?? null,
            priceCheck,
            mode: body.mode,
            closesAt,
            pickupFrom,
            pickupTo,
            district: body.district,
            address: body.address ?? null,
            hazard: body.hazard ?? null,
            analysis: body.analysis ?? null,
            description: body.description ?? null,
          });
          if (priceCheck.status === 'flagged') await alertFlaggedPrice(tx, ids, { ...gate, subjectId: id, check: priceCheck });
          if (closesAt) await enqueue(tx, 'auction.close', { listingId: id }, { availableAt: closesAt });
          else await enqueue(tx, 'listing.expire', { listingId: id }, { availableAt: pickupTo });
          return announceListing(tx, clock, id, 'listing.created');
        }),
      );
    },

    async listListings(q: TListingsQuery): Promise<TPage<TListing>> {
      const rows = await repo.searchListings(db, {
        ...(q.material ? { material: q.material } : {}),
        ...(q.stream ? { stream: q.stream } : {}),
        ...(q.side ? { side: q.side } : {}),
        ...(q.district ? { district: q.district } : {}),
        ...(q.status ? { status: q.status } : {}),
        ...(q.mode ? { mode: q.mode } : {}),
        ...(q.orgId ? { orgId: q.orgId } : {}),
        ...(q.q ? { q: q.q } : {}),
        beforeSeq: beforeSeqFromCursor(q.cursor),
        limit: q.limit + 1,
      });
      const page = rows.slice(0, q.limit);
      const levels = await readCreditLevels(db, page.map((r) => r.orgId));
      return {
        items: page.map((r) => ({ ...toListing(r), ownerCreditLevel: levels.get(r.orgId)! })),
        nextCursor: rows.length > q.limit ? encodeCursor([page.at(-1)!.seq]) : null,
      };
    },

    async getListing(id: string): Promise<TListing> {
      const row = await repo.findListing(db, id);
      if (!row) throw listingNotFound();
      return { ...toListing(row), ownerCreditLevel: (await readCreditLevels(db, [row.orgId])).get(row.orgId)! };
    },

    /**
     * The owner edits an open listing. Description, address, hazard and analysis change any time it
     * is open; the commercial terms only while no bid is active or won (a bidder bid on them).
     */
    async updateListing(actor: UserActor, id: string, patch: TUpdateListingRequest): Promise<TListing> {
      return withRejectionAlert(db, ids, () =>
        inTransaction(db, async (tx) => {
          const row = await lockListingForMatch(tx, id);
          if (!row) throw listingNotFound();
          ownerOf(actor, row);
          if (row.status !== 'open' || row.pastClose)
            throw new AppError(ErrorCodes.INVALID_STATE, `the listing is ${row.status === 'open' ? 'past its close' : row.status}; only open listings change`, { allowed: [] });
          const terms = TERMS_FIELDS.filter((f) => patch[f] !== undefined);
          if (terms.length > 0 && (await hasLiveBids(tx, id))) {
            throw new AppError(
              ErrorCodes.INVALID_STATE,
              `the listing has bids, so ${terms.join(', ')} can no longer change; cancel it and post a new one to change its terms`,
              { allowed: ['description', 'address', 'hazard', 'analysis'], refused: terms },
            );
          }

          const merged = {
            materialCode: patch.materialCode ?? row.materialCode,
            classifiedCode: patch.classifiedCode === undefined ? row.classifiedCode : patch.classifiedCode,
            quantityKg: patch.quantityKg ?? row.quantityKg,
            minLotKg: patch.minLotKg ?? (patch.quantityKg !== undefined && row.minLotKg === row.quantityKg ? patch.quantityKg : row.minLotKg),
            pricePerTonneFen: patch.pricePerTonneFen ?? row.pricePerTonneFen,
            justification: patch.justification ?? row.justification,
            closesAt: patch.closesAt ? new Date(patch.closesAt) : row.closesAt,
            pickupFrom: patch.pickupFrom ? new Date(patch.pickupFrom) : row.pickupFrom,
            pickupTo: patch.pickupTo ? new Date(patch.pickupTo) : row.pickupTo,
            district: patch.district ?? row.district,
          };
          if (patch.closesAt && row.mode === 'fixed') throw invalidField('closesAt', 'only auctions close; a fixed-price listing has no closesAt');
          const problems = listingProblems({
            quantityKg: merged.quantityKg,
            minLotKg: merged.minLotKg,
            mode: row.mode,
            ...(merged.closesAt ? { closesAt: merged.closesAt.toISOString() } : {}),
            pickupFrom: merged.pickupFrom.toISOString(),
            pickupTo: merged.pickupTo.toISOString(),
          });
          if (problems.length) throw invalidFields(problems);
          if (patch.closesAt) checkCloseLead(merged.closesAt!, clock.now(), config.AUCTION_MIN_LEAD_SECONDS);
          if (patch.pickupTo && merged.pickupTo.getTime() <= clock.now().getTime())
            throw invalidField('pickupTo', 'the pickup window has already ended');

          const set: Partial<repo.NewListingRow> = {};
          if (patch.description !== undefined) set.description = patch.description;
          if (patch.address !== undefined) set.address = patch.address;
          if (patch.hazard !== undefined) set.hazard = patch.hazard;
          if (patch.analysis !== undefined) set.analysis = patch.analysis;

          // A hazardous supply listing keeps its declaration: it may change, not go (nor stay absent on a new code).
          const hazardAfter = patch.hazard === undefined ? (row.hazard as THazard | null) : patch.hazard;
          const reclassified = patch.materialCode !== undefined || patch.classifiedCode !== undefined;
          if (patch.hazard !== undefined && !reclassified) assertHazardDeclared(row.side, row.hazardous, hazardAfter);

          let flagged: { check: PriceCheck; gate: Parameters<typeof gatePrice>[2] } | null = null;
          if (terms.length > 0) {
            const c = await classify(tx, catalog, merged.materialCode, merged.classifiedCode);
            if (reclassified) assertHazardDeclared(row.side, c.hazardous, hazardAfter);
            if (c.hazardous && row.side === 'demand') {
              await assertEligible(tx, deps, {
                ...c,
                receiverOrgId: row.orgId,
                callerOrgId: row.orgId,
                counterpartyOrgId: null,
                pickupFrom: merged.pickupFrom,
                pickupTo: merged.pickupTo,
                quantityKg: merged.quantityKg,
              });
            }
            let priceCheck = row.priceCheck;
            if (patch.pricePerTonneFen !== undefined || patch.materialCode !== undefined || patch.justification !== undefined) {
              const gate = {
                subject: 'listing' as const,
                materialCode: merged.materialCode,
                wasteCode: c.wasteCode,
                priceFen: merged.pricePerTonneFen,
                justification: merged.justification,
                district: merged.district,
                orgId: row.orgId,
                listingId: id,
              };
              priceCheck = await gatePrice(tx, ids, gate);
              if (priceCheck.status === 'flagged') flagged = { check: priceCheck, gate };
            }
            Object.assign(set, {
              materialCode: merged.materialCode,
              classifiedCode: merged.classifiedCode ?? null,
              ...c,
              quantityKg: merged.quantityKg,
              // No bid is active or won, so nothing has been sold: the whole new quantity remains.
              remainingKg: merged.quantityKg,
              minLotKg: merged.minLotKg,
              pricePerTonneFen: merged.pricePerTonneFen,
              justification: merged.justification,
              priceCheck,
              closesAt: merged.closesAt,
              pickupFrom: merged.pickupFrom,
              pickupTo: merged.pickupTo,
              district: merged.district,
            });
          }
          await repo.updateListing(tx, id, set);
          if (flagged) {
            // One alert per distinct justified price of the listing.
            await alertFlaggedPrice(tx, ids, {
              ...flagged.gate,
              subjectId: id,
              dedupeKey: `price_flagged:listing:${id}:${merged.pricePerTonneFen}`,
              check: flagged.check,
            });
          }
          // A job that fires early re-schedules itself, so only an earlier deadline needs a new job.
          if (row.mode === 'auction' && merged.closesAt && row.closesAt && merged.closesAt < row.closesAt)
            await enqueue(tx, 'auction.close', { listingId: id }, { availableAt: merged.closesAt });
          if (row.mode === 'fixed' && merged.pickupTo < row.pickupTo)
            await enqueue(tx, 'listing.expire', { listingId: id }, { availableAt: merged.pickupTo });
          return announceListing(tx, clock, id, 'listing.updated');
        }),
      );
    },

    /** The owner withdraws an open listing; its active bids are lost. */
    async cancelListing(actor: UserActor, id: string): Promise<TListing> {
      return inTransaction(db, async (tx) => {
        const row = await lockListingForMatch(tx, id);
        if (!row) throw listingNotFound();
        ownerOf(actor, row);
        if (row.status !== 'open' || row.pastClose)
          throw new AppError(ErrorCodes.INVALID_STATE, `the listing is ${row.status === 'open' ? 'past its close' : row.status}; only an open listing can be cancelled`, {
            allowed: [],
          });
        await setListingState(tx, id, { status: 'cancelled' });
        await loseActiveBids(tx, id);
        return announceListing(tx, clock, id, 'listing.updated');
      });
    },

    /**
     * Job `listing.expire`: a fixed-price listing whose pickup window has ended stops taking bids,
     * decided once on the database clock. Runs early (an edited window) re-schedule themselves.
     */
    async expireListing(id: string): Promise<{ expired: boolean }> {
      return inTransaction(db, async (tx) => {
        const row = await lockListingForMatch(tx, id);
        if (!row || row.status !== 'open' || row.mode !== 'fixed') return { expired: false };
        if (!row.pastPickup) {
          await enqueue(tx, 'listing.expire', { listingId: id }, { availableAt: row.pickupTo });
          return { expired: false };
        }
        const done = await repo.expireIfDue(tx, id);
        if (!done) return { expired: false };
        await loseActiveBids(tx, id);
        await announceListing(tx, clock, id, 'listing.updated');
        return { expired: true };
      });
    },
  };
}
