/** The prices module's public entry: the price gate bids and listings pass, alerts on flagged prices, the service. */
export {
  alertFlaggedPrice,
  createPricesService,
  gatePrice,
  referenceBandOfListing,
  withRejectionAlert,
  type PriceGate,
  type PricesService,
} from './service.js';
export { INDEX_MIN_GENERATORS, INDEX_MIN_RECEIVERS } from './publish.js';
