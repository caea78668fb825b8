/**
 * Issue 17: (1) start time and idle memory of the compiled server (`npm run start:prod`) against
 * `npm start` (tsx over the TypeScript sources); (2) bid throughput with two API processes against one,
 * measured side by side in one run on the same database, Redis and worker.
 *
 *   npm run build:server && DATABASE_URL=postgres://… REDIS_URL=redis://… node --import tsx scripts/bench/cluster.ts
 *   … scripts/bench/cluster.ts --starts 3 --seconds 15 --rounds 2 --concurrency 16
 *
 * Processes are real child processes (tests/helpers/cluster.ts) on a fresh database cloned from the
 * migrated template, RUN_WORKERS_IN_PROCESS=false, LOG_LEVEL=info (the readiness line), no demo seed.
 * Start time: from spawn until /readyz answers 200 (polled every 50 ms). Idle memory: the process's
 * resident set (VmRSS) 5 s after it became ready, no requests in between. Each round starts one of
 * each kind, alternating which goes first. The tsx transform cache (in the OS temp directory) is warm
 * after the first tsx start; the first tsx start is printed separately.
 * Throughput: `--concurrency` clients in this process, each a recycler bidding 1 t at a time on its
 * own large fixed-price lot (every bid is a trade: matching, the trade, its outbox rows), for
 * `--seconds` against A only, then against A and B alternately, `--rounds` times interleaved. One
 * compiled worker runs the jobs in both. Bids per second counted from 201 answers.
 */
import os from 'node:os';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { auth, registrationBody, PASSWORD, type OrgActor, type Session } from '../../tests/helpers/actors.js';
import { startCluster, stopProcess, type Build, type Cluster, type ClusterProcess } from '../../tests/helpers/cluster.js';
import { sleep } from '../../tests/helpers/wait.js';
import { createListing, steelListing } from '../../tests/helpers/trading.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}
const STARTS = Math.max(1, Number(arg('starts', '3')));
const SECONDS = Math.max(1, Number(arg('seconds', '15')));
const ROUNDS = Math.max(1, Number(arg('rounds', '2')));
const CONCURRENCY = Math.max(1, Number(arg('concurrency', '16')));

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const loadavg = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

async function timeStart(cluster: Cluster, build: Build, name: string): Promise<{ ms: number; rss: number }> {
  const t0 = performance.now();
  const p = await cluster.start('api', name, build);
  const ms = performance.now() - t0;
  await sleep(5_000);
  const rss = rssMb(p.child.pid!);
  await stopProcess(p.child, 'SIGTERM');
  cluster.processes.splice(cluster.processes.indexOf(p), 1);
  return { ms, rss };
}

async function register(p: ClusterProcess, roles: ('generator' | 'recycler')[], district: string): Promise<OrgActor> {
  const res = await p.request
    .post('/api/v1/auth/register')
    .set('X-Forwarded-For', `10.9.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250) + 1}`)
    .send(registrationBody({ roles, district: district as '330603' }));
  if (res.status !== 201) throw new Error(`register: ${res.status} ${JSON.stringify(res.body)}`);
  const s = res.body as Session;
  return { ...s, org: s.org!, orgId: s.org!.id, token: s.accessToken, email: s.user.email, password: PASSWORD };
}

async function burst(
  targets: ClusterProcess[],
  buyers: OrgActor[],
  lots: string[],
): Promise<{ ok: number; other: number; s: number }> {
  let ok = 0;
  let other = 0;
  let n = 0;
  const t0 = performance.now();
  const until = t0 + SECONDS * 1000;
  await Promise.all(
    buyers.map(async (b, k) => {
      while (performance.now() < until) {
        const p = targets[n++ % targets.length]!;
        const res = await p.request
          .post(`/api/v1/listings/${lots[k]}/bids`)
          .set(auth(b.token))
          .send({ pricePerTonneFen: 258_500, quantityKg: 1_000 })
          .catch(() => null);
        if (res?.status === 201) ok += 1;
        else other += 1;
      }
    }),
  );
  return { ok, other, s: (performance.now() - t0) / 1000 };
}

async function main(): Promise<void> {
  if (!process.env.DATABASE_URL || !process.env.REDIS_URL) throw new Error('set DATABASE_URL and REDIS_URL');
  console.log(
    `cluster benchmark: machine ${os.cpus().length} CPU (${os.cpus()[0]?.model.trim()}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GB, Node ${process.version}; load average ${loadavg()}`,
  );
  const cluster = await startCluster({
    apis: [],
    workers: [],
    env: { RATE_LIMIT_PER_MINUTE: '1000000', TRUST_PROXY: 'loopback', LOG_LEVEL: 'info' },
    timeoutMs: 180_000,
  });
  try {
    // ---- start time and idle memory ----
    const results: Record<Build, { ms: number; rss: number }[]> = { tsx: [], compiled: [] };
    const firstTsx = await timeStart(cluster, 'tsx', 'warm-up');
    console.log(`first tsx start (transform cache possibly cold): ${firstTsx.ms.toFixed(0)} ms, ${firstTsx.rss.toFixed(0)} MB`);
    for (let i = 0; i < STARTS; i++) {
      const order: Build[] = i % 2 ? ['compiled', 'tsx'] : ['tsx', 'compiled'];
      for (const b of order) {
        const r = await timeStart(cluster, b, `${b}-${i}`);
        results[b].push(r);
        console.log(
          `start ${i + 1} ${b.padEnd(8)} ${r.ms.toFixed(0)} ms to /readyz, idle RSS ${r.rss.toFixed(0)} MB (load ${loadavg()})`,
        );
      }
    }
    for (const b of ['tsx', 'compiled'] as Build[])
      console.log(
        `median ${b.padEnd(8)} start ${median(results[b].map((r) => r.ms)).toFixed(0)} ms, idle RSS ${median(results[b].map((r) => r.rss)).toFixed(0)} MB`,
      );

    // ---- bid throughput, one API process against two ----
    const A = await cluster.start('api', 'A', 'compiled');
    const B = await cluster.start('api', 'B', 'compiled');
    await cluster.start('worker', 'W', 'compiled');
    const g = await register(A, ['generator'], '330603');
    const buyers = await Promise.all(Array.from({ length: CONCURRENCY }, () => register(B, ['recycler'], '330604')));
    const lots: string[] = [];
    for (let k = 0; k < CONCURRENCY; k++)
      lots.push((await createListing(A.request, g, steelListing({ quantityKg: 100_000_000, minLotKg: 1_000 }))).id);
    await burst([A, B], buyers, lots); // warm-up: both processes' code paths and pools
    const rates: Record<'one' | 'two', number[]> = { one: [], two: [] };
    for (let r = 0; r < ROUNDS; r++) {
      const order: ('one' | 'two')[] = r % 2 ? ['two', 'one'] : ['one', 'two'];
      for (const which of order) {
        const res = await burst(which === 'one' ? [A] : [A, B], buyers, lots);
        rates[which].push(res.ok / res.s);
        console.log(
          `round ${r + 1} ${which === 'one' ? 'one API ' : 'two APIs'}: ${res.ok} bids in ${res.s.toFixed(1)} s = ${(res.ok / res.s).toFixed(1)}/s (${res.other} not 201), load ${loadavg()}`,
        );
      }
    }
    console.log(
      `median bids/s: one API ${median(rates.one).toFixed(1)}, two APIs ${median(rates.two).toFixed(1)} (${(median(rates.two) / median(rates.one)).toFixed(2)}×)`,
    );
    // Let the worker finish before the database goes.
    await sleep(2_000);
  } finally {
    await cluster.close();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
