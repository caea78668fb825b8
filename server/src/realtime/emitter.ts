import { Emitter } from '@socket.io/redis-emitter';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Broadcaster } from './broadcaster.js';

/**
 * The socket.io channel key of a deployment (REDIS_PREFIX): the adapter of its API processes and the
 * emitter of every process that publishes must agree, and another deployment on the same Redis
 * server must differ, because pub/sub ignores the database index. 'zwx' gives the former fixed 'zwx-io'.
 */
export function realtimeRedisKey(prefix: string): string {
  return `${prefix}-io`;
}

export interface RedisBroadcaster extends Broadcaster {
  emit(room: string, event: string, payload: Record<string, unknown>, except?: string): Promise<number>;
  close(): Promise<void>;
}

/**
 * Publishes live events to Redis, where every API process's socket.io adapter (with the same key)
 * delivers them to its own sockets in the room. Every process with Redis publishes this way, the API
 * included, so delivery has one path. emit() resolves with the number of adapter subscriptions that
 * received the message and rejects when the publish failed: the realtime.publish job awaits it, so
 * its outbox row stays pending until a publish succeeds (jobs/handlers.ts) instead of being dropped.
 */
export function createRedisBroadcaster(o: { redisUrl: string; logger: Logger; prefix: string }): RedisBroadcaster {
  const redis = new Redis(o.redisUrl, {
    maxRetriesPerRequest: 3,
    connectionName: 'zwx-realtime-emitter',
    enableAutoPipelining: true,
  });
  redis.on('error', (err) => o.logger.warn({ err: err.message }, 'redis (realtime emitter) connection error'));
  // The emitter publishes synchronously inside emit() and ignores the reply; this client keeps it.
  let sent: Promise<number> | null = null;
  const client = {
    publish: (channel: string, message: string | Buffer) => {
      sent = redis.publish(channel, message);
      return sent;
    },
  };
  const emitter = new Emitter(client, { key: realtimeRedisKey(o.prefix) });
  return {
    async emit(room, event, payload, except) {
      sent = null;
      (except ? emitter.to(room).except(except) : emitter.to(room)).emit(event, payload);
      const reply = sent as Promise<number> | null;
      sent = null;
      if (!reply) throw new Error('the socket.io emitter published nothing');
      return reply;
    },
    async close() {
      await quitRedis(redis);
    },
  };
}

/**
 * The socket.io adapter calls publish() without handling its promise (inter-process requests); while
 * Redis is down that rejection would be unhandled and end the process, so it is logged instead.
 * Live events do not go this way (createRedisBroadcaster awaits its publishes).
 */
export function guardPublish(redis: Redis, logger: Logger): Redis {
  const publish = redis.publish.bind(redis) as (...args: unknown[]) => Promise<number>;
  (redis as unknown as { publish: (...args: unknown[]) => Promise<number> }).publish = (...args: unknown[]) => {
    const p = publish(...args);
    p.catch((err: unknown) => logger.warn({ err: (err as Error)?.message }, 'socket.io adapter publish to redis failed'));
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
