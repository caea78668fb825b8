import { Emitter } from '@socket.io/redis-emitter';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Broadcaster } from './broadcaster.js';
import { quitRedis, realtimeRedisKey } from './emitter.js';

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
