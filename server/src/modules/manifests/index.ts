/** The manifests module's public entry. */
export { createManifestsService, type ManifestsService } from './service.js';
