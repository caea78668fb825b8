import { loadConfigOrExit } from './config.js';
import { createLogger } from './logger.js';
import { createContext, closeContext } from './context.js';
import { createRedisBroadcaster } from './realtime/redis-broadcaster.js';
import { exitGracefullyOnSignals } from './shutdown.js';

/**
 * `npm run worker`: a BullMQ worker process (scale-out). It relays the outbox too, so jobs keep
 * flowing with every API process down. Realtime events that jobs emit go through Redis to the API
 * processes' sockets (socket.io Redis adapter). SIGTERM/SIGINT close the worker gracefully within 10 s
 * (shutdown.ts): running jobs finish and are acknowledged; anything cut short is redelivered and
 * guarded by the database.
 */
async function main() {
  const config = loadConfigOrExit();
  if (!config.REDIS_URL) {
    console.error(
      'config: REDIS_URL: required by the worker (npm run worker runs BullMQ jobs from Redis). ' +
        'Without Redis, jobs run inside the API process: use npm start.',
    );
    process.exit(2);
  }
  const logger = createLogger(config.LOG_LEVEL, 'zwx-worker');
  const ctx = await createContext(config, logger, { role: 'worker' });
  const broadcaster = createRedisBroadcaster({ redisUrl: config.REDIS_URL, logger, prefix: config.REDIS_PREFIX });
  ctx.broadcaster = broadcaster;
  await ctx.jobs.start();
  logger.info({ database: config.DATABASE_URL ? 'postgresql' : `pglite (${config.DATA_DIR})` }, 'worker started');

  exitGracefullyOnSignals(logger, async () => {
    await closeContext(ctx);
    await broadcaster.close();
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
