/**
 * Our API as `npm start` runs it, minus the web UI build and the demo seed: for scripts/bench/bids.ts,
 * which starts it as a child process (so the load generator does not share its event loop) with
 * DATABASE_URL (PostgreSQL) or DATA_DIR (embedded PGlite) in the environment, and reads the line
 * `READY <url>` from its stdout. `--cpu-prof` on the node command line profiles it.
 */
import { closeContext, createContext } from '../../server/src/context.js';
import { loadConfig } from '../../server/src/config.js';
import { createLogger } from '../../server/src/logger.js';
import { startServer } from '../../server/src/server.js';

const config = loadConfig();
const logger = createLogger(config.LOG_LEVEL);
const ctx = await createContext(config, logger, { role: 'api' });
await ctx.jobs.start();
const running = await startServer(ctx, 0, '127.0.0.1');
process.stdout.write(`READY ${running.url}\n`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await running.close();
  await closeContext(ctx);
  process.exit(0);
}
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
