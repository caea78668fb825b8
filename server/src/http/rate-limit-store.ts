import { MemoryStore, type IncrementResponse, type Options, type Store } from 'express-rate-limit';
import { RedisStore, type RedisReply } from 'rate-limit-redis';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

/** How long a Redis round trip may take before a request is counted locally instead (a partition, not a refusal). */
const REDIS_TIMEOUT_MS = 250;
/** After a failed or slow command, requests are counted locally this long before Redis is tried again. */
const RETRY_AFTER_MS = 1000;

/**
 * A rate-limit store shared across processes through Redis (RELIABILITY A4) that never makes the
 * API wait on a Redis that is gone: while the connection is not 'ready', or a command fails or takes
 * longer than REDIS_TIMEOUT_MS, requests are counted in this process's memory (a local limit of the
 * same size), and the switch is logged once per outage. When Redis is back its scripts are loaded
 * again (a restarted Redis has none) and counting goes back to it.
 */
export class RedisWithMemoryFallbackStore implements Store {
  /** Keys live in Redis, shared with other processes (express-rate-limit's double-count check reads this). */
  readonly localKeys = false;
  readonly prefix: string;
  private readonly redisStore: RedisStore;
  private readonly memory = new MemoryStore();
  private options: Options | null = null;
  private degraded = false;
  private retryAt = 0;
  /** Set when the Redis store must load its scripts again before it is used (first use, or after an outage). */
  private initialising: Promise<void> | null = null;
  private needsInit = true;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    private readonly logger: Logger,
  ) {
    this.prefix = prefix;
    this.redisStore = new RedisStore({
      prefix,
      sendCommand: (command: string, ...args: string[]) => redis.call(command, ...args) as Promise<RedisReply>,
    });
  }

  init(options: Options): void {
    this.options = options;
    this.memory.init(options);
    // The Redis side loads its scripts on first use, when Redis is ready: a store built while Redis
    // is down would otherwise keep the failed load and fail every call after Redis returns.
  }

  async increment(key: string): Promise<IncrementResponse> {
    return this.either(
      (s) => s.increment(key),
      () => this.memory.increment(key),
    );
  }

  async decrement(key: string): Promise<void> {
    await this.either(
      (s) => s.decrement(key),
      () => this.memory.decrement(key),
    );
  }

  async resetKey(key: string): Promise<void> {
    await this.either(
      (s) => s.resetKey(key),
      () => this.memory.resetKey(key),
    );
  }

  private async either<T>(shared: (s: RedisStore) => Promise<T>, local: () => Promise<T>): Promise<T> {
    if (this.redis.status !== 'ready') {
      this.markDegraded(`connection ${this.redis.status}`);
      return local();
    }
    if (Date.now() < this.retryAt) return local();
    let timer: NodeJS.Timeout | undefined;
    try {
      const attempt = (async () => {
        await this.ensureInit();
        return shared(this.redisStore);
      })();
      attempt.catch(() => {}); // a late failure after the timeout is not unhandled
      const result = await Promise.race([
        attempt,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer from redis in ${REDIS_TIMEOUT_MS} ms`)), REDIS_TIMEOUT_MS);
        }),
      ]);
      if (this.degraded) {
        this.degraded = false;
        this.logger.info('rate limiter: redis is back; limits are shared across processes again');
      }
      return result;
    } catch (err) {
      this.retryAt = Date.now() + RETRY_AFTER_MS;
      this.markDegraded((err as Error)?.message ?? String(err));
      return local();
    } finally {
      clearTimeout(timer);
    }
  }

  private async ensureInit(): Promise<void> {
    if (!this.needsInit) return;
    this.initialising ??= (async () => {
      try {
        await this.redisStore.init(this.options!);
        this.needsInit = false;
      } finally {
        this.initialising = null;
      }
    })();
    await this.initialising;
  }

  private markDegraded(reason: string) {
    if (this.degraded) return;
    this.degraded = true;
    this.needsInit = true;
    this.logger.warn({ reason }, 'rate limiter: redis unavailable; counting requests in this process until it returns');
  }
}
