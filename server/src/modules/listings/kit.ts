/** What the listings use cases share: the row mapping, the helpers the matcher uses, classification and checks. */
import type { Logger } from 'pino';
import type { Clock, Ids } from '../../clock.js';
import type { Config } from '../../config.js';
import type { Db, DbOrTx, Tx } from '../../db/client.js';
import { advisoryXactLock } from '../../db/tx.js';
import { publishEvent } from '../../realtime/publish.js';
import { AppError, ErrorCodes } from '../../../../shared/src/errors.js';
import { Rooms } from '../../../../shared/src/realtime.js';
import { decodeCursor } from '../../../../shared/src/schemas/common.js';
import {
  CLASSIFIED_MATERIAL,
  hazardDeclarationProblems,
  hwCategoryOf,
  type TListing,
} from '../../../../shared/src/schemas/listings.js';
import type { TAnalysis, THazard } from '../../../../shared/src/schemas/listings.js';
import type { UserActor } from '../../http/actor.js';
import type { CatalogService } from '../catalog/index.js';
import { readCreditLevels } from '../credit/index.js';
import type { CreditReader } from '../trades/index.js';
import { invalidField, invalidFields } from './errors.js';
import * as repo from './repo.js';

export type ListingRow = repo.ListingRow;
export type LockedListing = repo.LockedListing;

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
export const LISTING_LOCK = 'listing';

export function toListing(row: ListingRow): TListing {
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

/** The listing as a bid's optimistic checks see it, unlocked (the bid hot path, ADR 0024). */
export function peekListingForBid(db: Db, id: string): Promise<PeekedListing | null> {
  return repo.peekListing(db, id);
}
export type PeekedListing = repo.PeekedListing;

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
export async function hasLiveBids(dbx: DbOrTx, listingId: string): Promise<boolean> {
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
export async function announceListing(
  tx: DbOrTx,
  clock: Clock,
  id: string,
  type: 'listing.created' | 'listing.updated',
): Promise<TListing> {
  const row = await repo.findListing(tx, id);
  // The owner's credit level goes with every listing the API and the live feed show.
  const listing = { ...toListing(row!), ownerCreditLevel: (await readCreditLevels(tx, [row!.orgId])).get(row!.orgId)! };
  await publishEvent(
    tx,
    [Rooms.publicListings, Rooms.listing(id)],
    type,
    { listingId: id, status: listing.status, listing },
    clock.now(),
  );
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
export async function classify(
  dbx: DbOrTx,
  catalog: ListingsDeps['catalog'],
  materialCode: string,
  classifiedCode: string | null | undefined,
): Promise<Classification> {
  const material = await catalog.findMaterial(dbx, materialCode);
  if (!material)
    throw invalidField(
      'materialCode',
      `no material with code ${materialCode} in the catalogue (see GET /api/v1/catalog/materials)`,
    );
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
    throw invalidField(
      'classifiedCode',
      'WS-CLASSIFIED needs the code from your classification or test report (e.g. 900-000-35 or SW07)',
    );
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
export function assertHazardDeclared(side: ListingRow['side'], hazardous: boolean, hazard: THazard | null | undefined): void {
  if (side !== 'supply' || !hazardous) return;
  const problems = hazardDeclarationProblems(hazard);
  if (problems.length) throw invalidFields(problems);
}

export function checkCloseLead(closesAt: Date, now: Date, leadSeconds: number): void {
  if (closesAt.getTime() < now.getTime() + leadSeconds * 1000) {
    throw invalidField(
      'closesAt',
      closesAt.getTime() <= now.getTime()
        ? 'is in the past; an auction must close in the future'
        : `must be at least ${leadSeconds} seconds from now`,
    );
  }
}

export function beforeSeqFromCursor(cursor: string | undefined): number | undefined {
  if (!cursor) return undefined;
  const v = decodeCursor(cursor)?.[0];
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw invalidField('cursor', 'invalid cursor');
  return v;
}

export function ownerOf(actor: UserActor, row: Pick<ListingRow, 'orgId'>): void {
  if (!actor.orgId || actor.orgId !== row.orgId)
    throw new AppError(ErrorCodes.NOT_A_PARTY, "only the listing's own organisation may change it");
}
