/** The owner edits an open listing within DESIGN §7's rule. */
import { inTransaction } from '../../db/tx.js';
import { enqueue } from '../../jobs/outbox.js';
import { AppError, ErrorCodes } from '../../../../shared/src/errors.js';
import {
  TERMS_FIELDS,
  listingProblems,
  type TListing,
  type TUpdateListingRequest,
} from '../../../../shared/src/schemas/listings.js';
import type { THazard } from '../../../../shared/src/schemas/listings.js';
import type { PriceCheck } from '../../../../shared/src/pricecheck.js';
import type { UserActor } from '../../http/actor.js';
import { alertFlaggedPrice, gatePrice, withRejectionAlert } from '../prices/index.js';
import { assertEligible } from '../eligibility/index.js';
import { invalidField, invalidFields, listingNotFound } from './errors.js';
import * as repo from './repo.js';

import {
  lockListingForMatch,
  hasLiveBids,
  announceListing,
  classify,
  assertHazardDeclared,
  checkCloseLead,
  ownerOf,
  type ListingsDeps,
} from './kit.js';

export function createListingUpdate(deps: ListingsDeps) {
  const { db, ids, clock, config, catalog } = deps;
  return {
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
            throw new AppError(
              ErrorCodes.INVALID_STATE,
              `the listing is ${row.status === 'open' ? 'past its close' : row.status}; only open listings change`,
              { allowed: [] },
            );
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
            minLotKg:
              patch.minLotKg ??
              (patch.quantityKg !== undefined && row.minLotKg === row.quantityKg ? patch.quantityKg : row.minLotKg),
            pricePerTonneFen: patch.pricePerTonneFen ?? row.pricePerTonneFen,
            justification: patch.justification ?? row.justification,
            closesAt: patch.closesAt ? new Date(patch.closesAt) : row.closesAt,
            pickupFrom: patch.pickupFrom ? new Date(patch.pickupFrom) : row.pickupFrom,
            pickupTo: patch.pickupTo ? new Date(patch.pickupTo) : row.pickupTo,
            district: patch.district ?? row.district,
          };
          if (patch.closesAt && row.mode === 'fixed')
            throw invalidField('closesAt', 'only auctions close; a fixed-price listing has no closesAt');
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
  };
}
