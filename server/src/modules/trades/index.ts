/** The trades module's public entry: what matching, eligibility, manifests, payments, settlement and ledger use. */
export {
  canSeeTrade,
  createTradeForFill,
  createTradesService,
  getTradeForUpdate,
  getTradeRow,
  hazardousIntakeKg,
  toTrade,
  tradeIdsOfBids,
  transitionTrade,
  type CreditReader,
  type FillForTrade,
  type TradeRow,
  type TradesService,
} from './service.js';
