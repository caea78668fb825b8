/**
 * Continuous market orders per second, end to end over HTTP on PostgreSQL (issue 16), next to
 * `pgbench -N` on the same server in the same run, and the order book engine's own rate.
 *
 *   npm run bench:orders                                   # 16 clients, 20 s timed
 *   DATABASE_URL=postgres://user:pw@127.0.0.1:5432/db npm run bench:orders -- --seconds 30 --clients 16
 *
 * One command: creates two scratch databases next to DATABASE_URL's (one migrated for the exchange,
 * one `pgbench -i -s 1`), starts the API in this process (no Redis: jobs in process, as the embedded
 * default), registers 8 generators and 8 recyclers, and then:
 *   1. HTTP: --clients concurrent clients, each posting orders one after another on heavy scrap steel
 *      (whole lots, prices around the band so about half cross and make trades) for --seconds;
 *   2. pgbench -N -c 16 -j 2 -T --seconds on its scratch database (TPC-B-like, no branch/teller updates);
 *   3. the engine: the same kind of stream into an in-memory OrderBook, no I/O.
 * Prints the figures as a Markdown table with the load average before and after, and drops both
 * scratch databases (--keep keeps them).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { loadConfig } from '../../server/src/config.js';
import { closeContext, createContext } from '../../server/src/context.js';
import { startServer } from '../../server/src/server.js';
import { OrderBook } from '../../server/src/modules/matching/index.js';
import { makeUscc } from '../../tests/helpers/actors.js';
import { adminQuery, mulberry32, withDatabase } from './kit.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}
const SECONDS = Number(arg('seconds', '20'));
const CLIENTS = Number(arg('clients', '16'));
const KEEP = process.argv.includes('--keep');
const BASE_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const APP_DB = `zwx_bench_orders_${process.pid}`;
const PGBENCH_DB = `zwx_bench_pgbench_${process.pid}`;
const MARKET = 'SW17-01';

/** An order around the middle of the steel band (256 000 … 260 000 fen/t), 1–3 lots of 5 t. */
function nextOrder(r: () => number) {
  const buy = r() < 0.5;
  return {
    side: buy ? ('buy' as const) : ('sell' as const),
    pricePerTonneFen: 256_000 + Math.floor(r() * 5) * 1_000,
    quantityKg: 5_000 * (1 + Math.floor(r() * 3)),
  };
}

function quantile(sorted: number[], q: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : NaN;
}

