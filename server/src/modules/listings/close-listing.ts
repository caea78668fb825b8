/** The end of a listing's life: the owner cancels it, or the expiry job closes a fixed-price listing past its pickup window. */
import { inTransaction } from '../../db/tx.js';
import { enqueue } from '../../jobs/outbox.js';
import { AppError, ErrorCodes } from '../../../../shared/src/errors.js';
import { type TListing } from '../../../../shared/src/schemas/listings.js';
import type { UserActor } from '../../http/actor.js';
import { listingNotFound } from './errors.js';
import * as repo from './repo.js';

import { lockListingForMatch, setListingState, loseActiveBids, announceListing, ownerOf, type ListingsDeps } from './kit.js';

export function createListingClosing(deps: ListingsDeps) {
  const { db, clock } = deps;
  return {
    /** The owner withdraws an open listing; its active bids are lost. */
    async cancelListing(actor: UserActor, id: string): Promise<TListing> {
      return inTransaction(db, async (tx) => {
        const row = await lockListingForMatch(tx, id);
        if (!row) throw listingNotFound();
        ownerOf(actor, row);
        if (row.status !== 'open' || row.pastClose)
          throw new AppError(
            ErrorCodes.INVALID_STATE,
            `the listing is ${row.status === 'open' ? 'past its close' : row.status}; only an open listing can be cancelled`,
            {
              allowed: [],
            },
          );
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
