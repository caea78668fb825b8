/**
 * Regulator queries over one million trades with their manifests, on PostgreSQL: flows and
 * indicators as the API answers them (the service functions, rollup + indexes) against the naive
 * queries over the base tables (the peer), with the 200 ms budget of issue 7.
 *
 *   node --import tsx scripts/bench/regulator.ts                  # 1 M trades, 5 runs per query
 *   node --import tsx scripts/bench/regulator.ts --trades 100000 --runs 3
 *   DATABASE_URL=postgres://user@host:5432/db node --import tsx scripts/bench/regulator.ts
 *
 * One command: creates a scratch database next to DATABASE_URL's (default
 * postgres://postgres@127.0.0.1:5432/test), migrates it, generates the data (scripts/bench/gen-million.ts),
 * times the trigger's cost on trade inserts, warms up, runs each query --runs times (ours and the
 * peer interleaved), checks that both give the same answer, prints medians and ratios, and drops the
 * scratch database (--keep keeps it).
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { openPostgres } from '../../server/src/db/client.js';
import { createRegulatorService } from '../../server/src/modules/regulator/service.js';
import { monthCells, monthlyMedians } from '../../server/src/modules/regulator/repo.js';
import { naiveFlowEdges, naiveIntake, naiveMedians, naiveMonthCells } from '../../tests/helpers/regulator-naive.js';
import { medianOf } from '../../server/src/modules/regulator/indicators.js';
import { shanghaiDate } from '../../shared/src/calendar.js';
import type { UserActor } from '../../server/src/http/actor.js';
import type { TFlowsQuery } from '../../shared/src/schemas/regulator.js';
import { generate } from './gen-million.js';
import { adminQuery, median, withDatabase } from './kit.js';

const BUDGET_MS = 200;

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}
const TRADES = Number(arg('trades', '1000000'));
const RUNS = Math.max(3, Number(arg('runs', '5')));
const KEEP = process.argv.includes('--keep');
const BASE_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const SCRATCH = `zwx_bench_regulator_${process.pid}`;

const ms = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const loadavg = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

interface Case {
  name: string;
  ours: () => Promise<unknown>;
  peer: () => Promise<unknown>;
  /** Both answers in one canonical form, for the equality check. */
  same: () => Promise<boolean>;
}

