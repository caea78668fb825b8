import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { io, type Socket } from 'socket.io-client';
import type {
  ClientToServerEvents,
  REALTIME_BATCH,
  RealtimeEvent,
  ServerToClientEvents,
  SubscribeAck,
  TSubscribeRequest,
} from '../../../../shared/src/realtime.js';
import { useQueryClient } from '@tanstack/react-query';
import { getAccessToken, onAccessTokenChange, refreshSession } from '../../lib/api';
import { useSession } from '../auth/session';
import { useLiveInvalidation } from './invalidation';

// Types only from shared/src/realtime.ts: its values would bring zod into the bundle.
type FeedSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
/** The batch frame's name; the type ties it to the server's constant. */
const BATCH_FRAME: typeof REALTIME_BATCH = 'events';
export type LiveStatus = 'off' | 'connecting' | 'live' | 'down';

/** The room a subscription joins, spelled as the server spells it (shared/src/realtime.ts `Rooms`). */
export function roomOf(request: TSubscribeRequest): string {
  if ('listingId' in request) return `listing:${request.listingId.toLowerCase()}`;
  if ('market' in request) return `market:${request.market}`;
  return request.room;
}

function isEvent(value: unknown): value is RealtimeEvent {
  if (!value || typeof value !== 'object') return false;
  const e = value as Record<string, unknown>;
  return typeof e.room === 'string' && typeof e.type === 'string' && typeof e.seq === 'number' && Number.isSafeInteger(e.seq);
}

/**
 * One socket.io connection per signed-in session (DESIGN §8). Pages join public rooms by request,
 * shared by reference count, so two components on one room never unsubscribe each other. Every
 * event carries a per-room `seq`: a repeat is dropped, a gap asks the page to refetch over REST,
 * and so does every (re)subscription, because events sent while the socket was away are gone.
 * Payloads are hints to refetch or small patches, never authority (the REST answer is).
 */
export class LiveFeed {
  private readonly socket: FeedSocket;
  private readonly rooms = new Map<string, { request: TSubscribeRequest; refs: number }>();
  private readonly lastSeq = new Map<string, number>();
  private readonly eventListeners = new Set<(e: RealtimeEvent) => void>();
  /** Called with the room to refetch, or null after a reconnect (private rooms may have missed events). */
  private readonly resyncListeners = new Set<(room: string | null) => void>();
  private readonly statusListeners = new Set<(s: LiveStatus) => void>();
  private readonly stopTokenWatch: () => void;
  private lastRecovery = 0;
  private closed = false;
  status: LiveStatus = 'connecting';

  constructor() {
    this.socket = io({
      path: '/socket.io',
      // A function, so every reconnect presents the current token rather than the first one.
      // batch: several events of a room may come in one frame under load (shared/src/realtime.ts).
      auth: (cb) => cb({ token: getAccessToken() ?? '', batch: true }),
      autoConnect: false,
    });
    this.socket.on('connect', () => {
      this.lastSeq.clear();
      this.setStatus('live');
      this.emitResync(null);
      for (const room of this.rooms.keys()) this.join(room);
    });
    this.socket.on('disconnect', (reason) => {
      if (this.closed) return;
      this.setStatus('down');
      // The server drops a socket whose token expired ('session.expired' comes first); socket.io
      // does not reconnect after a server-side disconnect, so refresh the session and come back.
      if (reason === 'io server disconnect') this.recover();
    });
    this.socket.on('connect_error', (err) => {
      if (this.closed) return;
      this.setStatus('down');
      // A refused handshake is not retried by socket.io; anything else (network) is.
      if (err.message === 'UNAUTHENTICATED' || !this.socket.active) this.recover();
    });
    this.socket.onAny((name: string, payload: unknown) => {
      if (name !== BATCH_FRAME) return this.dispatch(payload);
      const events = (payload as { events?: unknown } | null)?.events;
      if (Array.isArray(events)) for (const e of events) this.dispatch(e);
    });
    this.stopTokenWatch = onAccessTokenChange((token) => {
      if (!token || !this.socket.connected) return;
      this.socket.emit('reauth', { token }, (res) => {
        if (!res?.ok) this.socket.disconnect().connect();
      });
    });
    this.socket.connect();
  }

  close(): void {
    this.closed = true;
    this.stopTokenWatch();
    this.socket.disconnect();
    this.setStatus('off');
  }

  private setStatus(s: LiveStatus) {
    this.status = s;
    for (const l of this.statusListeners) l(s);
  }

