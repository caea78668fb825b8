/** The ledger module's public entry: the accounts, posting and reading transfers, the service. */
export { Accounts } from './model.js';
export { createLedgerService, escrowHeldForTrade, postTransfer, transferExists, type LedgerService } from './service.js';
