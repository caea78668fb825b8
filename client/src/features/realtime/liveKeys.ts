import type { RealtimeEvent } from '../../../../shared/src/realtime.js';

// Pure and free of React, so tests/unit/live-keys.test.ts can check it in Node; ./invalidation.ts applies it.

/** TanStack Query's QueryKey, spelled here so the server's type check does not pull in React's types. */
type QueryKey = readonly unknown[];

/**
 * Which cached queries a live event makes stale: the one place that ties the feed (DESIGN §8) to
 * the query keys of the features' `api.ts`. A key is a prefix: ['listings'] covers every listing
 * list, detail and bid list. Only queries on screen refetch; the others refetch when next shown.
 * Payloads are hints, never authority: the refetch brings the REST answer.
 */
export function keysFor(e: RealtimeEvent): QueryKey[] {
  switch (e.type) {
    case 'listing.created':
    case 'listing.updated':
      return [['listings']];
    case 'bid.placed':
      return [['listings'], ['bids']];
    case 'trade.created':
    case 'trade.updated':
      // A match changes listings and bids; payment and trips hang off the trade.
      return [['trades'], ['payments'], ['manifests'], ['listings'], ['bids'], ['admin'], ['todos']];
    case 'manifest.updated':
      // A `document` or `resolve` event on the trip: its documents and the trade's dispute panel too.
      return [['manifests'], ['trades'], ['documents'], ['todos']];
    case 'alert.raised':
      return [['regulator', 'alerts'], ['todos']];
    case 'credit.changed':
      return [['credit']];
    case 'notification.created':
      return [['notifications']];
    case 'market.trade':
      // A print: the market's prints and depth, and the caller's orders (one of them may have filled).
      return [['markets'], ['orders']];
    case 'market.depth':
      return [['markets']];
    default: {
      // A new event in shared/src/realtime.ts must be placed here: this stops compiling until it is.
      const unplaced: never = e.type;
      return unplaced;
    }
  }
}

/**
 * The regulator's flows are aggregates over every trade in scope: their refetch waits 2 s and
 * takes every trade and trip event of that window at once.
 */
export function throttledKeysFor(e: RealtimeEvent): QueryKey[] {
  if (!e.room.startsWith('regulator:')) return [];
  return e.type === 'trade.created' || e.type === 'trade.updated' || e.type === 'manifest.updated'
    ? [['regulator', 'flows']]
    : [];
}

/** What a resync of `room` (null: a reconnect) makes stale: events sent while away are gone. */
export function keysForResync(room: string | null): QueryKey[] | 'all' {
  if (room === null || room.startsWith('org:') || room.startsWith('regulator:')) return 'all';
  if (room.startsWith('user:')) return [['notifications']];
  if (room === 'public:listings' || room.startsWith('listing:')) return [['listings']];
  if (room.startsWith('market:')) return [['markets'], ['orders']];
  return [];
}
