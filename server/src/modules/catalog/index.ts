/** The catalogue module's public entry. */
export { createCatalogService, type CatalogService } from './service.js';
export { seededBand, type SeedBand } from './data.js';