  private recover() {
    const now = Date.now();
    // At most one attempt every 5 s, so a server that keeps refusing is not hammered.
    const wait = Math.max(0, this.lastRecovery + 5000 - now);
    this.lastRecovery = now + wait;
    setTimeout(async () => {
      if (this.closed || this.socket.connected) return;
      if (await refreshSession()) {
        if (!this.closed) this.socket.connect();
      } else if (!this.closed) this.setStatus('off');
    }, wait);
  }

  private join(room: string) {
    const entry = this.rooms.get(room);
    if (!entry || !this.socket.connected) return;
    this.socket.emit('subscribe', entry.request, (ack: SubscribeAck) => {
      if (ack?.ok) this.emitResync(room);
    });
  }

  private emitResync(room: string | null) {
    for (const l of this.resyncListeners) l(room);
  }

  private dispatch(payload: unknown) {
    if (!isEvent(payload)) return;
    const last = this.lastSeq.get(payload.room);
    if (last !== undefined && payload.seq <= last) return; // at-least-once delivery: a repeat
    this.lastSeq.set(payload.room, payload.seq);
    if (last !== undefined && payload.seq > last + 1) {
      // Missed events: the page refetches, and the event itself is applied on top (harmless).
      this.emitResync(payload.room);
    }
    for (const l of this.eventListeners) l(payload);
  }

  subscribe(request: TSubscribeRequest): () => void {
    const room = roomOf(request);
    const entry = this.rooms.get(room);
    if (entry) entry.refs += 1;
    else {
      this.rooms.set(room, { request, refs: 1 });
      this.join(room);
    }
    return () => {
      const current = this.rooms.get(room);
      if (!current) return;
      current.refs -= 1;
      if (current.refs > 0) return;
      this.rooms.delete(room);
      this.lastSeq.delete(room);
      if (this.socket.connected) this.socket.emit('unsubscribe', request, () => {});
    };
  }

  onEvent(listener: (e: RealtimeEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  onResync(listener: (room: string | null) => void): () => void {
    this.resyncListeners.add(listener);
    return () => this.resyncListeners.delete(listener);
  }

  onStatus(listener: (s: LiveStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }
}

const FeedContext = createContext<LiveFeed | null>(null);

/**
 * Opens the live feed while someone is signed in (the handshake needs an access token), and lets its
 * events invalidate the query cache. The cache belongs to one user: signing out or in as someone
 * else drops what it holds, and the queries on screen load again under the new session.
 */
export function LiveFeedProvider({ children }: { children: ReactNode }) {
  const { session } = useSession();
  const userId = session.status === 'signedIn' ? session.me.user.id : null;
  const [feed, setFeed] = useState<LiveFeed | null>(null);
  const queryClient = useQueryClient();
  const cacheOwner = useRef<string | null | undefined>(undefined);

  useEffect(() => {
    if (session.status === 'loading') return;
    if (cacheOwner.current !== undefined && cacheOwner.current !== userId) void queryClient.resetQueries();
    cacheOwner.current = userId;
  }, [session.status, userId, queryClient]);

  useLiveInvalidation(feed);

  useEffect(() => {
    if (!userId) return;
    const f = new LiveFeed();
    setFeed(f);
    return () => {
      f.close();
      setFeed(null);
    };
  }, [userId]);

  return <FeedContext.Provider value={feed}>{children}</FeedContext.Provider>;
}

export interface LiveOptions {
  /** A public room to join while mounted; omit for the private rooms joined on connect (org, regulator). */
  subscribe?: TSubscribeRequest | null;
  /** Which events concern this view (by room and type), for what the view does besides refetching. */
  accept?(e: RealtimeEvent): boolean;
  onEvent?(e: RealtimeEvent): void;
}

/**
 * A view's share of the live feed: the public room it joins while mounted, and the feed's status
 * ('off' when signed out: pages then show what REST returned and say that live updates need a
 * sign-in). Refetching is not the view's business: events and resyncs invalidate the query cache
 * (./invalidation.ts); `onEvent` is for what a view shows about the event itself (a "new" mark).
 */
export function useLive(options: LiveOptions): LiveStatus {
  const feed = useContext(FeedContext);
  const ref = useRef(options);
  ref.current = options;
  const request = options.subscribe ?? null;
  const requestKey = request ? JSON.stringify(request) : '';
  const [status, setStatus] = useState<LiveStatus>(feed?.status ?? 'off');

  useEffect(() => {
    if (!feed) {
      setStatus('off');
      return;
    }
    setStatus(feed.status);
    const offStatus = feed.onStatus(setStatus);
    const offEvent = feed.onEvent((e) => {
      if (ref.current.accept?.(e)) ref.current.onEvent?.(e);
    });
    const unsubscribe = request ? feed.subscribe(request) : () => {};
    return () => {
      offStatus();
      offEvent();
      unsubscribe();
    };
    // requestKey stands for request.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [feed, requestKey]);

  return status;
}
