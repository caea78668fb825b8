import { loadConfigOrExit } from './config.js';
import { createLogger } from './logger.js';
import { openPglite, openPostgres } from './db/client.js';
import { migrate } from './db/migrate.js';

/**
 * `npm run migrate` / `npm run migrate:prod`: applies pending migrations and exits. The compose file's
 * one-shot `migrate` service runs this before any API or worker starts (docs/deploy.md). The API also
 * migrates on start (under the same advisory lock), so a single-process install needs no separate step.
 */
async function main() {
  const config = loadConfigOrExit();
  const logger = createLogger(config.LOG_LEVEL, 'zwx-migrate');
  const database = config.DATABASE_URL
    ? await openPostgres(config.DATABASE_URL, 1)
    : await openPglite({ dataDir: config.DATA_DIR });
  try {
    const applied = await migrate(database, (m) => logger.info(m));
    logger.info({ applied }, applied.length ? 'migrations applied' : 'database already up to date');
  } finally {
    await database.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
