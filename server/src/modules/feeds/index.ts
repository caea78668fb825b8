/** The feeds module's public entry: the topic feeds machine clients read (ADR 0020). */
export { createFeedsService, sequenceFeed, type FeedsService, type FeedsPorts } from './service.js';
export { feedsRoutes } from './routes.js';
