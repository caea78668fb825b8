import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import type { PGlite } from '@electric-sql/pglite';
import type { Database, Db } from './client.js';
import * as schema from './schema.js';
import { dbWorker } from './prepare.js';

export type WorkerRequest = {
  id: number;
  txId?: number;
  op: 'query' | 'exec' | 'begin' | 'end' | 'listen' | 'close';
  sql?: string;
  params?: unknown[];
  rowMode?: 'array' | 'object';
  rawTypes?: number[];
  commit?: boolean;
  channel?: string;
} & ({ op: 'query' | 'exec'; sql: string } | { op: 'begin' | 'end' | 'listen' | 'close' });

export type WorkerReply =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: Record<string, unknown> }
  | { notify: string }
  | { ready: true };

type QueryConfig = { rowMode?: 'array' | 'object'; parsers?: Record<number, unknown> };
type Query = (sql: string, params?: unknown[], config?: QueryConfig) => Promise<unknown>;
interface RemoteClient {
  query: Query;
  exec(sql: string): Promise<{ rows: Record<string, unknown>[] }[]>;
  transaction<T>(fn: (tx: RemoteClient) => Promise<T>): Promise<T>;
  closed: boolean;
}

/**
 * The embedded database on a worker thread (ADR 0025): PGlite runs every statement synchronously,
 * so on the API's thread a write burst stopped HTTP and socket.io for as long as it ran. Here the
 * API thread keeps a small proxy with the part of PGlite's interface drizzle's pglite driver uses —
 * query, exec, transaction — and each call is a message to the thread that owns the database.
 * A transaction holds the database until the API side commits or rolls back, exactly as in-process
 * PGlite does (one connection, so a transaction must not wait on a query outside it).
 */
export async function openPgliteInWorker(options: { dataDir?: string } = {}): Promise<Database> {
  const worker = dbWorker('pglite-worker', { dataDir: options.dataDir });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const listeners = new Map<string, Set<() => void>>();
  let nextId = 1;
  let closed = false;
  let failure: Error | null = null;

  await new Promise<void>((resolve, reject) => {
    worker.once('error', reject);
    worker.on('message', function first(m: WorkerReply) {
      if ('ready' in m) {
        worker.off('message', first);
        worker.off('error', reject);
        resolve();
      }
    });
  });
  worker.on('message', (m: WorkerReply) => {
    if ('ready' in m) return;
    if ('notify' in m) {
      for (const l of listeners.get(m.notify) ?? []) l();
      return;
    }
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.ok) p.resolve(m.result);
    else p.reject(Object.assign(new Error(String(m.error.message)), m.error));
  });
  const fail = (err: Error) => {
    failure = err;
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`the database thread exited (${code})`)));

  function send<T>(m: Omit<WorkerRequest, 'id'>): Promise<T> {
    if (failure) return Promise.reject(failure);
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      worker.postMessage({ ...m, id });
    });
  }

  function client(txId?: number): RemoteClient {
    return {
      query: (sql, params, config) =>
        send({
          op: 'query',
          txId,
          sql,
          params,
          rowMode: config?.rowMode,
          rawTypes: config?.parsers ? Object.keys(config.parsers).map(Number) : undefined,
        }),
      exec: (sql) => send({ op: 'exec', txId, sql }),
      async transaction(fn) {
        if (txId) throw new Error('nested transactions go through savepoints (drizzle does this itself)');
        const id = await send<number>({ op: 'begin' });
        let result;
        try {
          result = await fn(client(id));
        } catch (err) {
          await send({ op: 'end', txId: id, commit: false }).catch(() => {});
          throw err;
        }
        await send({ op: 'end', txId: id, commit: true });
        return result;
      },
      get closed() {
        return closed;
      },
    };
  }

  const remote = client();
  const db = drizzlePglite(remote as unknown as PGlite, { schema }) as unknown as Db;
  return {
    kind: 'pglite',
    db,
    exec: async (script) => {
      await remote.exec(script);
    },
    session: (fn) => fn(async (text) => ({ rows: (await remote.exec(text)).at(-1)?.rows ?? [] })),
    listen: async (channel, onNotify) => {
      let set = listeners.get(channel);
      if (!set) {
        listeners.set(channel, (set = new Set()));
        await send({ op: 'listen', channel });
      }
      set.add(onNotify);
      return async () => void set.delete(onNotify);
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await send({ op: 'close' }).catch(() => {});
      await worker.terminate();
    },
  };
}
