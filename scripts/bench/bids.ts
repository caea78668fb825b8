/**
 * `npm run bench:bids` (issue 15): durable resting bids over HTTP against the machine's limits, in one run.
 *
 *   npm run bench:bids                                   # 16 and 64 clients, 3 interleaved rounds, 8 s each
 *   npm run bench:bids -- --seconds 5 --rounds 3 --clients 16,64 --listings 200 --no-embedded
 *   DATABASE_URL=postgres://zwx_h4:pw@127.0.0.1:5432/zwx_h4 npm run bench:bids
 *
 * DATABASE_URL names a server and a role with CREATEDB (default postgres://postgres@127.0.0.1:5432/test).
 * Each run makes its own scratch databases there and drops them at the end. Per round, per client count,
 * interleaved:
 *   - ours: our API (scripts/bench/bids-server.ts, a child process, in-process job runner) on PostgreSQL;
 *     each client POSTs /api/v1/listings/:id/bids on one of --listings open auctions (bids rest), as one
 *     of 16 recyclers; a seeded stream (mulberry32) picks the listing and the price inside the band.
 *   - bare: the anchor endpoint (scripts/bench/bare-bids.ts): Express 5 + pg + the same JWT check
 *     through a KeyObject + one INSERT per request, same clients, same tokens, same bodies.
 *   - pgbench: `pgbench -n -N -c C -j 2 -T S` on a scale-1 database (`pgbench -i -s 1`).
 *   - ours with group commit (--group-commit MS, default 2; 0 skips it): a second server with
 *     BID_GROUP_COMMIT_MS on its own scratch database, the same load.
 *   - embedded (unless --no-embedded): our API on PGlite, the same load.
 * Prints every run, then the medians, the ratios (ours / bare, ours / pgbench -N, embedded / ours), the
 * load average and the versions. `--profile DIR` writes a CPU profile of our server (node --cpu-prof).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { USCC_CHARSET, usccCheckCharacter } from '../../shared/src/uscc.js';
import { adminQuery, loadavg, median, mulberry32, withDatabase } from './kit.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}
const SECONDS = Number(arg('seconds', '8'));
const WARMUP_SECONDS = Number(arg('warmup', '2'));
const ROUNDS = Math.max(1, Number(arg('rounds', '3')));
const CLIENTS = arg('clients', '16,64').split(',').map(Number);
const LISTINGS = Number(arg('listings', '200'));
const RECYCLERS = 16;
const EMBEDDED = !process.argv.includes('--no-embedded');
const PROFILE_DIR = process.argv.includes('--profile') ? path.resolve(arg('profile', 'bench-profiles')) : null;
const POOL_SIZE = arg('pool', '20');
/** Group commit window of the second PostgreSQL server (BID_GROUP_COMMIT_MS); 0 runs no second server. */
const GROUP_MS = Number(arg('group-commit', '2'));
/**
 * Another checkout of the repository (e.g. `git archive <commit> | tar -x -C DIR`, node_modules
 * linked, this directory's scripts/bench/bids-server.ts copied in): its API runs as a third server,
 * "before", on its own scratch database, the same load — what a change bought, in the same run.
 */
const BASELINE = process.argv.includes('--baseline') ? path.resolve(arg('baseline', '')) : null;
const BASE_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const ROOT = path.resolve(import.meta.dirname, '../..');
const TSX = ['--import', 'tsx'];

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

