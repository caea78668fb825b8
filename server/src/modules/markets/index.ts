/** The markets module's public entry: continuous markets for standardised grades (issue 16, ADR 0026). */
export { createMarketsService, snapshotOfRows, type MarketsService } from './service.js';
export { marketsRoutes } from './routes.js';
