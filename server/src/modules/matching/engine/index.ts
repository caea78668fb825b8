/**
 * The pure matching engine (DESIGN §3, §5.3): no I/O, no clock, no random ids. The I/O shell loads
 * the listing or book, calls one of these, and persists the fills and journal in one transaction
 * under the listing's (or market's) advisory lock.
 */
export { matchFixed } from './fixed.js';
export type { FixedMatchResult, FixedNoMatchReason } from './fixed.js';
export { allocateAuction, compareAuctionBids } from './auction.js';
export type { AuctionResult } from './auction.js';
export { OrderBook } from './book.js';
export type {
  BookAddJournalEntry,
  BookAddResult,
  BookCancelJournalEntry,
  BookCancelResult,
  BookDepthLevel,
  BookFill,
  BookFillJournalEntry,
  BookJournalEntry,
  BookOptions,
  BookOrder,
  BookOrderInput,
  BookSide,
  BookSnapshot,
  BookSnapshotLevel,
  BookSnapshotOrder,
} from './book.js';
export type { LevelIndexKind } from './levels.js';
export { lotFill, merit } from './rules.js';
export { EngineError } from './types.js';
export type {
  EngineAuctionBid,
  EngineBid,
  EngineErrorCode,
  EngineFill,
  EngineListing,
  ListingJournalEntry,
  ListingSide,
  NoFillReason,
} from './types.js';
