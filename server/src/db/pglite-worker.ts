import { parentPort, workerData } from 'node:worker_threads';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import type { WorkerReply, WorkerRequest } from './pglite-remote.js';
import { PGLITE_CONF } from './pglite-conf.js';

/**
 * Worker-thread entry (started by openPgliteInWorker in pglite-remote.ts, ADR 0025): owns the
 * embedded database and runs what the API thread sends it, so PGlite's work (which never yields)
 * no longer stops HTTP and socket.io. A plain module, so a compiled build runs it as it is.
 */
const port = parentPort;
if (!port) throw new Error('pglite-worker.ts runs as a worker thread (see pglite-remote.ts)');
const { dataDir } = workerData as { dataDir?: string };

const pg = await PGlite.create({ ...(dataDir ? { dataDir } : {}), extensions: { pg_trgm }, postgresqlconf: PGLITE_CONF });
const txs = new Map<number, { tx: Transaction; finish: (commit: boolean) => void; outcome: Promise<unknown> }>();
let nextTx = 1;

function reply(m: WorkerReply) {
  port!.postMessage(m);
}

function errorFields(err: unknown): Record<string, unknown> {
  const e = err as Record<string, unknown> & Error;
  const out: Record<string, unknown> = { message: e?.message ?? String(err), name: e?.name };
  for (const k of ['code', 'detail', 'hint', 'position', 'schema', 'table', 'column', 'constraint', 'severity', 'where'])
    if (e && e[k] !== undefined) out[k] = e[k];
  return out;
}

/** drizzle asks for some types raw (its parsers return the text as is); the functions cannot cross threads, the type ids can. */
function rawParsers(ids: number[] | undefined) {
  if (!ids?.length) return undefined;
  return Object.fromEntries(ids.map((id) => [id, (v: string) => v]));
}

async function handle(m: WorkerRequest): Promise<unknown> {
  const on = m.txId ? txs.get(m.txId)?.tx : pg;
  if (m.txId && !on) throw new Error(`transaction ${m.txId} is not open`);
  switch (m.op) {
    case 'query': {
      const parsers = rawParsers(m.rawTypes);
      return on!.query(m.sql, m.params ?? [], { rowMode: m.rowMode ?? 'object', ...(parsers ? { parsers } : {}) });
    }
    case 'exec':
      return on!.exec(m.sql);
    case 'begin': {
      const txId = nextTx++;
      let finish!: (commit: boolean) => void;
      const decided = new Promise<boolean>((resolve) => (finish = resolve));
      let opened!: () => void;
      const open = new Promise<void>((resolve) => (opened = resolve));
      const outcome = pg.transaction(async (tx) => {
        txs.set(txId, { tx, finish, outcome: Promise.resolve() });
        opened();
        if (!(await decided)) await tx.rollback();
      });
      // A transaction that could not begin rejects before it opened.
      await Promise.race([open, outcome]);
      txs.get(txId)!.outcome = outcome;
      return txId;
    }
    case 'end': {
      const t = txs.get(m.txId!)!;
      t.finish(m.commit === true);
      try {
        await t.outcome;
      } finally {
        txs.delete(m.txId!);
      }
      return null;
    }
    case 'listen':
      await pg.listen(m.channel!, () => reply({ notify: m.channel! }));
      return null;
    case 'close':
      await pg.close();
      return null;
  }
}

port.on('message', (m: WorkerRequest) => {
  handle(m).then(
    (result) => reply({ id: m.id, ok: true, result }),
    (err: unknown) => reply({ id: m.id, ok: false, error: errorFields(err) }),
  );
});
reply({ ready: true });
