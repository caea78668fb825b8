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
} from './service.js';
export { invalidField, listingNotFound, listingNotOpen } from './errors.js';
