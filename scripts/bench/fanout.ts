/**
 * Live fan-out (issue 15 item 5): delay from commit to arrival at every client of one room, ours
 * against a bare socket.io server sending the same payloads to the same clients, interleaved.
 *
 *   npm run bench:fanout                                   # PGlite, no Redis, 3 runs per cell
 *   npm run bench:fanout -- --runs 1 --seconds 5 --clients 100,1000 --rates 20,200
 *   DATABASE_URL=postgres://… REDIS_URL=redis://… npm run bench:fanout   # PostgreSQL + Redis adapter
 *   npm run bench:fanout -- --no-batch                     # our clients without batch frames
 *
 * Three processes: this one holds the clients (official socket.io-client, websocket transport) and
 * orchestrates; the server under test runs in a child (ours: the whole app as tests build it,
 * committing `bid.placed` events with publishEvent in their own transactions at the given rate;
 * bare: socket.io 4 alone, io.to(room).emit of the same payload at the same rate). Each event
 * carries a counter `n`; the server records the monotonic clock (process.hrtime, shared by all processes)
 * when the commit resolved (bare: when it called emit) and each client the time the event arrived,
 * so the delay includes the relay, the emit, the loopback and the client's parse. On Linux the
 * server is pinned to CPU 0 and this process to CPU 1 (taskset) where there are two.
 */
import os from 'node:os';
import http from 'node:http';
import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { io as ioClient, type Socket } from 'socket.io-client';
import { loadavg } from './kit.js';

/** CLOCK_MONOTONIC in ms: one clock for every process on the machine (the wall clock here jumps). */
const now = () => Number(process.hrtime.bigint()) / 1e6;
const version = (pkg: string) =>
  (JSON.parse(readFileSync(new URL(`../../node_modules/${pkg}/package.json`, import.meta.url), 'utf8')) as { version: string })
    .version;

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

type Kind = 'ours' | 'bare';
interface RunRequest {
  type: 'run';
  room: string;
  listingId: string;
  rate: number;
  seconds: number;
  from: number;
}
type ToParent = { type: 'ready'; url: string; token: string } | { type: 'done'; commits: [number, number][]; failed: number };

// ---------------------------------------------------------------- server side (child process)

/** Sends `count` events at `rate` per second on a 5 ms timer; `send(n)` resolves at its commit. */
async function paced(rate: number, seconds: number, from: number, send: (n: number) => Promise<number | void>) {
  const total = Math.round(rate * seconds);
  const commits: [number, number][] = [];
  let failed = 0;
  const pending: Promise<void>[] = [];
  const start = now();
  let sent = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor(((now() - start) / 1000) * rate) + 1);
      for (; sent < due; sent++) {
        const n = from + sent;
        pending.push(
          send(n).then(
            (at) => void commits.push([n, at ?? now()]),
            () => {
              failed++;
            },
          ),
        );
      }
      if (sent >= total) {
        clearInterval(timer);
        resolve();
      }
    }, 5);
  });
  await Promise.all(pending);
  return { commits, failed };
}

function payload(room: string, listingId: string, n: number, seq: number) {
  return { room, seq, at: new Date().toISOString(), type: 'bid.placed', listingId, bidCount: n, n };
}

async function serveOurs(): Promise<void> {
  const { createTestApp } = await import('../../tests/helpers/app.js');
  const { registerOrg } = await import('../../tests/helpers/actors.js');
  const { inTransaction } = await import('../../server/src/db/tx.js');
  const { publishEvent } = await import('../../server/src/realtime/publish.js');
  const t = await createTestApp({ listen: true, useRedis: !!process.env.REDIS_URL });
  const { token } = await registerOrg(t.request, { roles: ['recycler'] });
  process.on('message', async (m: RunRequest | { type: 'exit' }) => {
    if (m.type === 'exit') {
      await t.close();
      process.exit(0);
    }
    const r = await paced(m.rate, m.seconds, m.from, (n) =>
      inTransaction(t.ctx.db, (tx) => publishEvent(tx, [m.room], 'bid.placed', { listingId: m.listingId, bidCount: n, n })),
    );
    process.send!({ type: 'done', ...r } satisfies ToParent);
  });
  process.send!({ type: 'ready', url: t.server!.url, token } satisfies ToParent);
}

