/** The clients module's public entry: machine clients and their tokens (ADR 0020). */
export { createClientsService, type ClientsService } from './service.js';
export { clientsRoutes, oauthBodyErrors } from './routes.js';
