import type http from 'node:http';
import { Server, type Socket } from 'socket.io';
import type { Redis } from 'ioredis';
import type { AppContext } from '../context.js';
import { actorOfToken } from '../modules/auth/tokens.js';
import type { UserActor } from '../http/actor.js';
import {
  FrameRooms,
  REALTIME_AUTH_ERROR,
  Rooms,
  ZSubscribeRequest,
  type ClientToServerEvents,
  type ServerToClientEvents,
  type SubscribeAck,
  type TSubscribeRequest,
} from '../../../shared/src/realtime.js';
import type { Broadcaster } from './broadcaster.js';
import { guardPublish, quitRedis, realtimeRedisKey } from './emitter.js';
import type { RedisBroadcaster } from './redis-broadcaster.js';

interface InterServerEvents {}

interface SocketData {
  actor: UserActor;
  /** Access token expiry, seconds since the epoch. */
  exp: number;
  /** Public rooms this socket joined by request (bounded). */
  subscriptions: Set<string>;
  /** Asked for several events of a room in one frame (`auth.batch`, shared/src/realtime.ts RealtimeBatch). */
  batch: boolean;
}

type IoServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
type IoSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

export interface RealtimeServer {
  io: IoServer;
  close(): Promise<void>;
}

const MAX_SUBSCRIPTIONS = 100;
const KNOWN_EVENTS = new Set(['subscribe', 'unsubscribe', 'reauth']);

/**
 * The live feed (DESIGN §8) on the API's HTTP server at /socket.io. Only authenticated sockets
 * connect (access token in the handshake); a socket joins its private rooms (org, regulator scope)
 * on connect and public rooms (a listing, a market, public listings) by request; it is dropped when
 * its token expires unless it sent a fresh one (reauth). With Redis, the adapter shares rooms across
 * API processes and lets workers emit through @socket.io/redis-emitter (emitter.ts).
 *
 * Nothing a client sends is trusted: requests are validated, an acknowledgement is required, and a
 * frame outside this protocol closes that socket. No handler lets an exception escape.
 */
