/** The listings module's public entry: what bids, matching and manifests use of a listing, and the service. */
export {
  addListingBids,
  announceListing,
  closeAuctionIfDue,
  createListingsService,
  getListingRow,
  lockListingForMatch,
  loseActiveBids,
  setListingState,
  type ListingRow,
  type ListingsService,
  type LockedListing,
  LISTING_LOCK,
  peekListingForBid,
  type PeekedListing,
} from './service.js';
export { invalidField, invalidFields, listingNotFound, listingNotOpen } from './errors.js';