/** A child process that prints `READY <url>` once it serves. */
async function startChild(
  script: string,
  env: Record<string, string>,
  nodeArgs: string[] = [],
  cwd = ROOT,
): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [...nodeArgs, ...TSX, script], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const m = /READY (\S+)/.exec(buf);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code} before it was ready`)));
  });
  child.stdout!.resume();
  return { url, child };
}
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(t);
}

let agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
function request(url: string, method: string, body: unknown, token?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      url,
      {
        method,
        agent,
        headers: {
          ...(data ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } : {}),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}
async function postJson<T>(url: string, body: unknown, token?: string, expect = 201): Promise<T> {
  const r = await request(url, 'POST', body, token);
  if (r.status !== expect) throw new Error(`POST ${url}: ${r.status} ${r.body.slice(0, 300)}`);
  return JSON.parse(r.body) as T;
}

let orgCounter = 0;
/** A fresh unified social credit code (random body, valid check character). */
function uscc(): string {
  const body = '91330600' + Array.from(randomBytes(9), (b) => USCC_CHARSET[b % USCC_CHARSET.length]).join('');
  return body + usccCheckCharacter(body)!;
}
async function register(
  url: string,
  role: 'generator' | 'recycler',
  district: string,
): Promise<{ token: string; orgId: string }> {
  const n = ++orgCounter;
  const s = await postJson<{ accessToken: string; org: { id: string } }>(`${url}/api/v1/auth/register`, {
    org: { name: `Bench ${role} ${n}`, uscc: uscc(), district, roles: [role] },
    user: { email: `bench-${role}-${n}-${process.pid}@bench.local`, password: 'bench-password-123', name: 'Bench' },
  });
  return { token: s.accessToken, orgId: s.org.id };
}

interface World {
  listings: string[];
  recyclers: { token: string }[];
}
/** Generators with open steel auctions (bids rest until the close, a day away) and 16 recyclers, over the API. */
async function seed(url: string): Promise<World> {
  const generators = [];
  for (let i = 0; i < 8; i++) generators.push(await register(url, 'generator', '330603'));
  const recyclers = [];
  for (let i = 0; i < RECYCLERS; i++) recyclers.push(await register(url, 'recycler', '330604'));
  const day = 86_400_000;
  const listings: string[] = [];
  for (let i = 0; i < LISTINGS; i += 8) {
    const batch = generators.map((g) =>
      postJson<{ id: string }>(
        `${url}/api/v1/listings`,
        {
          side: 'supply',
          materialCode: 'SW17-01',
          quantityKg: 10_000,
          pricePerTonneFen: 254_000,
          mode: 'auction',
          closesAt: new Date(Date.now() + day).toISOString(),
          pickupFrom: new Date(Date.now() + 2 * day).toISOString(),
          pickupTo: new Date(Date.now() + 10 * day).toISOString(),
          district: '330603',
          description: 'bench: heavy scrap steel',
        },
        g.token,
      ),
    );
    for (const l of await Promise.all(batch)) listings.push(l.id);
  }
  return { listings: listings.slice(0, LISTINGS), recyclers };
}

/** The database's own counters (pg_stat_database), to say per bid how many commits and row writes it cost. */
async function dbCounters(db: string): Promise<{ commits: number; inserted: number; updated: number }> {
  const c = new pg.Client({ connectionString: BASE_URL });
  await c.connect();
  try {
    // Counters reach pg_stat_database up to a second after a backend commits.
    await new Promise((r) => setTimeout(r, 1200));
    const { rows } = await c.query(
      'select xact_commit::bigint as commits, tup_inserted::bigint as inserted, tup_updated::bigint as updated from pg_stat_database where datname = $1',
      [db],
    );
    return { commits: Number(rows[0].commits), inserted: Number(rows[0].inserted), updated: Number(rows[0].updated) };
  } finally {
    await c.end();
  }
}

interface LoadResult {
  rate: number;
  p50: number;
  p99: number;
  errors: number;
  firstError?: string;
}
/** C clients, each POSTing a bid and waiting for its answer, for `seconds`; counts 201s. */
async function load(url: string, world: World, clients: number, seconds: number, seed: number): Promise<LoadResult> {
  const rnd = mulberry32(seed);
  const stream = Array.from({ length: 200_000 }, () => ({
    listing: world.listings[Math.floor(rnd() * world.listings.length)]!,
    price: 254_000 + Math.floor(rnd() * 9_000),
  }));
  // Fresh connections per run: a server may have closed the idle ones of the previous run.
  agent.destroy();
  agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  let next = 0;
  let ok = 0;
  let errors = 0;
  let firstError: string | undefined;
  const lat: number[] = [];
  const end = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      const token = world.recyclers[c % world.recyclers.length]!.token;
      while (performance.now() < end) {
        const s = stream[next++ % stream.length]!;
        const t0 = performance.now();
        const r = await request(
          `${url}/api/v1/listings/${s.listing}/bids`,
          'POST',
          { pricePerTonneFen: s.price, quantityKg: 10_000 },
          token,
        ).catch((e: Error) => ({ status: 0, body: e.message }));
        if (r.status === 201) {
          ok++;
          lat.push(performance.now() - t0);
        } else {
          errors++;
          firstError ??= `${r.status} ${r.body.slice(0, 200)}`;
        }
      }
    }),
  );
  lat.sort((a, b) => a - b);
  return { rate: ok / seconds, p50: pct(lat, 50), p99: pct(lat, 99), errors, ...(firstError ? { firstError } : {}) };
}

function pgbench(url: string, clients: number, seconds: number): number {
  const u = new URL(url);
  const env = { ...process.env, PGPASSWORD: decodeURIComponent(u.password) };
  const conn = ['-h', u.hostname, '-p', u.port || '5432', '-U', decodeURIComponent(u.username), u.pathname.slice(1)];
  const r = spawnSync('pgbench', ['-n', '-N', '-c', String(clients), '-j', '2', '-T', String(seconds), ...conn], {
    env,
    encoding: 'utf8',
  });
  const m = /tps = ([\d.]+) \(without initial connection time\)/.exec(r.stdout);
  if (!m) throw new Error(`pgbench failed: ${r.stderr || r.stdout}`);
  return Number(m[1]);
}

function versions(): string {
  const pgb = spawnSync('pgbench', ['--version'], { encoding: 'utf8' }).stdout.trim();
  return `node ${process.version}, ${pgb}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}`;
}

async function main() {
  const tag = `${process.pid}`;
  const dbs = {
    ours: `zwx_bench_bids_${tag}`,
    grouped: `zwx_bench_gc_${tag}`,
    before: `zwx_bench_before_${tag}`,
    bare: `zwx_bench_bare_${tag}`,
    pgb: `zwx_bench_pgb_${tag}`,
  };
  const secret = randomBytes(32).toString('base64url');
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'zwx-bench-bids-'));
  const children: ChildProcess[] = [];
  const common = {
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    JWT_SECRET: secret,
    RATE_LIMIT_PER_MINUTE: '1000000',
    SEED_DEMO: 'false',
    REDIS_URL: '',
    ADMIN_PASSWORD: `bench-${secret}`,
    ADMIN_EMAIL: 'admin@bench.local',
    DB_POOL_SIZE: POOL_SIZE,
  };
  console.log(`bench:bids — ${new Date().toISOString()}; ${versions()}; load average ${loadavg()}`);
  console.log(
    `rounds ${ROUNDS}, ${SECONDS} s per run after ${WARMUP_SECONDS} s warm-up, clients ${CLIENTS.join('/')}, ${LISTINGS} auctions, pool ${POOL_SIZE}`,
  );
  for (const db of Object.values(dbs)) await adminQuery(BASE_URL, `create database ${db}`);
  console.log(`scratch databases ${Object.values(dbs).join(', ')} (dropped at the end)`);
  try {
    const profArgs = PROFILE_DIR ? ['--cpu-prof', '--cpu-prof-dir', PROFILE_DIR] : [];
    const ours = await startChild(
      'scripts/bench/bids-server.ts',
      { ...common, DATABASE_URL: withDatabase(BASE_URL, dbs.ours) },
      profArgs,
    );
    children.push(ours.child);
    const world = await seed(ours.url);
    // The same API with group commit on, on its own scratch database (seeded the same way).
    let grouped: { url: string; child: ChildProcess; world: World } | null = null;
    if (GROUP_MS > 0) {
      const gc = await startChild('scripts/bench/bids-server.ts', {
        ...common,
        DATABASE_URL: withDatabase(BASE_URL, dbs.grouped),
        BID_GROUP_COMMIT_MS: String(GROUP_MS),
      });
      children.push(gc.child);
      grouped = { ...gc, world: await seed(gc.url) };
    }
    let before: { url: string; child: ChildProcess; world: World } | null = null;
    if (BASELINE) {
      const b = await startChild(
        'scripts/bench/bids-server.ts',
        { ...common, DATABASE_URL: withDatabase(BASE_URL, dbs.before) },
        [],
        BASELINE,
      );
      children.push(b.child);
      before = { ...b, world: await seed(b.url) };
    }
    const bare = await startChild('scripts/bench/bare-bids.ts', {
      DATABASE_URL: withDatabase(BASE_URL, dbs.bare),
      JWT_SECRET: secret,
      POOL_SIZE,
    });
    children.push(bare.child);
    let embedded: { url: string; child: ChildProcess; world: World } | null = null;
    if (EMBEDDED) {
      const e = await startChild('scripts/bench/bids-server.ts', { ...common, DATABASE_URL: '', DATA_DIR: dataDir });
      children.push(e.child);
      embedded = { ...e, world: await seed(e.url) };
    }
    const pgbUrl = withDatabase(BASE_URL, dbs.pgb);
    {
      const u = new URL(pgbUrl);
      const r = spawnSync(
        'pgbench',
        ['-i', '-s', '1', '-q', '-h', u.hostname, '-p', u.port || '5432', '-U', decodeURIComponent(u.username), dbs.pgb],
        {
          env: { ...process.env, PGPASSWORD: decodeURIComponent(u.password) },
          encoding: 'utf8',
        },
      );
      if (r.status !== 0) throw new Error(`pgbench -i failed: ${r.stderr}`);
    }
    console.log(`anchor: pgbench -n -N -c C -j 2 -T ${SECONDS} on a scale-1 database (pgbench -i -s 1)`);

    // Warm-up: JIT, pools, plan caches.
    await load(ours.url, world, 16, WARMUP_SECONDS, 1);
    await load(bare.url, world, 16, WARMUP_SECONDS, 1);
    if (grouped) await load(grouped.url, grouped.world, 16, WARMUP_SECONDS, 1);
    if (before) await load(before.url, before.world, 16, WARMUP_SECONDS, 1);
    if (embedded) await load(embedded.url, embedded.world, 16, WARMUP_SECONDS, 1);

    const results = new Map<string, LoadResult[]>();
    const keep = (k: string, r: LoadResult) => results.set(k, [...(results.get(k) ?? []), r]);
    const line = (k: string, r: LoadResult) =>
      console.log(
        `  ${k.padEnd(16)} ${r.rate.toFixed(0).padStart(6)}/s  p50 ${r.p50.toFixed(1).padStart(6)} ms  p99 ${r.p99.toFixed(1).padStart(6)} ms${r.errors ? `  errors ${r.errors} (${r.firstError})` : ''}  load ${loadavg()}`,
      );
    for (let round = 1; round <= ROUNDS; round++) {
      console.log(`round ${round}`);
      for (const c of CLIENTS) {
        const seedN = round * 1000 + c;
        const c0 = round === 1 ? await dbCounters(dbs.ours) : null;
        const o = await load(ours.url, world, c, SECONDS, seedN);
        keep(`ours@${c}`, o);
        line(`ours pg @${c}`, o);
        if (c0) {
          // Bids and the background jobs they cause (relay, notifications) alike, per bid placed.
          const c1 = await dbCounters(dbs.ours);
          const n = o.rate * SECONDS;
          console.log(
            `    per bid in the database: ${((c1.commits - c0.commits) / n).toFixed(1)} commits, ${((c1.inserted - c0.inserted) / n).toFixed(1)} rows inserted, ${((c1.updated - c0.updated) / n).toFixed(1)} updated (the bare endpoint: 1, 1, 0)`,
          );
        }
        if (before) {
          const bf = await load(before.url, before.world, c, SECONDS, seedN);
          keep(`before@${c}`, bf);
          line(`before pg @${c}`, bf);
        }
        if (grouped) {
          const gr = await load(grouped.url, grouped.world, c, SECONDS, seedN);
          keep(`grouped@${c}`, gr);
          line(`ours pg gc @${c}`, gr);
        }
        const b = await load(bare.url, world, c, SECONDS, seedN);
        keep(`bare@${c}`, b);
        line(`bare @${c}`, b);
        // The servers' idle pool connections close after 10 s (pg.Pool idleTimeoutMillis): a shared
        // server (max_connections 100) then has the slots pgbench -c 64 needs.
        await new Promise((r) => setTimeout(r, 11_000));
        try {
          const tps = pgbench(pgbUrl, c, SECONDS);
          keep(`pgbench@${c}`, { rate: tps, p50: NaN, p99: NaN, errors: 0 });
          console.log(`  ${`pgbench -N @${c}`.padEnd(16)} ${tps.toFixed(0).padStart(6)}/s  load ${loadavg()}`);
        } catch (e) {
          // A shared server may not have 64 free connection slots: said, not fatal.
          console.log(`  ${`pgbench -N @${c}`.padEnd(16)} failed: ${(e as Error).message.split('\n').slice(0, 2).join(' ')}`);
        }
        if (embedded) {
          const e = await load(embedded.url, embedded.world, c, SECONDS, seedN);
          keep(`embedded@${c}`, e);
          line(`ours pglite @${c}`, e);
        }
      }
    }
    const med = (k: string, f: keyof LoadResult = 'rate') => median((results.get(k) ?? []).map((r) => r[f] as number));
    console.log(`\nmedians of ${ROUNDS} rounds (load average now ${loadavg()})`);
    for (const c of CLIENTS) {
      const o = med(`ours@${c}`);
      const b = med(`bare@${c}`);
      const p = med(`pgbench@${c}`);
      console.log(
        `@${c} clients: ours ${o.toFixed(0)} bids/s (p99 ${med(`ours@${c}`, 'p99').toFixed(1)} ms) · bare endpoint ${b.toFixed(0)}/s (p99 ${med(`bare@${c}`, 'p99').toFixed(1)} ms) · pgbench -N ${p.toFixed(0)} TPS`,
      );
      console.log(
        `  ratio ours/bare ${(o / b).toFixed(2)}× (target ≥ 0.5×, p99 < 100 ms) · ours/pgbench -N ${(o / p).toFixed(2)}×`,
      );
      if (before) {
        const bf = med(`before@${c}`);
        console.log(
          `  before (${BASELINE}): ${bf.toFixed(0)} bids/s (p99 ${med(`before@${c}`, 'p99').toFixed(1)} ms) · before/bare ${(bf / b).toFixed(2)}× · ours/before ${(o / bf).toFixed(2)}×`,
        );
      }
      if (grouped) {
        const gr = med(`grouped@${c}`);
        console.log(
          `  with group commit (${GROUP_MS} ms): ${gr.toFixed(0)} bids/s (p99 ${med(`grouped@${c}`, 'p99').toFixed(1)} ms) · gc/bare ${(gr / b).toFixed(2)}× · gc/pgbench -N ${(gr / p).toFixed(2)}×`,
        );
      }
      if (embedded) {
        const e = med(`embedded@${c}`);
        console.log(
          `  embedded ${e.toFixed(0)} bids/s (p99 ${med(`embedded@${c}`, 'p99').toFixed(1)} ms) · embedded/ours pg ${(e / o).toFixed(2)}× (target ≥ 0.5×)`,
        );
      }
    }
  } finally {
    for (const c of children.reverse()) await stopChild(c);
    agent.destroy();
    for (const db of Object.values(dbs))
      await adminQuery(BASE_URL, `drop database if exists ${db} with (force)`).catch((e) => console.error(`drop ${db}: ${e}`));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