async function register(base: string, roles: string[], district: string): Promise<string> {
  const res = await fetch(`${base}/api/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      org: { name: `Bench ${roles[0]} ${randomBytes(3).toString('hex')}`, uscc: makeUscc(), district, roles },
      user: { email: `bench-${randomBytes(6).toString('hex')}@bench.local`, password: 'bench-password-1', name: 'Bench' },
    }),
  });
  if (res.status !== 201) throw new Error(`register: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

async function httpRun(base: string, tokens: { sell: string[]; buy: string[] }) {
  const latencies: number[] = [];
  let ok = 0;
  let failed = 0;
  const until = performance.now() + SECONDS * 1000;
  const client = async (k: number) => {
    const r = mulberry32(0x0bde + k);
    while (performance.now() < until) {
      const o = nextOrder(r);
      const token = o.side === 'sell' ? tokens.sell[k % tokens.sell.length]! : tokens.buy[k % tokens.buy.length]!;
      const t0 = performance.now();
      const res = await fetch(`${base}/api/v1/markets/${MARKET}/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ ...o, district: '330603' }),
      });
      await res.arrayBuffer();
      latencies.push(performance.now() - t0);
      if (res.status === 201) ok++;
      else failed++;
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CLIENTS }, (_, k) => client(k)));
  const elapsed = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  return { ok, failed, elapsed, rate: ok / elapsed, p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99) };
}

function pgbench(): { tps: number; raw: string } {
  const url = withDatabase(BASE_URL, PGBENCH_DB);
  execFileSync('pgbench', ['-i', '-s', '1', '-q', url], { stdio: 'ignore' });
  const raw = execFileSync('pgbench', ['-N', '-c', '16', '-j', '2', '-T', String(SECONDS), url], { encoding: 'utf8' });
  const m = /tps = ([\d.]+)/.exec(raw);
  return { tps: m ? Number(m[1]) : NaN, raw };
}

function engineRun(): { rate: number; ops: number; fills: number } {
  const r = mulberry32(0xe9);
  const book = new OrderBook();
  const ops = 500_000;
  const orders = Array.from({ length: ops }, () => nextOrder(r));
  let fills = 0;
  const t0 = performance.now();
  for (let i = 0; i < ops; i++) {
    const o = orders[i]!;
    fills += book.add({ id: `o${i}`, seq: i + 1, ownerId: `org${i % 16}`, ...o }).fills.length;
  }
  return { rate: ops / ((performance.now() - t0) / 1000), ops, fills };
}

async function main() {
  const load0 = os.loadavg();
  await adminQuery(BASE_URL, `create database ${APP_DB}`);
  await adminQuery(BASE_URL, `create database ${PGBENCH_DB}`);
  try {
    const config = loadConfig({
      NODE_ENV: 'development',
      DATABASE_URL: withDatabase(BASE_URL, APP_DB),
      JWT_SECRET: randomBytes(32).toString('base64url'),
      ADMIN_EMAIL: 'admin@bench.local',
      ADMIN_PASSWORD: 'bench-admin-password',
      RATE_LIMIT_PER_MINUTE: '1000000',
      SEED_DEMO: 'false',
      LOG_LEVEL: 'warn',
    });
    const ctx = await createContext(config, pino({ level: 'warn' }));
    await ctx.jobs.start();
    const server = await startServer(ctx, 0);
    const tokens = { sell: [] as string[], buy: [] as string[] };
    for (let i = 0; i < 8; i++) {
      tokens.sell.push(await register(server.url, ['generator'], '330603'));
      tokens.buy.push(await register(server.url, ['recycler'], '330604'));
    }
    const http = await httpRun(server.url, tokens);
    const trades = await ctx.database.db.execute('select count(*)::int as n from market_prints' as never);
    await server.close();
    await closeContext(ctx);
    const bench = pgbench();
    const engine = engineRun();
    const load1 = os.loadavg();
    const n = (x: number) => x.toLocaleString('en', { maximumFractionDigits: 0 });
    const prints = (trades as unknown as { rows: { n: number }[] }).rows[0]?.n ?? 0;
    console.log(`
machine: ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), Node ${process.version}, ${new Date().toISOString()}
load average before: ${load0.map((x) => x.toFixed(1)).join(' ')}; after: ${load1.map((x) => x.toFixed(1)).join(' ')}

| what | clients | seconds | rate | notes |
|---|---|---|---|---|
| POST /markets/${MARKET}/orders over HTTP | ${CLIENTS} | ${http.elapsed.toFixed(1)} | ${n(http.rate)} orders/s | ${n(http.ok)} placed (${http.failed} refused), ${n(prints)} prints; latency p50 ${http.p50.toFixed(1)} ms, p99 ${http.p99.toFixed(1)} ms |
| pgbench -N -c 16 -j 2 (scale 1) | 16 | ${SECONDS} | ${n(bench.tps)} tps | same PostgreSQL server, scratch database |
| OrderBook engine, in memory | 1 | — | ${n(engine.rate)} orders/s | ${n(engine.ops)} orders, ${n(engine.fills)} fills |
`);
  } finally {
    if (!KEEP) {
      await adminQuery(BASE_URL, `drop database if exists ${APP_DB} with (force)`).catch(() => {});
      await adminQuery(BASE_URL, `drop database if exists ${PGBENCH_DB} with (force)`).catch(() => {});
    }
  }
}

await main();
