/** The matching module's public entry: the pure engine and the shell that saves its results. */
export * from './engine/index.js';
export { createMatcher, type BidBook, type BookBid, type Matcher, type MatchingDeps } from './service.js';