async function main(): Promise<void> {
  console.log(
    `regulator benchmark: ${TRADES.toLocaleString('en-US')} trades, ${RUNS} runs per query, scratch database ${SCRATCH}`,
  );
  console.log(
    `machine: ${os.cpus().length} CPU (${os.cpus()[0]?.model.trim()}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GB, Node ${process.version}, load average ${loadavg()}`,
  );
  await adminQuery(BASE_URL, `create database ${SCRATCH}`);
  const url = withDatabase(BASE_URL, SCRATCH);
  let database: Awaited<ReturnType<typeof openPostgres>> | null = null;
  try {
    const tGen = performance.now();
    const g = await generate(url, { trades: TRADES, seed: 0.2026, log: (m) => console.log(`  generating: ${m}…`) });
    console.log(
      `data: ${g.trades.toLocaleString('en-US')} trades, ${g.manifests.toLocaleString('en-US')} manifests, ${g.listings.toLocaleString('en-US')} listings, ` +
        `${g.rollupRows.toLocaleString('en-US')} rollup rows; load ${g.seconds.load.toFixed(1)} s, rollup rebuild ${g.seconds.rollup.toFixed(1)} s, ` +
        `vacuum analyze ${g.seconds.analyze.toFixed(1)} s (total ${((performance.now() - tGen) / 1000).toFixed(1)} s)`,
    );
    database = await openPostgres(url, 10);
    const db = database.db;
    const version = (await database.pool.query('select version() as v')).rows[0].v as string;
    console.log(`server: ${version.split(' on ')[0]}`);

    // The write side: what the rollup trigger costs an insert of 2 000 trades (rolled back each time).
    const writeCost = async (withTrigger: boolean): Promise<number> => {
      const c = await database!.pool.connect();
      try {
        await c.query('begin');
        if (!withTrigger) await c.query('alter table trades disable trigger trades_regulator_rollup');
        const t0 = performance.now();
        await c.query(`insert into trades (id, generator_org_id, receiver_org_id, payer_org_id, payee_org_id, material_code, waste_code, category,
            hazardous, quantity_kg, price_per_tonne_fen, amount_fen, platform_fee_fen, eco_compensation_fen, status, origin_district, destination_district)
          select gen_random_uuid(), t.generator_org_id, t.receiver_org_id, t.payer_org_id, t.payee_org_id, t.material_code, t.waste_code, t.category,
            t.hazardous, t.quantity_kg, t.price_per_tonne_fen, t.amount_fen, 0, 0, 'funded', t.origin_district, t.destination_district
          from trades t where t.status <> 'cancelled' order by t.seq desc limit 2000`);
        const took = performance.now() - t0;
        await c.query('rollback');
        return took;
      } finally {
        c.release();
      }
    };
    const withT: number[] = [];
    const withoutT: number[] = [];
    for (let i = 0; i < 3; i++) {
      withoutT.push(await writeCost(false));
      withT.push(await writeCost(true));
    }
    console.log(
      `write cost: 2,000 trade inserts in one statement: ${ms(median(withT))} ms with the rollup trigger, ${ms(median(withoutT))} ms without ` +
        `(+${ms((median(withT) - median(withoutT)) / 2000)} ms per trade)`,
    );

    const regulator = createRegulatorService({ db, clock: { now: () => new Date() } });
    const cityActor: UserActor = {
      userId: '00000000-0000-0000-0000-000000000001',
      orgId: null,
      roles: ['regulator'],
      orgRole: 'owner',
      scope: 'city',
    };
    const keqiaoActor: UserActor = { ...cityActor, scope: ['330603'] };
    const today = shanghaiDate(new Date());
    const busiest = new Date().getUTCFullYear() - 1; // the last full year, the largest in the data set

    const flowCase = (name: string, actor: UserActor, q: TFlowsQuery): Case => {
      const districts = actor.scope === 'city' ? null : (actor.scope as string[]);
      const from = q.from ?? `${today.slice(0, 4)}-01-01`;
      const to = q.to ?? today;
      const peer = () =>
        naiveFlowEdges(db, { from, to, districts, groupBy: q.groupBy, ...(q.stream ? { stream: q.stream } : {}) });
      return {
        name,
        ours: () => regulator.flows(actor, q),
        peer,
        same: async () => {
          const a = (await regulator.flows(actor, q)).edges
            .map(
              (e) =>
                `${e.fromDistrict}${e.toDistrict}${e.category ?? e.materialCode ?? ''}:${e.contractedKg}:${e.receivedKg}:${e.trades}`,
            )
            .sort();
          const b = (await peer())
            .filter((e) => e.trades || e.receivedKg)
            .map((e) => `${e.fromDistrict}${e.toDistrict}${e.key ?? ''}:${e.contractedKg}:${e.receivedKg}:${e.trades}`)
            .sort();
          return JSON.stringify(a) === JSON.stringify(b);
        },
      };
    };
    const indicatorCase = (name: string, actor: UserActor, year: number): Case => {
      const districts = actor.scope === 'city' ? null : (actor.scope as string[]);
      // The peer answers the same questions from the base tables: month cells, medians, intake.
      const peer = () =>
        Promise.all([naiveMonthCells(db, year, districts), naiveMedians(db, year, districts), naiveIntake(db, year)]);
      return {
        name,
        ours: () => regulator.indicators(actor, year),
        peer,
        same: async () => {
          const norm = (cs: Awaited<ReturnType<typeof monthCells>>) =>
            cs.map((c) => JSON.stringify(c, Object.keys(c).sort())).sort();
          const [cells, meds] = await Promise.all([naiveMonthCells(db, year, districts), naiveMedians(db, year, districts)]);
          const a = norm(
            (await monthCells(db, year, districts)).filter(
              (c) => c.trades || c.receivedKg || c.manifestsLate || c.manifestsOnTime,
            ),
          );
          const b = norm(cells.filter((c) => c.trades || c.receivedKg || c.manifestsLate || c.manifestsOnTime));
          const ma = (await monthlyMedians(db, year, districts)).map(
            (m) => `${m.materialCode}${m.month}${m.trades}:${medianOf(m.middle)}`,
          );
          const mb = meds.map((m) => `${m.materialCode}${m.month}${m.trades}:${m.median}`);
          return JSON.stringify(a) === JSON.stringify(b) && JSON.stringify(ma) === JSON.stringify(mb);
        },
      };
    };
    const cases: Case[] = [
      flowCase('flows, city, this year to date, by district', cityActor, { groupBy: 'district' }),
      flowCase(`flows, city, 2019-01-01 … ${today}, by material`, cityActor, {
        from: '2019-01-01',
        to: today,
        groupBy: 'material',
      }),
      flowCase('flows, city, 2021-03-15 … 2025-08-20, by category', cityActor, {
        from: '2021-03-15',
        to: '2025-08-20',
        groupBy: 'category',
      }),
      flowCase(`flows, Keqiao, 2019-01-01 … ${today}, hazardous, by district`, keqiaoActor, {
        from: '2019-01-01',
        to: today,
        groupBy: 'district',
        stream: 'hazardous',
      }),
      indicatorCase(`indicators, city, ${busiest}`, cityActor, busiest),
      indicatorCase(`indicators, Keqiao, ${busiest}`, keqiaoActor, busiest),
    ];

    console.log(`warming up (load average ${loadavg()})`);
    for (const c of cases) {
      await c.ours();
      await c.peer();
    }
    const rows: string[][] = [];
    for (const c of cases) {
      const ours: number[] = [];
      const peer: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        ours.push(await time(c.ours));
        peer.push(await time(c.peer));
      }
      const same = await c.same();
      const o = median(ours);
      const p = median(peer);
      rows.push([
        c.name,
        ms(o),
        `${(o / BUDGET_MS).toFixed(2)}`,
        o <= BUDGET_MS ? 'yes' : 'NO',
        ms(p),
        `${(p / o).toFixed(0)}×`,
        same ? 'yes' : 'NO',
      ]);
      console.log(`  ${c.name}: ours ${ours.map(ms).join(' / ')} ms; peer ${peer.map(ms).join(' / ')} ms; same answer: ${same}`);
    }
    console.log(`\nload average at the end: ${loadavg()}\n`);
    console.log('| query | ours, median ms | ÷ 200 ms budget | within | naive peer, median ms | peer ÷ ours | same answer |');
    console.log('|---|---|---|---|---|---|---|');
    for (const r of rows) console.log(`| ${r.join(' | ')} |`);
  } finally {
    await database?.close().catch(() => {});
    if (KEEP) console.log(`kept ${url}`);
    else
      await adminQuery(BASE_URL, `drop database if exists ${SCRATCH} with (force)`).catch((e) =>
        console.error(`could not drop ${SCRATCH}: ${(e as Error).message}`),
      );
  }
}

for (const sig of ['SIGINT', 'SIGTERM'] as const)
  process.once(sig, () => {
    if (!KEEP) void adminQuery(BASE_URL, `drop database if exists ${SCRATCH} with (force)`).finally(() => process.exit(130));
  });

await main();
