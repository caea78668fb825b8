/** The manifests module's public entry. */
export { createManifestsService, type ManifestsService } from './service.js';
export { upcomingDeadlines, type UpcomingDeadline } from './upcoming.js';
export { canSeeManifest, partsOf } from './kit.js';
export { verifyAllManifestChains, type ChainsReport, type BrokenChain } from './verify-all.js';
