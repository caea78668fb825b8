import { existsSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { loadConfigOrExit, childEnvironment } from './config.js';
import { createLogger } from './logger.js';
import type { Logger } from 'pino';
import type { Database } from './db/client.js';
import { embeddedDatabaseExists, prepareEmbeddedDatabase } from './db/prepare.js';
import { openPgliteInWorker } from './db/pglite-remote.js';
import { exitGracefullyOnSignals } from './shutdown.js';

const VITE = 'node_modules/vite/bin/vite.js';

async function main() {
  const config = loadConfigOrExit();
  const logger = createLogger(config.LOG_LEVEL);
  // Embedded: the database thread starts now, while this thread loads the rest of the server
  // (ADR 0025). On a first boot initdb and the migrations run first on a thread of their own that
  // then exits, handing back the memory initdb needs; the database thread reopens the result.
  const embedded = config.DATABASE_URL ? null : openEmbedded(config.DATA_DIR, config.PGLITE_THREAD !== false, logger);
  embedded?.catch(() => {});
  const [{ bootTime, createContext, closeContext }, { startServer }, { CLIENT_DIST }, { seedDemo }] = await Promise.all([
    import('./context.js'),
    import('./server.js'),
    import('./app.js'),
    import('../../scripts/seed/demo.js'),
  ]);

  if (!existsSync(CLIENT_DIST) && !existsSync(VITE)) {
    // The compiled build (npm run start:prod) carries dist/client/dist and has no Vite to build it.
    logger.error(
      { expected: path.relative(process.cwd(), CLIENT_DIST) },
      'client build missing; the API runs without the web UI',
    );
  } else if (!existsSync(CLIENT_DIST)) {
    logger.info('client build missing: building the web UI with Vite (once)');
    const r = spawnSync(process.execPath, [VITE, 'build', '--config', 'client/vite.config.ts', '--logLevel', 'warn'], {
      stdio: 'inherit',
      // React's production build whatever mode the server runs in.
      env: childEnvironment({ NODE_ENV: 'production' }),
    });
    if (r.status !== 0) logger.error('client build failed; the API still runs, the web UI will be missing');
  }

  logger.info(
    {
      database: config.DATABASE_URL ? 'postgresql' : `pglite (${config.DATA_DIR})`,
      jobs: config.REDIS_URL ? 'bullmq' : 'in-process',
      payments: config.PAYMENT_PROVIDER,
      ...bootTime(),
    },
    'starting Zero-Waste Exchange',
  );
  const database = embedded ? await embedded : undefined;
  if (database) logger.info(bootTime(), 'embedded database thread ready');
  const ctx = await createContext(config, logger, { role: 'api', ...(database ? { database } : {}) });
  if (config.SEED_DEMO) {
    const seeded = await seedDemo(ctx);
    printDemoLogins(seeded.created, seeded.logins);
  }
  await ctx.jobs.start();
  const running = await startServer(ctx, config.PORT, config.HOST);
  logger.info(bootTime(), `listening on http://localhost:${config.PORT} (API docs at /api/docs)`);
  if (config.PAYMENT_PROVIDER === 'simulated') logger.warn('payments are SIMULATED (demo): no real money moves');

  exitGracefullyOnSignals(logger, async () => {
    await running.close();
    await closeContext(ctx);
  });
}

/** Prepares DATA_DIR on a first boot, then opens it on the database thread (null: on the API's thread, later). */
async function openEmbedded(dataDir: string, onThread: boolean, logger: Logger): Promise<Database | null> {
  if (!embeddedDatabaseExists(dataDir)) {
    const p = await prepareEmbeddedDatabase(dataDir, (m) => logger.info(m));
    logger.info({ created: p.created, applied: p.applied.length, ms: p.ms }, 'embedded database prepared');
  }
  return onThread ? openPgliteInWorker({ dataDir }) : null;
}

function printDemoLogins(created: boolean, logins: { email: string; password: string; org: string; roles: string }[]) {
  const lines = [
    '',
    created ? 'Demo data created. Demo logins (see docs/demo.md):' : 'Demo logins (see docs/demo.md):',
    ...logins.map((l) => `  ${l.email.padEnd(34)} ${l.password.padEnd(18)} ${l.roles.padEnd(22)} ${l.org}`),
    '',
  ];
  console.log(lines.join('\n'));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
