/**
 * Embedded start (issue 15 item 5): first boot and restart of `npm start` to /readyz, idle RSS, and
 * the event loop under a bid load, against bare PGlite (create in a fresh directory, reopen, idle
 * RSS after reopen) measured in the same run, interleaved.
 *
 *   npm run bench:start                          # 3 runs, 10 s of bids at 16 clients
 *   npm run bench:start -- --runs 1 --load-seconds 5 --clients 16
 *
 * The client must be built (client/dist) or the first boot includes a Vite build; the script says
 * which. Each run: a fresh DATA_DIR; `node --import tsx server/src/main.ts` (what npm start runs)
 * timed from spawn to the first 200 of /readyz; idle 5 s, then VmRSS; stop (SIGTERM); the same
 * again on the same directory (restart). The bid load runs on the restarted server: `--clients`
 * licensed recyclers bid in a loop on a sealed auction each, while /healthz is requested every
 * 50 ms; the server's event-loop delay is read from /metrics (prom-client's monitorEventLoopDelay,
 * reset at each scrape) before and after the load. The anchor: a child process doing
 * PGlite.create(dataDir) with pg_trgm and `select 1` in a fresh directory, then again in that
 * directory (reopen), idle 5 s, VmRSS.
 */
import os from 'node:os';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import supertest from 'supertest';
import { ADMIN } from '../../tests/helpers/app.js';
import { bid, createGenerator, createListing, createRecycler, inSeconds, steelListing } from '../../tests/helpers/trading.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}
const RUNS = Math.max(1, Number(arg('runs', '3')));
const LOAD_S = Number(arg('load-seconds', '10'));
const CLIENTS = Number(arg('clients', '16'));
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const METRICS_TOKEN = 'bench-start-metrics-token-0123456789';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const version = (pkg: string) =>
  (JSON.parse(readFileSync(path.join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
const loadavg = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
const rssMb = (pid: number) => {
  const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/);
  return m ? Number(m[1]) / 1024 : NaN;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]! : NaN;
};
const f = (x: number) => (Number.isNaN(x) ? '–' : x >= 100 ? x.toFixed(0) : x.toFixed(2));

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}

interface Boot {
  child: ChildProcess;
  url: string;
  readyS: number;
}

let nextPort = 29_400 + Math.floor(Math.random() * 500);

async function boot(dataDir: string): Promise<Boot> {
  const port = nextPort++;
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: '',
      REDIS_URL: '',
      DATA_DIR: dataDir,
      PORT: String(port),
      SEED_DEMO: 'false',
      LOG_LEVEL: 'warn',
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      METRICS_TOKEN,
      RATE_LIMIT_PER_MINUTE: '1000000',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}`);
    const ok = await fetch(`${url}/readyz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) break;
    await sleep(50);
  }
  return { child, url, readyS: (performance.now() - started) / 1000 };
}

async function stop(b: Boot) {
  b.child.kill('SIGTERM');
  await exited(b.child);
}

/** Bare PGlite in a child: create (or reopen) the directory, select 1, report seconds; then idle RSS. */
async function bare(dataDir: string): Promise<{ s: number; rss: number }> {
  const code = `
    const { PGlite } = await import('@electric-sql/pglite');
    const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
    const t0 = performance.now();
    const pg = await PGlite.create({ dataDir: ${JSON.stringify(dataDir)}, extensions: { pg_trgm } });
    await pg.query('select 1');
    const s = (performance.now() - t0) / 1000;
    await new Promise((r) => setTimeout(r, 5000));
    const rss = process.memoryUsage().rss / 2 ** 20;
    await pg.close();
    console.log(JSON.stringify({ s, rss }));`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  await exited(child);
  return JSON.parse(out.trim()) as { s: number; rss: number };
}

async function eventLoopSeconds(url: string): Promise<{ p99: number; max: number }> {
  const text = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
  const read = (name: string) => Number(text.match(new RegExp(`^${name} ([0-9.e+-]+)`, 'm'))?.[1] ?? NaN);
  return { p99: read('nodejs_eventloop_lag_p99_seconds'), max: read('nodejs_eventloop_lag_max_seconds') };
}

