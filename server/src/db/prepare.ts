import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/** Whether DATA_DIR already holds a database (initdb ran in an earlier boot). */
export function embeddedDatabaseExists(dataDir: string): boolean {
  return existsSync(path.join(dataDir, 'PG_VERSION'));
}

export interface PreparedDatabase {
  /** Whether this boot created the data directory (initdb ran). */
  created: boolean;
  applied: string[];
  ms: number;
}

/**
 * Gets the embedded database in DATA_DIR ready — initdb on a first boot, pending migrations — in a
 * worker thread that exits when done (ADR 0025). Two things follow: the work runs on the other core
 * while the main thread is still loading the server's modules (a first boot's initdb and the module
 * graph no longer queue behind each other), and the several hundred MB initdb needs are handed back
 * to the system with the thread, so the API then reopens a finished directory at the RSS of a
 * plain reopen. Start it first, load the rest, then await it before opening the database.
 */
export function prepareEmbeddedDatabase(dataDir: string, log: (message: string) => void = () => {}): Promise<PreparedDatabase> {
  const started = performance.now();
  const created = !embeddedDatabaseExists(dataDir);
  const worker = dbWorker('pglite-prepare', { dataDir });
  return new Promise((resolve, reject) => {
    let settled = false;
    worker.on(
      'message',
      (
        m:
          | { type: 'log'; message: string }
          | { type: 'done'; applied: string[] }
          | { type: 'failed'; message: string; stack?: string },
      ) => {
        if (m.type === 'log') return log(m.message);
        settled = true;
        if (m.type === 'done') resolve({ created, applied: m.applied, ms: Math.round(performance.now() - started) });
        else reject(Object.assign(new Error(`preparing the embedded database failed: ${m.message}`), { stack: m.stack }));
      },
    );
    worker.on('error', (err) => {
      settled = true;
      reject(err);
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(`the database preparation thread exited (${code}) before it finished`));
    });
  });
}

/**
 * Starts a worker-thread module next to this file whichever way the server runs: the .js file of a
 * compiled build directly; from source (npm start runs under tsx) the thread registers tsx first,
 * because --import is not applied to worker threads on Node 20.
 */
export function dbWorker(name: 'pglite-prepare' | 'pglite-worker', workerData: unknown): Worker {
  const ext = path.extname(fileURLToPath(import.meta.url));
  const entry = new URL(`./${name}${ext}`, import.meta.url);
  if (ext !== '.ts') return new Worker(entry, { workerData });
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  return new Worker(`import(${tsx}).then((api) => { api.register(); return import(${JSON.stringify(entry.href)}); })`, {
    eval: true,
    workerData,
  });
}
