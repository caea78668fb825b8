/**
 * Listings (DESIGN §5.1, §7): a generator's supply or a recycler's demand, priced and checked like a
 * bid. Matching lives in the matching module (server/src/modules/matching/); this module owns the
 * listing's own life: post, search, edit, cancel, expire, and the helpers the matcher uses to lock
 * and update a listing.
 */
import type { ListingsDeps } from './kit.js';
import { createListingCreation } from './create-listing.js';
import { createListingReads } from './read-listings.js';
import { createListingUpdate } from './update-listing.js';
import { createListingClosing } from './close-listing.js';

export {
  addListingBids,
  announceListing,
  closeAuctionIfDue,
  getListingRow,
  lockListingForMatch,
  loseActiveBids,
  setListingState,
  type ListingRow,
  type ListingsDeps,
  type LockedListing,
  LISTING_LOCK,
  peekListingForBid,
  type PeekedListing,
} from './kit.js';

export type ListingsService = ReturnType<typeof createListingsService>;

/** One file per use case; they share the kit (kit.ts). */
export function createListingsService(deps: ListingsDeps) {
  return {
    ...createListingCreation(deps),
    ...createListingReads(deps),
    ...createListingUpdate(deps),
    ...createListingClosing(deps),
  };
}
