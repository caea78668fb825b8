/**
 * Request latency of reads and bids before, during and after a 15 s Redis outage (issue 10 item 3),
 * and how long the live events announced during the outage take to arrive once Redis is back.
 *
 *   node --import tsx scripts/bench/redis-outage.ts                 # PGlite, 3 runs
 *   node --import tsx scripts/bench/redis-outage.ts --runs 5 --outage 15 --phase 10
 *   DATABASE_URL=postgres://user:pw@127.0.0.1:5432/db node --import tsx scripts/bench/redis-outage.ts
 *
 * The scale-out shape in one process: an API server (HTTP + socket.io, relaying the outbox) and a
 * worker (BullMQ jobs, live events published through Redis) on a private redis-server on a spare
 * port, never the shared one. One generator's sealed auction, three bidders, one socket in the
 * listing's room. Each phase runs rounds of one bid, one GET of the listing and one GET of the
 * listings page, back to back with 100 ms between rounds; every request is timed from the client
 * (HTTP on loopback). A run: `--phase` seconds with Redis up, Redis SIGKILLed for `--outage`
 * seconds, Redis restarted (empty) and `--phase` seconds more. Prints each run and the median over
 * runs of each percentile.
 */
import os from 'node:os';
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import { io as ioClient } from 'socket.io-client';
import { createContext } from '../../server/src/context.js';
import { createRedisBroadcaster } from '../../server/src/realtime/redis-broadcaster.js';
import { one } from '../../server/src/db/tx.js';
import type { RealtimeEvent } from '../../shared/src/realtime.js';
import { loadavg } from './kit.js';
import { createTestApp } from '../../tests/helpers/app.js';
import { auth } from '../../tests/helpers/actors.js';
import { bid, createGenerator, createListing, createRecycler, inSeconds, steelListing } from '../../tests/helpers/trading.js';
import { startPrivateRedis, testQueuePrefix } from '../../tests/helpers/redis.js';
import { sleep, waitFor } from '../../tests/helpers/wait.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}
const RUNS = Math.max(1, Number(arg('runs', '3')));
const OUTAGE_S = Number(arg('outage', '15'));
const PHASE_S = Number(arg('phase', '10'));

type Phase = 'before' | 'during' | 'after';
type Kind = 'read' | 'bid';
interface Sample {
  phase: Phase;
  kind: Kind;
  ms: number;
  status: number;
}

const pct = (xs: number[], p: number) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
const median = (xs: number[]) => pct(xs, 50);
const f = (x: number) => (Number.isNaN(x) ? '–' : x >= 100 ? x.toFixed(0) : x.toFixed(1));

