/** The watches module's public entry: watchlists and price alerts (issue 16 item 5). */
export { createWatchesService, watchMatches, type WatchesService } from './service.js';
export { watchesRoutes } from './routes.js';
