/** The ecofees module's public entry: the rate a trade is created under, the default table, the service. */
export {
  createEcoFeesService,
  ecoRateForTrade,
  loadDefaultRates,
  streamOfLot,
  type AppliedEcoRate,
  type EcoFeesService,
} from './service.js';
