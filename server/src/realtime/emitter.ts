import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

/**
 * The socket.io channel key of a deployment (REDIS_PREFIX): the adapter of its API processes and the
 * emitter of every process that publishes must agree, and another deployment on the same Redis
 * server must differ, because pub/sub ignores the database index. 'zwx' gives the former fixed 'zwx-io'.
 */
export function realtimeRedisKey(prefix: string): string {
  return `${prefix}-io`;
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
