/** The bids module's public entry. */
export { createBidsService, type BidsService } from './service.js';
