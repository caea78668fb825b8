/** Posting a listing: role, classification, hazard declaration, price check and eligibility, then the announcement. */
import { inTransaction } from '../../db/tx.js';
import { enqueue } from '../../jobs/outbox.js';
import { AppError, ErrorCodes } from '../../../../shared/src/errors.js';
import { type TCreateListingRequest, type TListing } from '../../../../shared/src/schemas/listings.js';
import type { UserActor } from '../../http/actor.js';
import { readCredit } from '../credit/index.js';
import { alertFlaggedPrice, gatePrice, withRejectionAlert } from '../prices/index.js';
import { assertEligible } from '../eligibility/index.js';
import { invalidField } from './errors.js';
import * as repo from './repo.js';

import { announceListing, classify, assertHazardDeclared, checkCloseLead, type ListingsDeps } from './kit.js';

export function createListingCreation(deps: ListingsDeps) {
  const { db, ids, clock, config, catalog } = deps;
  return {
    async createListing(actor: UserActor, body: TCreateListingRequest): Promise<TListing> {
      // A collector sells its consolidated lots (issue 18) as a generator sells its own waste.
      const needed = body.side === 'supply' ? ['generator', 'collector'] : ['recycler'];
      if (!actor.orgId || !actor.roles.some((r) => needed.includes(r)))
        throw new AppError(
          ErrorCodes.FORBIDDEN_ROLE,
          body.side === 'supply'
            ? 'supply listings are posted by generator organisations'
            : 'demand listings are posted by recycler organisations',
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
              throw new AppError(
                ErrorCodes.CREDIT_BARRED,
                'your organisation is at the black credit level and may not trade hazardous waste until its credit recovers',
              );
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
  };
}
