/** The disclosure module's public entry: the public pages' reads (公示, issue 14 item 6). */
export { createDisclosureService, type DisclosureService } from './service.js';
export { disclosureRoutes } from './routes.js';
