/** The regulator module's public entry. */
export { createRegulatorService, type RegulatorService } from './service.js';
