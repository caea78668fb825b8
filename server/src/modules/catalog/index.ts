/** The catalogue module's public entry. */
export { createCatalogService, type CatalogService } from './service.js';
