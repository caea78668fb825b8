import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from './wait.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Starts `server/src/main.ts` as `npm start` would, in embedded mode (no DATABASE_URL or REDIS_URL,
 * PGlite in `dataDir`), on 127.0.0.1:`port`, and resolves once /readyz answers 200. `env` adds or
 * overrides keys; a key set to undefined is removed.
 */
export function startEmbeddedServer(opts: {
  port: number;
  dataDir: string;
  env?: Record<string, string | undefined>;
  timeoutMs: number;
}): Promise<ChildProcess> {
  const env: Record<string, string | undefined> = {
    ...process.env,
    NODE_ENV: 'test',
    PORT: String(opts.port),
    HOST: '127.0.0.1',
    DATA_DIR: opts.dataDir,
    LOG_LEVEL: 'warn',
    SEED_DEMO: 'false',
    DATABASE_URL: undefined,
    REDIS_URL: undefined,
    ...opts.env,
  };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  const c = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return waitFor(
    async () => {
      if (c.exitCode !== null) throw new Error(`server exited with ${c.exitCode}`);
      const r = await fetch(`http://127.0.0.1:${opts.port}/readyz`).catch(() => null);
      return r?.ok ?? false;
    },
    { timeoutMs: opts.timeoutMs, intervalMs: 200, what: 'the embedded server to be ready' },
  ).then(
    () => c,
    (err: unknown) => {
      c.kill('SIGKILL');
      throw err;
    },
  );
}

/** SIGKILL, resolved when the process has exited (at once if it already has). */
export function killProcess(c: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (c.exitCode !== null || c.signalCode !== null) return resolve();
    c.once('exit', () => resolve());
    c.kill('SIGKILL');
  });
}
