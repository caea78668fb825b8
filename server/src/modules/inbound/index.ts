/** The inbound module's public entry: changes the government system sends (ADR 0020). */
export { createInboundService, type InboundService } from './service.js';
export { inboundRoutes } from './routes.js';
