import { useEffect } from 'react';
import { useQueryClient, type QueryClient, type QueryKey } from '@tanstack/react-query';
import type { RealtimeEvent } from '../../../../shared/src/realtime.js';
import type { LiveFeed } from './LiveFeed';

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
      return [['trades'], ['payments'], ['manifests'], ['listings'], ['bids'], ['admin']];
    case 'manifest.updated':
      return [['manifests'], ['trades']];
    case 'alert.raised':
      return [['regulator', 'alerts']];
    case 'credit.changed':
      return [['credit']];
    default:
      return [];
  }
}

/**
 * The regulator's flows are aggregates over every trade in scope: their refetch waits 2 s and
 * takes every trade and trip event of that window at once.
 */
export function throttledKeysFor(e: RealtimeEvent): QueryKey[] {
  if (!e.room.startsWith('regulator:')) return [];
  return e.type === 'trade.created' || e.type === 'trade.updated' || e.type === 'manifest.updated' ? [['regulator', 'flows']] : [];
}

/** What a resync of `room` (null: a reconnect) makes stale: events sent while away are gone. */
export function keysForResync(room: string | null): QueryKey[] | 'all' {
  if (room === null || room.startsWith('org:') || room.startsWith('regulator:')) return 'all';
  if (room === 'public:listings' || room.startsWith('listing:')) return [['listings']];
  return [];
}

function invalidate(client: QueryClient, keys: QueryKey[] | 'all') {
  if (keys === 'all') return void client.invalidateQueries();
  for (const queryKey of keys) void client.invalidateQueries({ queryKey });
}

/** Wires the feed to the query cache while the feed is open. */
export function useLiveInvalidation(feed: LiveFeed | null): void {
  const client = useQueryClient();
  useEffect(() => {
    if (!feed) return;
    let pending: ReturnType<typeof setTimeout> | null = null;
    const throttled = new Map<string, QueryKey>();
    const offEvent = feed.onEvent((e) => {
      invalidate(client, keysFor(e));
      for (const key of throttledKeysFor(e)) throttled.set(JSON.stringify(key), key);
      if (throttled.size && !pending) {
        pending = setTimeout(() => {
          pending = null;
          invalidate(client, [...throttled.values()]);
          throttled.clear();
        }, 2000);
      }
    });
    const offResync = feed.onResync((room) => invalidate(client, keysForResync(room)));
    return () => {
      offEvent();
      offResync();
      if (pending) clearTimeout(pending);
    };
  }, [feed, client]);
}