async function bidLoad(url: string) {
  const request = supertest(url);
  const generator = await createGenerator(request);
  const bidders = [];
  for (let i = 0; i < CLIENTS; i++) bidders.push(await createRecycler(request));
  const listings: { id: string }[] = [];
  for (let i = 0; i < CLIENTS; i++)
    listings.push(await createListing(request, generator, steelListing({ mode: 'auction', closesAt: inSeconds(3600) })));
  await eventLoopSeconds(url); // resets the histogram
  const end = performance.now() + LOAD_S * 1000;
  let price = 0;
  let ok = 0;
  let failed = 0;
  const health: number[] = [];
  let healthFailed = 0;
  const probing = (async () => {
    while (performance.now() < end) {
      const t0 = performance.now();
      const r = await fetch(`${url}/healthz`).catch(() => null);
      if (r?.status === 200) health.push(performance.now() - t0);
      else healthFailed++;
      await sleep(50);
    }
  })();
  await Promise.all(
    bidders.map(async (who, i) => {
      while (performance.now() < end) {
        const r = await bid(request, who, listings[i]!.id, { pricePerTonneFen: 258_500 + (price++ % 4000), quantityKg: 10_000 });
        if (r.status === 201) ok++;
        else failed++;
      }
    }),
  );
  await probing;
  const loop = await eventLoopSeconds(url);
  return {
    bidsPerS: ok / LOAD_S,
    failed,
    loop,
    healthP50: pct(health, 50),
    healthP99: pct(health, 99),
    healthMax: Math.max(...health),
    healthFailed,
  };
}

async function main() {
  console.log(`embedded start benchmark: ${RUNS} runs; bid load ${CLIENTS} clients for ${LOAD_S} s`);
  console.log(
    `machine: ${os.cpus().length} CPU (${os.cpus()[0]?.model.trim()}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GB, Node ${process.version}, @electric-sql/pglite ${version('@electric-sql/pglite')}; client built: ${existsSync(path.join(ROOT, 'client/dist')) ? 'yes' : 'NO (the first boot builds it)'}; load average ${loadavg()}`,
  );
  const rows: Record<string, number[]> = {};
  const add = (k: string, v: number) => (rows[k] ??= []).push(v);
  for (let run = 0; run < RUNS; run++) {
    const ours = mkdtempSync(path.join(os.tmpdir(), 'zwx-bench-start-'));
    const anchor = mkdtempSync(path.join(os.tmpdir(), 'zwx-bench-pglite-'));
    try {
      const a1 = await bare(anchor);
      const first = await boot(ours);
      await sleep(5000);
      const firstRss = rssMb(first.child.pid!);
      await stop(first);
      const a2 = await bare(anchor);
      const again = await boot(ours);
      await sleep(5000);
      const idleRss = rssMb(again.child.pid!);
      const load = await bidLoad(again.url);
      await stop(again);
      add('first', first.readyS);
      add('first rss', firstRss);
      add('restart', again.readyS);
      add('idle rss', idleRss);
      add('bare create', a1.s);
      add('bare reopen', a2.s);
      add('bare rss', a2.rss);
      add('bids/s', load.bidsPerS);
      add('loop p99', load.loop.p99 * 1000);
      add('loop max', load.loop.max * 1000);
      add('healthz p99', load.healthP99);
      add('healthz max', load.healthMax);
      console.log(
        `  run ${run + 1}: first boot ${f(first.readyS)} s (RSS ${f(firstRss)} MB) vs bare create ${f(a1.s)} s; restart ${f(again.readyS)} s vs bare reopen ${f(a2.s)} s; idle RSS ${f(idleRss)} MB vs bare ${f(a2.rss)} MB; ` +
          `${f(load.bidsPerS)} bids/s (${load.failed} refused), event loop p99 ${f(load.loop.p99 * 1000)} ms max ${f(load.loop.max * 1000)} ms, /healthz p50 ${f(load.healthP50)} p99 ${f(load.healthP99)} max ${f(load.healthMax)} ms (${load.healthFailed} failed); load ${loadavg()}`,
      );
    } finally {
      rmSync(ours, { recursive: true, force: true });
      rmSync(anchor, { recursive: true, force: true });
    }
  }
  const m = (k: string) => median(rows[k]!);
  console.log(`\nmedian of ${RUNS}:`);
  console.log('| what | ours | anchor (bare PGlite, same run) | ratio | target |');
  console.log('|---|---|---|---|---|');
  console.log(
    `| first start to /readyz | ${f(m('first'))} s | create ${f(m('bare create'))} s | ${(m('first') / m('bare create')).toFixed(1)}× | < 15 s |`,
  );
  console.log(
    `| restart to /readyz | ${f(m('restart'))} s | reopen ${f(m('bare reopen'))} s | ${(m('restart') / m('bare reopen')).toFixed(1)}× | < 3 s |`,
  );
  console.log(
    `| idle RSS after restart | ${f(m('idle rss'))} MB | ${f(m('bare rss'))} MB after reopen | ${(m('idle rss') / m('bare rss')).toFixed(2)}× | < 450 MB |`,
  );
  console.log(`| idle RSS after first boot | ${f(m('first rss'))} MB | | | |`);
  console.log(
    `| event-loop delay under ${CLIENTS} bidding clients | p99 ${f(m('loop p99'))} ms, max ${f(m('loop max'))} ms at ${f(m('bids/s'))} bids/s | | | p99 < 20 ms |`,
  );
  console.log(`| /healthz during the bids | p99 ${f(m('healthz p99'))} ms, max ${f(m('healthz max'))} ms | | | |`);
  console.log(`load average at the end: ${loadavg()}`);
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