async function main(): Promise<void> {
  const redisVersion = spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).stdout.trim();
  console.log(`redis outage benchmark: ${RUNS} runs, ${PHASE_S} s before, ${OUTAGE_S} s outage, ${PHASE_S} s after`);
  console.log(
    `machine: ${os.cpus().length} CPU (${os.cpus()[0]?.model.trim()}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GB, Node ${process.version}, ${redisVersion}, database ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}; load average ${loadavg()}`,
  );

  const redis = await startPrivateRedis();
  const prefix = testQueuePrefix('bench-outage');
  const jobs = { sweepStuckAfterSeconds: 5, retry: { attempts: 4, backoffMs: 200 } };
  const t = await createTestApp({
    listen: true,
    env: { REDIS_URL: redis.url, RUN_WORKERS_IN_PROCESS: 'false', REDIS_PREFIX: prefix },
    jobs,
  });
  const worker = await createContext({ ...t.ctx.config, RUN_WORKERS_IN_PROCESS: true }, t.ctx.logger, {
    role: 'worker',
    database: t.testDb.database,
    jobs: { ...jobs, queuePrefix: prefix },
  });
  const broadcaster = createRedisBroadcaster({ redisUrl: redis.url, logger: t.ctx.logger, prefix });
  worker.broadcaster = broadcaster;
  await worker.jobs.start();

  const results: { samples: Sample[]; catchUpMs: number; outageEvents: number; fiveXx: number }[] = [];
  try {
    for (let run = 1; run <= RUNS; run++) {
      const generator = await createGenerator(t.request);
      const bidders = [await createRecycler(t.request), await createRecycler(t.request), await createRecycler(t.request)];
      const listing = await createListing(t.request, generator, steelListing({ mode: 'auction', closesAt: inSeconds(3600) }));
      const room = `listing:${listing.id}`;
      const socket = ioClient(t.server!.url, {
        path: '/socket.io',
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
        auth: { token: bidders[0]!.token },
      });
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      const seen = new Set<number>();
      socket.onAny((_e, payload) => {
        const e = payload as RealtimeEvent;
        if (e.room === room) seen.add(e.seq);
      });
      await socket.timeout(3000).emitWithAck('subscribe', { listingId: listing.id });
      const roomSeq = async () =>
        Number((await one<{ seq: string | number }>(t.ctx.db, sql`select seq from room_seq where room = ${room}`))?.seq ?? 0);

      const samples: Sample[] = [];
      let price = 258_500;
      let i = 0;
      const timed = async (phase: Phase, kind: Kind, fn: () => Promise<{ status: number }>) => {
        const t0 = performance.now();
        const r = await fn();
        samples.push({ phase, kind, ms: performance.now() - t0, status: r.status });
      };
      const phase = async (name: Phase, seconds: number) => {
        const ends = Date.now() + seconds * 1000;
        while (Date.now() < ends) {
          const who = bidders[i++ % bidders.length]!;
          await timed(name, 'bid', () => bid(t.request, who, listing.id, { pricePerTonneFen: price++, quantityKg: 10_000 }));
          await timed(name, 'read', () => t.request.get(`/api/v1/listings/${listing.id}`).set(auth(who.token)));
          await timed(name, 'read', () => t.request.get('/api/v1/listings?limit=20').set(auth(who.token)));
          await sleep(100);
        }
      };

      await phase('before', PHASE_S);
      await redis.kill();
      const seqAtKill = await roomSeq();
      await phase('during', OUTAGE_S);
      const announced = await roomSeq();
      await redis.restart();
      const back = performance.now();
      // Catch-up: every seq announced during the outage at the socket (measured while the after phase runs).
      const catchUp = waitFor(
        () => {
          for (let s = seqAtKill + 1; s <= announced; s++) if (!seen.has(s)) return false;
          return true;
        },
        { what: 'the outage events', timeoutMs: 120_000, intervalMs: 10 },
      ).then(() => performance.now() - back);
      await phase('after', PHASE_S);
      const catchUpMs = await catchUp;
      socket.disconnect();
      const fiveXx = samples.filter((s) => s.status >= 500).length;
      results.push({ samples, catchUpMs, outageEvents: announced - seqAtKill, fiveXx });
      console.log(
        `\nrun ${run}: load average ${loadavg()}; ${announced - seqAtKill} live events announced during the outage, all at the socket ${f(catchUpMs)} ms after Redis restarted; 5xx: ${fiveXx}`,
      );
      printTable([results.at(-1)!.samples]);
    }
    console.log(
      `\nmedian over ${RUNS} runs (each cell the median of the runs' percentiles); catch-up median ${f(median(results.map((r) => r.catchUpMs)))} ms; 5xx in all: ${results.reduce((n, r) => n + r.fiveXx, 0)}; load average ${loadavg()}`,
    );
    printTable(results.map((r) => r.samples));
  } finally {
    await worker.jobs.stop().catch(() => {});
    worker.redis?.disconnect();
    await broadcaster.close();
    await t.close();
    await redis.stop();
  }
}

function printTable(runs: Sample[][]) {
  console.log('| phase | kind | requests | p50 ms | p99 ms | max ms | non-2xx |');
  console.log('|---|---|---|---|---|---|---|');
  for (const phase of ['before', 'during', 'after'] as const)
    for (const kind of ['read', 'bid'] as const) {
      const per = runs.map((samples) => samples.filter((s) => s.phase === phase && s.kind === kind));
      const cell = (fn: (ms: number[]) => number) => f(median(per.map((xs) => fn(xs.map((s) => s.ms)))));
      console.log(
        `| ${phase} | ${kind} | ${median(per.map((xs) => xs.length))} | ${cell((ms) => pct(ms, 50))} | ${cell((ms) => pct(ms, 99))} | ${cell((ms) => Math.max(...ms))} | ${per.reduce((n, xs) => n + xs.filter((s) => s.status >= 300).length, 0)} |`,
      );
    }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
