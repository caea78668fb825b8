import { parentPort, workerData } from 'node:worker_threads';
import { openPglite } from './client.js';
import { migrate } from './migrate.js';

/**
 * Worker-thread entry (started by prepareEmbeddedDatabase in prepare.ts, ADR 0025): opens the
 * embedded database in DATA_DIR, which on a first boot runs initdb, applies pending migrations and
 * closes it again. A plain module, so a compiled build runs it as it is.
 */
const port = parentPort;
if (!port) throw new Error('pglite-prepare.ts runs as a worker thread (see prepare.ts)');
const { dataDir } = workerData as { dataDir: string };
try {
  const database = await openPglite({ dataDir });
  const applied = await migrate(database, (message) => port.postMessage({ type: 'log', message }));
  await database.close();
  port.postMessage({ type: 'done', applied });
} catch (err) {
  port.postMessage({ type: 'failed', message: (err as Error).message, stack: (err as Error).stack });
}
