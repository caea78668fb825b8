/** The regulator module's public entry. */
export { createRegulatorService, type RegulatorService } from './service.js';
export { TRADE_STREAM_SQL } from './repo.js';
