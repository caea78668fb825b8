/** The documents module's public entry. */
export { createDocumentsService, type DocumentsService } from './service.js';
