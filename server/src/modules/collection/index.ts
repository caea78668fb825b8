/** The collection module's public entry (issue 18): collection points, intakes, lots, trace, fallback disposal. */
export { createCollectionService, intakeOfTrade, type CollectionService, type CollectionDeps } from './service.js';
export { createFallbackService, type FallbackService } from './fallback.js';
