/**
 * A small cluster of real processes for tests/cluster (issue 17): API processes and workers started
 * as `npm start` and `npm run worker` start them (child processes running server/src/main.ts and
 * worker.ts), on one PostgreSQL database of this test file and one Redis under a prefix of its own,
 * with jobs only in the workers (RUN_WORKERS_IN_PROCESS=false), as docker-compose.yml runs them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import supertest from 'supertest';
import { ADMIN } from './app.js';
import { createTestDatabase, type TestDatabase } from './db.js';
import { deleteRedisPrefix, freePort, testQueuePrefix } from './redis.js';
import { waitFor } from './wait.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface ClusterProcess {
  name: string;
  kind: 'api' | 'worker';
  child: ChildProcess;
  /** API processes only. */
  url: string;
  request: ReturnType<typeof supertest>;
  /** The latest log lines (stdout and stderr), for readiness and failure messages. */
  output: string[];
}

export interface Cluster {
  testDb: TestDatabase;
  redisUrl: string;
  env: Record<string, string>;
  processes: ClusterProcess[];
  api(name: string): ClusterProcess;
  /** Starts one more process of this cluster (same database, Redis prefix and key). */
  start(kind: 'api' | 'worker', name: string, build?: Build): Promise<ClusterProcess>;
  close(): Promise<void>;
}

/** How a process runs: the TypeScript sources through tsx (`npm start`), or dist/ (`npm run start:prod`). */
export type Build = 'tsx' | 'compiled';

export function entryArgs(kind: 'api' | 'worker', build: Build): string[] {
  const file = kind === 'api' ? 'main' : 'worker';
  return build === 'compiled'
    ? ['--enable-source-maps', `dist/server/src/${file}.js`]
    : ['--import', 'tsx', `server/src/${file}.ts`];
}

function spawnProcess(
  kind: 'api' | 'worker',
  name: string,
  env: Record<string, string>,
  port: number,
  build: Build,
): ClusterProcess {
  const child = spawn(process.execPath, entryArgs(kind, build), {
    cwd: ROOT,
    env: { ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const keep = (chunk: string) => {
    output.push(chunk);
    if (output.length > 400) output.shift();
  };
  child.stdout?.setEncoding('utf8').on('data', keep);
  child.stderr?.setEncoding('utf8').on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  return { name, kind, child, url, request: supertest(url), output };
}

export async function ready(p: ClusterProcess, timeoutMs: number): Promise<void> {
  const exited = () => {
    if (p.child.exitCode !== null || p.child.signalCode !== null)
      throw new Error(`${p.name} exited (${p.child.exitCode ?? p.child.signalCode}): ${p.output.join('').slice(-2000)}`);
  };
  if (p.kind === 'api') {
    await waitFor(
      async () => {
        exited();
        const r = await fetch(`${p.url}/readyz`).catch(() => null);
        return r?.ok ?? false;
      },
      { timeoutMs, intervalMs: 200, what: `${p.name} /readyz` },
    );
    return;
  }
  // A worker is ready once it says so: its BullMQ worker is connected and taking jobs.
  await waitFor(
    () => {
      exited();
      return p.output.join('').includes('"worker started"');
    },
    { timeoutMs, intervalMs: 200, what: `${p.name} to start` },
  );
}

/** `apis` API processes and `workers` workers, started together, ready when this resolves. */
export async function startCluster(opts: {
  apis: string[];
  workers: string[];
  env?: Record<string, string>;
  timeoutMs?: number;
  /** Default tsx; 'compiled' needs `npm run build` first (scripts/bench/cluster.ts). */
  build?: Build;
}): Promise<Cluster> {
  const redisUrl = process.env.REDIS_URL!;
  const testDb = await createTestDatabase();
  const prefix = testQueuePrefix('cluster');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'test',
    // 'info': a worker's "worker started" line is how the test knows it is ready.
    LOG_LEVEL: 'info',
    DATABASE_URL: testDb.url!,
    REDIS_URL: redisUrl,
    REDIS_PREFIX: prefix,
    RUN_WORKERS_IN_PROCESS: 'false',
    // One key for the whole cluster: a token from one process is valid on every other.
    JWT_SECRET: randomBytes(32).toString('base64url'),
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    RELAY_INTERVAL_MS: '50',
    RATE_LIMIT_PER_MINUTE: '100000',
    AUCTION_MIN_LEAD_SECONDS: '1',
    SEED_DEMO: 'false',
    ...opts.env,
  };
  const timeoutMs = opts.timeoutMs ?? 90_000;
  const processes: ClusterProcess[] = [];
  const start = async (kind: 'api' | 'worker', name: string, build: Build = opts.build ?? 'tsx') => {
    const p = spawnProcess(kind, name, env, await freePort(), build);
    processes.push(p);
    await ready(p, timeoutMs);
    return p;
  };
  const cluster: Cluster = {
    testDb,
    redisUrl,
    env,
    processes,
    api(name) {
      const p = processes.find((x) => x.name === name && x.kind === 'api');
      if (!p) throw new Error(`no API process ${name}`);
      return p;
    },
    start,
    async close() {
      await Promise.all(processes.map((p) => stopProcess(p.child, 'SIGKILL')));
      await testDb.drop();
      await deleteRedisPrefix(redisUrl, prefix);
    },
  };
  try {
    await Promise.all([...opts.apis.map((n) => start('api', n)), ...opts.workers.map((n) => start('worker', n))]);
  } catch (err) {
    await cluster.close();
    throw err;
  }
  return cluster;
}

/** Sends `signal` and resolves with the exit code (or signal) once the process has exited. */
export function stopProcess(c: ChildProcess, signal: NodeJS.Signals): Promise<number | string> {
  return new Promise((resolve) => {
    if (c.exitCode !== null || c.signalCode !== null) return resolve(c.exitCode ?? c.signalCode ?? 0);
    c.once('exit', (code, sig) => resolve(code ?? sig ?? 0));
    c.kill(signal);
  });
}
