import { randomBytes } from 'node:crypto';
import type { Express } from 'express';
import supertest from 'supertest';
import type { DestinationStream } from 'pino';
import { loadConfig, type Config } from '../../server/src/config.js';
import { createLogger } from '../../server/src/logger.js';
import { createContext, closeContext, type AppContext } from '../../server/src/context.js';
import { createApp } from '../../server/src/app.js';
import { startServer, type RunningServer } from '../../server/src/server.js';
import { ManualClock, type Clock } from '../../server/src/clock.js';
import type { JobSystemOptions } from '../../server/src/jobs/index.js';
import { createTestDatabase, type TestDatabase } from './db.js';
import { deleteRedisPrefix, testQueuePrefix } from './redis.js';

export interface TestApp {
  ctx: AppContext;
  app: Express;
  request: ReturnType<typeof supertest>;
  testDb: TestDatabase;
  /** Set when started with listen: true (socket.io tests, browsers). */
  server: RunningServer | null;
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  /** Use the BullMQ runner on REDIS_URL (default: in-process, which every test can run). */
  useRedis?: boolean;
  listen?: boolean;
  clock?: Clock;
  /** Start the relay and workers (default true). */
  startJobs?: boolean;
  /** Job system overrides (sweep interval, retries); with useRedis each app gets its own queue prefix. */
  jobs?: Partial<Pick<JobSystemOptions, 'sweepStuckAfterSeconds' | 'retry' | 'concurrency'>>;
  /** Where log lines go (default stdout); tests that read the log pass a stream and LOG_LEVEL. */
  logDestination?: DestinationStream;
  /** Run on this database instead of a fresh migrated copy (migration tests); close() drops it. */
  testDb?: TestDatabase;
}

export const ADMIN = { email: 'admin@test.local', password: 'admin-test-password' };

/** A whole exchange on its own database, in this process. Call close() in after(). */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const testDb = options.testDb ?? (await createTestDatabase());
  // Apps sharing one Redis must not share a BullMQ queue (another file's worker would take, and,
  // finding no row in its own database, skip this app's jobs), socket.io channels or rate limits.
  const redisPrefix = options.env?.REDIS_PREFIX ?? testQueuePrefix('app');
  const env: Record<string, string | undefined> = {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    // Each app its own key, as each installation has (no constant anyone could sign with).
    JWT_SECRET: randomBytes(32).toString('base64url'),
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    RELAY_INTERVAL_MS: '50',
    RATE_LIMIT_PER_MINUTE: '100000',
    SEED_DEMO: 'false',
    REDIS_PREFIX: redisPrefix,
    ...(testDb.url ? { DATABASE_URL: testDb.url } : {}),
    ...(options.useRedis && process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL, RUN_WORKERS_IN_PROCESS: 'true' } : {}),
    ...options.env,
  };
  const config: Config = loadConfig(env);
  const logger = createLogger(config.LOG_LEVEL, 'zwx', options.logDestination);
  const queuePrefix = config.REDIS_URL ? redisPrefix : undefined;
  const ctx = await createContext(config, logger, {
    database: testDb.database,
    clock: options.clock,
    jobs: { ...options.jobs, ...(queuePrefix ? { queuePrefix } : {}) },
  });
  if (options.startJobs !== false) await ctx.jobs.start();
  const app = createApp(ctx);
  const server = options.listen ? await startServer(ctx, 0) : null;
  return {
    ctx,
    app,
    request: supertest(server ? server.url : app),
    testDb,
    server,
    async close() {
      await server?.close();
      await closeContext(ctx).catch(() => {});
      await testDb.drop();
      if (queuePrefix && config.REDIS_URL) await deleteRedisPrefix(config.REDIS_URL, queuePrefix);
    },
  };
}

export { ManualClock };
