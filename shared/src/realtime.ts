import { z } from 'zod';

/**
 * The live feed's contract (DESIGN §8), shared by the socket.io server and the web client.
 *
 * Every event is `{ room, seq, at, type, …data }`. `seq` increases by one per room and is allocated
 * in the database with the outbox row, so it holds across processes; a client that sees a gap (or
 * reconnects) refetches over REST. Delivery is at-least-once: a repeated (room, seq) is a duplicate.
 */

export const REALTIME_EVENTS = [
  'listing.created',
  'listing.updated',
  'bid.placed',
  'trade.created',
  'trade.updated',
  'manifest.updated',
  'market.trade',
  'market.depth',
  'alert.raised',
  'credit.changed',
  'notification.created',
] as const;
export type RealtimeEventName = (typeof REALTIME_EVENTS)[number];

/** Data each event carries besides the envelope. Publishers may add fields; these are the ones clients rely on. */
export interface RealtimeEventData {
  /** Rooms `public:listings`, `listing:<id>`. */
  'listing.created': { listingId: string; status?: string };
  'listing.updated': { listingId: string; status?: string };
  /** Rooms `listing:<id>`, `org:<listing owner>`. On a sealed auction others see only the count. */
  'bid.placed': { listingId: string; bidCount: number; bidId?: string };
  /** Rooms `org:<each party>`, regulator rooms of origin and destination, `regulator:city`. */
  'trade.created': { tradeId: string; status: string };
  'trade.updated': { tradeId: string; status: string };
  /** Rooms `org:<shipper, carrier, receiver>`, regulator rooms as for trades. */
  'manifest.updated': { manifestId: string; tradeId: string; status: string };
  /** Room `market:<code>`. */
  'market.trade': { market: string; pricePerTonneFen: number; quantityKg: number };
  /** Room `market:<code>`: the book's top levels after a change (an order, a fill, a cancel). */
  'market.depth': {
    market: string;
    bids: { pricePerTonneFen: number; quantityKg: number; orders: number }[];
    asks: { pricePerTonneFen: number; quantityKg: number; orders: number }[];
  };
  /** Regulator rooms of the alert's district. */
  'alert.raised': { alertId: string; kind: string; district: string | null };
  /** Room `org:<id>`. */
  'credit.changed': { orgId: string; score: number; level: string };
  /** Room `user:<id>`: a new notification for that user (the badge). */
  'notification.created': { notificationId: string; kind: string };
}

export interface RealtimeEnvelope<E extends RealtimeEventName = RealtimeEventName> {
  room: string;
  seq: number;
  /** ISO 8601 UTC time of the change. */
  at: string;
  type: E;
}

export type RealtimeEvent<E extends RealtimeEventName = RealtimeEventName> = RealtimeEnvelope<E> &
  RealtimeEventData[E] &
  Record<string, unknown>;

/** Rooms, spelled in one place. Private rooms are joined by the server on connect, never by request. */
export const Rooms = {
  publicListings: 'public:listings',
  listing: (id: string) => `listing:${id}`,
  market: (code: string) => `market:${code}`,
  org: (id: string) => `org:${id}`,
  /** One user's own room (notifications); joined on connect by that user's sockets only. */
  user: (id: string) => `user:${id}`,
  regulatorCity: 'regulator:city',
  regulator: (district: string) => `regulator:${district}`,
} as const;

/** Market (material) codes: `PA01`, `SW59-01`, `772-002-18`. */
export const MARKET_CODE_PATTERN = /^[A-Z0-9][A-Z0-9-]{1,31}$/;

/** What a client may ask to join: a listing, a continuous market, or the public listings feed. */
export const ZSubscribeRequest = z.union([
  z.strictObject({ listingId: z.uuid() }),
  z.strictObject({ market: z.string().regex(MARKET_CODE_PATTERN, 'not a market code') }),
  z.strictObject({ room: z.literal(Rooms.publicListings) }),
]);
export type TSubscribeRequest = z.infer<typeof ZSubscribeRequest>;

export interface SubscribeAck {
  ok: boolean;
  /** The room joined or left. */
  room?: string;
  error?: { code: string; message: string };
}

/**
 * Several events of one room in one frame, in `seq` order (issue 15): sent only to sockets that ask
 * for it in the handshake (`auth: { token, batch: true }`), and only when one relay pass carries more
 * than one event for the room, which is under load. A frame per event costs a websocket write per
 * socket; at 200 events/s to 1,000 sockets that, not the database, is the limit. Sockets that do not
 * ask get every event in its own frame, as DESIGN §8 describes.
 */
export interface RealtimeBatch {
  room: string;
  events: RealtimeEvent[];
}
/** The name of the batch frame. Not an event type: a client unpacks it and handles each event. */
export const REALTIME_BATCH = 'events';
/** Rooms that split sockets by the frames they take; every socket is in exactly one. */
export const FrameRooms = { batch: 'frames:batch', single: 'frames:single' } as const;

/** Events the server sends. */
export type ServerToClientEvents = {
  [E in RealtimeEventName]: (event: RealtimeEvent<E>) => void;
} & {
  /** Sent just before the server drops a socket whose access token expired; reconnect with a fresh one. */
  'session.expired': () => void;
  /** To sockets that asked for batches (`auth.batch`): several events of one room. */
  events: (batch: RealtimeBatch) => void;
};

/** Events a client sends; every one takes an acknowledgement callback. */
export interface ClientToServerEvents {
  subscribe: (request: TSubscribeRequest, ack: (res: SubscribeAck) => void) => void;
  unsubscribe: (request: TSubscribeRequest, ack: (res: SubscribeAck) => void) => void;
  /** Replaces the socket's access token (same user) so it outlives the first token. */
  reauth: (request: { token: string }, ack: (res: { ok: boolean; error?: { code: string; message: string } }) => void) => void;
}

/** The error a refused handshake carries in `connect_error` (`err.message` and `err.data`). */
export const REALTIME_AUTH_ERROR = 'UNAUTHENTICATED';
