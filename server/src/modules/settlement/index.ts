/** The settlement module's public entry: the trade moves manifests drive, and the service. */
export {
  createSettlementService,
  markDelivered,
  markDisputed,
  markInTransit,
  settleDispute,
  type SettlementService,
} from './service.js';