export async function attachRealtime(httpServer: http.Server, ctx: AppContext): Promise<RealtimeServer> {
  const log = ctx.logger.child({ component: 'realtime' });
  const corsOrigins = ctx.config.CORS_ORIGIN?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const io: IoServer = new Server(httpServer, {
    path: '/socket.io',
    serveClient: false,
    // Same-origin by default (the API serves the web client); CORS only for configured origins.
    ...(corsOrigins?.length ? { cors: { origin: corsOrigins, credentials: true } } : {}),
    // Client frames are small requests; anything larger is not ours.
    maxHttpBufferSize: 16 * 1024,
    connectTimeout: 10_000,
  });

  const redisClients: Redis[] = [];
  let redisBroadcaster: RedisBroadcaster | null = null;
  if (ctx.redis) {
    // Loaded only with Redis: an embedded server never holds the adapter, the emitter or ioredis.
    const [{ createAdapter }, { createRedisBroadcaster }] = await Promise.all([
      import('@socket.io/redis-adapter'),
      import('./redis-broadcaster.js'),
    ]);
    const pub = guardPublish(ctx.redis.duplicate(), log);
    const sub = ctx.redis.duplicate();
    for (const c of [pub, sub]) {
      c.on('error', (err) => log.warn({ err: err.message }, 'redis (socket.io adapter) connection error'));
      redisClients.push(c);
    }
    io.adapter(createAdapter(pub, sub, { key: realtimeRedisKey(ctx.config.REDIS_PREFIX) }));
    redisBroadcaster = createRedisBroadcaster({ redisUrl: ctx.config.REDIS_URL!, logger: log, prefix: ctx.config.REDIS_PREFIX });
  }

  const expiryTimers = new Map<string, NodeJS.Timeout>();

  function armExpiry(socket: IoSocket) {
    clearTimeout(expiryTimers.get(socket.id));
    const ms = Math.max(0, socket.data.exp * 1000 - Date.now());
    const t = setTimeout(() => {
      expiryTimers.delete(socket.id);
      safely(socket, () => {
        socket.emit('session.expired');
        socket.disconnect(true);
      });
    }, ms);
    t.unref?.();
    expiryTimers.set(socket.id, t);
  }

  function tokenValid(socket: IoSocket): boolean {
    return socket.data.exp * 1000 > Date.now();
  }

  function safely(socket: IoSocket, fn: () => void) {
    try {
      fn();
    } catch (err) {
      log.warn({ err, socketId: socket.id }, 'realtime handler failed; closing the socket');
      try {
        socket.disconnect(true);
      } catch {
        // Already gone.
      }
    }
  }

  io.use(async (socket, next) => {
    const auth = socket.handshake.auth as Record<string, unknown> | undefined;
    const token = auth?.token;
    const actor =
      typeof token === 'string' && token.length > 0 && token.length < 4096
        ? await ctx.auth.authenticateAccessToken(token).catch(() => null)
        : null;
    if (!actor) {
      const err = new Error(REALTIME_AUTH_ERROR) as Error & { data?: unknown };
      err.data = {
        code: REALTIME_AUTH_ERROR,
        message: token ? 'invalid or expired access token' : 'an access token is required (auth: { token })',
      };
      return next(err);
    }
    socket.data.actor = actorOfToken(actor);
    socket.data.exp = actor.exp;
    socket.data.subscriptions = new Set();
    socket.data.batch = auth?.batch === true;
    next();
  });

  io.on('connection', (socket) => {
    safely(socket, () => {
      const { actor } = socket.data;
      socket.join([...privateRooms(actor), socket.data.batch ? FrameRooms.batch : FrameRooms.single]);
      armExpiry(socket);

      socket.on('disconnect', () => {
        clearTimeout(expiryTimers.get(socket.id));
        expiryTimers.delete(socket.id);
      });

      // Frames outside the protocol close the socket (RELIABILITY, live feed).
      socket.onAny((event: unknown) => {
        if (typeof event !== 'string' || !KNOWN_EVENTS.has(event)) {
          log.info({ socketId: socket.id, userId: actor.userId }, 'unknown realtime event; closing the socket');
          socket.disconnect(true);
        }
      });

      socket.on('subscribe', (request: unknown, ack: unknown) => {
        safely(socket, () => {
          if (typeof ack !== 'function') return socket.disconnect(true);
          const reply = ack as (res: SubscribeAck) => void;
          if (!tokenValid(socket)) {
            reply({ ok: false, error: { code: REALTIME_AUTH_ERROR, message: 'access token expired' } });
            return socket.disconnect(true);
          }
          const parsed = ZSubscribeRequest.safeParse(request);
          if (!parsed.success)
            return reply({
              ok: false,
              error: {
                code: 'VALIDATION_FAILED',
                message: 'expected { listingId: uuid }, { market: code } or { room: "public:listings" }',
              },
            });
          const room = publicRoom(parsed.data);
          if (!socket.data.subscriptions.has(room) && socket.data.subscriptions.size >= MAX_SUBSCRIPTIONS)
            return reply({
              ok: false,
              error: { code: 'RATE_LIMITED', message: `at most ${MAX_SUBSCRIPTIONS} subscriptions per connection` },
            });
          socket.data.subscriptions.add(room);
          socket.join(room);
          reply({ ok: true, room });
        });
      });

      socket.on('unsubscribe', (request: unknown, ack: unknown) => {
        safely(socket, () => {
          if (typeof ack !== 'function') return socket.disconnect(true);
          const reply = ack as (res: SubscribeAck) => void;
          const parsed = ZSubscribeRequest.safeParse(request);
          if (!parsed.success) return reply({ ok: false, error: { code: 'VALIDATION_FAILED', message: 'not a subscription' } });
          const room = publicRoom(parsed.data);
          socket.data.subscriptions.delete(room);
          socket.leave(room);
          reply({ ok: true, room });
        });
      });

      socket.on('reauth', (request: unknown, ack: unknown) => {
        safely(socket, () => {
          if (typeof ack !== 'function') return socket.disconnect(true);
          const reply = ack as (res: { ok: boolean; error?: { code: string; message: string } }) => void;
          const token = request && typeof request === 'object' ? (request as { token?: unknown }).token : undefined;
          const checked =
            typeof token === 'string' && token.length < 4096 ? ctx.auth.authenticateAccessToken(token) : Promise.resolve(null);
          checked.then(
            (next) => {
              // Same user and org only: a socket's private rooms were chosen for its first token.
              if (!next || next.userId !== actor.userId || next.orgId !== actor.orgId)
                return reply({
                  ok: false,
                  error: { code: REALTIME_AUTH_ERROR, message: 'invalid access token for this connection' },
                });
              safely(socket, () => {
                socket.data.exp = next.exp;
                armExpiry(socket);
                reply({ ok: true });
              });
            },
            () =>
              reply({ ok: false, error: { code: REALTIME_AUTH_ERROR, message: 'could not check the access token; try again' } }),
          );
        });
      });
    });
  });

  // With Redis, through Redis even for this process's own sockets (the adapter delivers them), so a
  // publish that fails is seen by the job and retried; without Redis, straight to the local sockets.
  const broadcaster: Broadcaster = redisBroadcaster ?? {
    emit(room, event, payload, except) {
      // The event map is typed for clients; publishers pass validated names through publishEvent.
      const to = except ? io.to(room).except(except) : io.to(room);
      (to as unknown as { emit(ev: string, p: unknown): void }).emit(event, payload);
    },
  };
  ctx.broadcaster = broadcaster;

  return {
    io,
    async close() {
      if (ctx.broadcaster === broadcaster) ctx.broadcaster = null;
      for (const t of expiryTimers.values()) clearTimeout(t);
      expiryTimers.clear();
      // Not io.close(): that also waits for the HTTP server to close, which the caller does after
      // dropping its keep-alive connections.
      io.local.disconnectSockets(true);
      await Promise.resolve(io.of('/').adapter.close()).catch(() => {});
      io.engine.close();
      for (const c of redisClients) await quitRedis(c);
      await redisBroadcaster?.close();
    },
  };
}

/** Rooms a socket joins on connect: its user, its org, and a regulator's scope. */
export function privateRooms(actor: UserActor): string[] {
  const rooms: string[] = [Rooms.user(actor.userId)];
  if (actor.orgId) rooms.push(Rooms.org(actor.orgId));
  if (actor.roles.includes('regulator')) {
    if (actor.scope === 'city') rooms.push(Rooms.regulatorCity);
    else if (Array.isArray(actor.scope)) for (const d of actor.scope) rooms.push(Rooms.regulator(d));
  }
  return rooms;
}

function publicRoom(r: TSubscribeRequest): string {
  if ('listingId' in r) return Rooms.listing(r.listingId.toLowerCase());
  if ('market' in r) return Rooms.market(r.market);
  return Rooms.publicListings;
}
