/** The bids module's public entry. */
export { bidLot, createBidsService, type BidsService } from './service.js';
