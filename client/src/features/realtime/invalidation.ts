import { useEffect } from 'react';
import { useQueryClient, type QueryClient, type QueryKey } from '@tanstack/react-query';
import type { LiveFeed } from './LiveFeed';
import { keysFor, keysForResync, throttledKeysFor } from './liveKeys';

function invalidate(client: QueryClient, keys: QueryKey[] | 'all') {
  if (keys === 'all') return void client.invalidateQueries();
  for (const queryKey of keys) void client.invalidateQueries({ queryKey });
}

/**
 * Wires the feed to the query cache while the feed is open: each event invalidates the keys
 * ./liveKeys.ts names for it (the regulator's flows at most every 2 s), each resync what its room covers.
 */
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