async function serveBare(): Promise<void> {
  const { Server } = await import('socket.io');
  const server = http.createServer();
  const io = new Server(server, { path: '/socket.io', serveClient: false });
  io.on('connection', (socket) => {
    socket.on('subscribe', (req: { listingId: string }, ack: (r: unknown) => void) => {
      const room = `listing:${req.listingId}`;
      void socket.join(room);
      ack({ ok: true, room });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const seqs = new Map<string, number>();
  process.on('message', async (m: RunRequest | { type: 'exit' }) => {
    if (m.type === 'exit') process.exit(0);
    const r = await paced(m.rate, m.seconds, m.from, async (n) => {
      const seq = (seqs.get(m.room) ?? 0) + 1;
      seqs.set(m.room, seq);
      // The bare server's "commit" is the moment it emits.
      const at = now();
      io.to(m.room).emit('bid.placed', payload(m.room, m.listingId, n, seq));
      return at;
    });
    process.send!({ type: 'done', ...r } satisfies ToParent);
  });
  process.send!({ type: 'ready', url: `http://127.0.0.1:${port}`, token: 'unused' } satisfies ToParent);
}

// ---------------------------------------------------------------- clients and orchestration

interface Server {
  kind: Kind;
  child: ChildProcess;
  url: string;
  token: string;
  next(): Promise<ToParent>;
}

const BATCH = !process.argv.includes('--no-batch');
const pin = os.platform() === 'linux' && os.cpus().length >= 2 && spawnSync('taskset', ['-V']).status === 0;

async function startServer(kind: Kind): Promise<Server> {
  const child = fork(fileURLToPath(import.meta.url), ['--serve', kind], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  if (pin && child.pid) spawnSync('taskset', ['-a', '-p', '-c', '0', String(child.pid)], { stdio: 'ignore' });
  const inbox: ToParent[] = [];
  const waiters: ((m: ToParent) => void)[] = [];
  child.on('message', (m: ToParent) => {
    const w = waiters.shift();
    if (w) w(m);
    else inbox.push(m);
  });
  const next = () =>
    new Promise<ToParent>((resolve, reject) => {
      const m = inbox.shift();
      if (m) return resolve(m);
      waiters.push(resolve);
      child.once('exit', (code) => reject(new Error(`${kind} server exited (${code})`)));
    });
  const ready = (await next()) as Extract<ToParent, { type: 'ready' }>;
  return { kind, child, url: ready.url, token: ready.token, next };
}

interface Client {
  socket: Socket;
  /** n → arrival time of the current run. */
  arrivals: Map<number, number>;
  seqs: number[];
}

async function connectClients(server: Server, count: number): Promise<Client[]> {
  const out: Client[] = [];
  for (let i = 0; i < count; i += 50) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(50, count - i) }, async () => {
        const socket = ioClient(server.url, {
          path: '/socket.io',
          transports: ['websocket'],
          reconnection: false,
          forceNew: true,
          // Ours sends a room's events of one relay pass as one frame to sockets that ask (--no-batch: never).
          auth: { token: server.token, batch: BATCH },
        });
        const c: Client = { socket, arrivals: new Map(), seqs: [] };
        const arrived = (p: { n: number; seq: number }) => {
          c.arrivals.set(p.n, now());
          c.seqs.push(p.seq);
        };
        socket.on('bid.placed', arrived);
        socket.on('events', (b: { events: { n: number; seq: number }[] }) => b.events.forEach(arrived));
        await new Promise<void>((resolve, reject) => {
          socket.once('connect', () => resolve());
          socket.once('connect_error', reject);
        });
        return c;
      }),
    );
    out.push(...batch);
  }
  return out;
}

async function subscribeAll(clients: Client[], listingId: string) {
  await Promise.all(clients.map((c) => c.socket.timeout(30_000).emitWithAck('subscribe', { listingId })));
}

const pct = (sorted: Float64Array, p: number) =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

interface RunResult {
  p50: number;
  p99: number;
  max: number;
  lost: number;
  outOfOrder: number;
  deliveries: number;
  failedCommits: number;
  /** Clients still connected at the end (a client starved past socket.io's ping timeout is dropped). */
  connected: number;
}

let counter = 1;

async function runOnce(
  server: Server,
  clients: Client[],
  room: string,
  listingId: string,
  rate: number,
  seconds: number,
): Promise<RunResult> {
  for (const c of clients) {
    c.arrivals.clear();
    c.seqs.length = 0;
  }
  const from = counter;
  counter += Math.round(rate * seconds) + 1;
  server.child.send({ type: 'run', room, listingId, rate, seconds, from } satisfies RunRequest);
  const done = (await server.next()) as Extract<ToParent, { type: 'done' }>;
  const expected = done.commits.length;
  // Wait for stragglers: until every client has every event, or 10 s after the last commit.
  const deadline = now() + 10_000;
  while (now() < deadline && clients.some((c) => c.arrivals.size < expected)) await new Promise((r) => setTimeout(r, 20));
  const commitAt = new Map(done.commits);
  const delays = new Float64Array(expected * clients.length);
  let k = 0;
  let lost = 0;
  let outOfOrder = 0;
  for (const c of clients) {
    for (const [n, at] of commitAt) {
      const arrived = c.arrivals.get(n);
      if (arrived === undefined) lost++;
      else delays[k++] = arrived - at;
    }
    for (let i = 1; i < c.seqs.length; i++) if (c.seqs[i]! !== c.seqs[i - 1]! + 1) outOfOrder++;
  }
  const sorted = delays.subarray(0, k).sort();
  return {
    p50: pct(sorted, 50),
    p99: pct(sorted, 99),
    max: sorted[k - 1] ?? NaN,
    lost,
    outOfOrder,
    deliveries: k,
    failedCommits: done.failed,
    connected: clients.filter((c) => c.socket.connected).length,
  };
}

const ratio = (x: number) => (x >= 1 ? x.toFixed(1) : x.toPrecision(2));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
const f = (x: number) => (Number.isNaN(x) ? '–' : x >= 100 ? x.toFixed(0) : x.toFixed(1));

async function main(): Promise<void> {
  const runs = Math.max(1, Number(arg('runs', '3')));
  const seconds = Number(arg('seconds', '5'));
  const counts = arg('clients', '100,1000').split(',').map(Number);
  const rates = arg('rates', '20,200').split(',').map(Number);
  if (pin) spawnSync('taskset', ['-a', '-p', '-c', '1', String(process.pid)], { stdio: 'ignore' });
  console.log(
    `fan-out benchmark: ${runs} runs per cell, ${seconds} s per run; ours on ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}${process.env.REDIS_URL ? ' + Redis adapter' : ', no Redis'}; clients ${BATCH ? 'take batch frames (auth.batch)' : 'take one frame per event (--no-batch)'}`,
  );
  console.log(
    `machine: ${os.cpus().length} CPU (${os.cpus()[0]?.model.trim()}), Node ${process.version}, socket.io ${version('socket.io')}, socket.io-client ${version('socket.io-client')}, @electric-sql/pglite ${version('@electric-sql/pglite')}; ${pin ? 'server on CPU 0, clients on CPU 1' : 'not pinned'}; load average ${loadavg()}`,
  );
  const servers = { ours: await startServer('ours'), bare: await startServer('bare') };
  const clients: Record<Kind, Client[]> = { ours: [], bare: [] };
  const rows: string[] = [];
  const within100: { count: number; rate: number; ours: boolean; bare: boolean }[] = [];
  for (const count of counts) {
    const listingId = randomUUID();
    const room = `listing:${listingId}`;
    for (const kind of ['ours', 'bare'] as Kind[]) {
      // A client dropped in an earlier cell (starved past the ping timeout) is replaced.
      for (const c of clients[kind].filter((x) => !x.socket.connected)) c.socket.disconnect();
      clients[kind] = clients[kind].filter((x) => x.socket.connected);
      if (clients[kind].length < count)
        clients[kind].push(...(await connectClients(servers[kind], count - clients[kind].length)));
      await subscribeAll(clients[kind].slice(0, count), listingId);
    }
    for (const rate of rates) {
      const results: Record<Kind, RunResult[]> = { ours: [], bare: [] };
      // Warm-up: one short run each, not counted.
      for (const kind of ['ours', 'bare'] as Kind[])
        await runOnce(servers[kind], clients[kind].slice(0, count), room, listingId, rate, 1);
      for (let i = 0; i < runs; i++)
        for (const kind of (i % 2 ? ['bare', 'ours'] : ['ours', 'bare']) as Kind[]) {
          const r = await runOnce(servers[kind], clients[kind].slice(0, count), room, listingId, rate, seconds);
          results[kind].push(r);
          console.log(
            `  ${String(count).padStart(4)} clients ${String(rate).padStart(3)}/s ${kind}: p50 ${f(r.p50)} ms, p99 ${f(r.p99)} ms, max ${f(r.max)} ms, ${r.deliveries} deliveries, lost ${r.lost}, out of order ${r.outOfOrder}, failed commits ${r.failedCommits}, ${r.connected} connected; load ${loadavg()}`,
          );
        }
      const m = (kind: Kind, key: keyof RunResult) => median(results[kind].map((r) => r[key]));
      rows.push(
        `| ${count} | ${rate}/s | ${f(m('ours', 'p50'))} / ${f(m('ours', 'p99'))} / ${f(m('ours', 'max'))} | ${Math.max(...results.ours.map((r) => r.lost))} | ${f(m('bare', 'p50'))} / ${f(m('bare', 'p99'))} / ${f(m('bare', 'max'))} | ${Math.max(...results.bare.map((r) => r.lost))} | ${ratio(m('ours', 'p50') / m('bare', 'p50'))}× / ${ratio(m('ours', 'p99') / m('bare', 'p99'))}× | ${runs} |`,
      );
      within100.push({
        count,
        rate,
        ours: m('ours', 'p99') < 100 && m('ours', 'lost') === 0,
        bare: m('bare', 'p99') < 100 && m('bare', 'lost') === 0,
      });
    }
  }
  console.log(
    `\nmedian over runs; delay commit → arrival in ms (p50 / p99 / max); lost = most (client, event) pairs missing in a run`,
  );
  console.log(
    '| clients | rate | ours p50 / p99 / max | ours lost | bare socket.io p50 / p99 / max | bare lost | ours ÷ bare p50 / p99 | runs |',
  );
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of rows) console.log(r);
  // The second figure: the highest of the rates run that keeps p99 under 100 ms with nothing lost.
  for (const count of counts) {
    const best = (kind: Kind) => {
      const ok = within100.filter((w) => w.count === count && w[kind]).map((w) => w.rate);
      return ok.length ? `${Math.max(...ok)}/s` : `none of ${rates.join(', ')}/s`;
    };
    console.log(`${count} clients: highest rate run with p99 < 100 ms and none lost: ours ${best('ours')}, bare ${best('bare')}`);
  }
  console.log(`load average at the end: ${loadavg()}`);
  for (const kind of ['ours', 'bare'] as Kind[]) {
    for (const c of clients[kind]) c.socket.disconnect();
    servers[kind].child.send({ type: 'exit' });
  }
}

const serve = arg('serve', '');
if (serve === 'ours') void serveOurs();
else if (serve === 'bare') void serveBare();
else
  main().then(
    () => setTimeout(() => process.exit(0), 2000).unref(),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
