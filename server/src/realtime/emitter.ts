import { Emitter } from '@socket.io/redis-emitter';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Broadcaster } from './broadcaster.js';

/**
 * The Redis channel prefix the socket.io adapter (API processes) and the emitter (workers) share.
 * Both sides must agree, or events emitted by jobs never reach a socket.
 */
export const REALTIME_REDIS_KEY = 'zwx-io';

export interface RedisBroadcaster extends Broadcaster {
  close(): Promise<void>;
}

/**
 * A Broadcaster for processes without a socket.io server (the worker): it publishes to Redis,
 * and every API process's Redis adapter delivers to its own sockets in the room.
 */
export function createRedisBroadcaster(o: { redisUrl: string; logger: Logger; key?: string }): RedisBroadcaster {
  const redis = new Redis(o.redisUrl, { maxRetriesPerRequest: 3, connectionName: 'zwx-realtime-emitter' });
  redis.on('error', (err) => o.logger.warn({ err: err.message }, 'redis (realtime emitter) connection error'));
  const emitter = new Emitter(guardPublish(redis, o.logger), { key: o.key ?? REALTIME_REDIS_KEY });
  return {
    emit(room, event, payload) {
      emitter.to(room).emit(event, payload);
    },
    async close() {
      await quitRedis(redis);
    },
  };
}

/**
 * The socket.io emitter and adapter call publish() without handling its promise; while Redis is
 * down that rejection would be unhandled and end the process. Live events are best effort (clients
 * refetch on a seq gap), so a failed publish is logged and dropped.
 */
export function guardPublish(redis: Redis, logger: Logger): Redis {
  const publish = redis.publish.bind(redis) as (...args: unknown[]) => Promise<number>;
  (redis as unknown as { publish: (...args: unknown[]) => Promise<number> }).publish = (...args: unknown[]) => {
    const p = publish(...args);
    p.catch((err: unknown) => logger.warn({ err: (err as Error)?.message }, 'realtime publish to redis failed; event dropped'));
    return p;
  };
  return redis;
}

/** Resolves with the promise's value, or with false after `ms` (the promise keeps running). */
export async function within<T>(p: Promise<T>, ms: number): Promise<T | false> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** QUIT, or a hard disconnect when Redis does not answer (a connection retrying forever would wait for ever). */
export async function quitRedis(c: Redis, ms = 2000): Promise<void> {
  const quit = await within(
    c.quit().then(() => true),
    ms,
  ).catch(() => false);
  if (!quit) c.disconnect();
}
