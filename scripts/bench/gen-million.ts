/**
 * A million trades with their manifests, for the regulator benchmark (scripts/bench/regulator.ts):
 * generated inside PostgreSQL with generate_series from a fixed seed (setseed), bulk-inserted with
 * triggers off, then the regulator rollup rebuilt set-based (regulator_rollup_rebuild()), as a bulk
 * load into a live system would do.
 *
 *   node --import tsx scripts/bench/gen-million.ts --db postgres://postgres@127.0.0.1:5432/zwx_bench [--trades 1000000]
 *
 * The shape: 700 generators and 140 licensed receivers over Shaoxing's seven districts; trades from
 * 2019-01-01 to the day before the run, growing year on year (2025 holds ~18 %); the catalogue's
 * tradeable materials, a few of them common (a skewed pick); prices around each material's seeded
 * band (else ±400 yuan/t around a sign by hazard), in whole 10 yuan/t; 3 % of trades cancelled;
 * 70 % from a listing posted 0–30 days before; 1–2 trips per live trade (~1.35 per trade),
 * old ones mostly closed with a reported method (R codes, D10, D1 landfill), some late or rejected,
 * recent ones at every step.
 */
import pg from 'pg';
import { openPostgres } from '../../server/src/db/client.js';
import { migrate } from '../../server/src/db/migrate.js';
import { createCatalogService } from '../../server/src/modules/catalog/service.js';

export interface GenerateOptions {
  trades: number;
  /** setseed() argument in [-1, 1]. */
  seed: number;
  log?: (msg: string) => void;
}

export interface Generated {
  trades: number;
  manifests: number;
  listings: number;
  rollupRows: number;
  seconds: { migrate: number; load: number; rollup: number; analyze: number };
}

const DISTRICTS = ['330602', '330603', '330604', '330624', '330681', '330683', '3306BH'];

/** Migrates the (empty) database at `url`, loads the catalogue and generates the data set. */
export async function generate(url: string, o: GenerateOptions): Promise<Generated> {
  const log = o.log ?? (() => {});
  const t0 = Date.now();
  const database = await openPostgres(url, 2);
  await migrate(database);
  await createCatalogService({ db: database.db }).load();
  await database.close();
  const tMigrate = (Date.now() - t0) / 1000;

  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const q = (text: string) => client.query(text);
  try {
    const t1 = Date.now();
    // One session, serial plans: setseed makes every random() below repeatable.
    await q(
      `set session_replication_role = replica; set max_parallel_workers_per_gather = 0; set work_mem = '256MB'; set maintenance_work_mem = '512MB'`,
    );
    await q(`select setseed(${o.seed})`);
    const districts = `array[${DISTRICTS.map((d) => `'${d}'`).join(',')}]`;

    log('orgs and licences');
    await q(`insert into orgs (id, name, uscc, district, roles, created_at)
      select gen_random_uuid(), 'bench generator ' || lpad(i::text, 4, '0'), 'BENCHG' || lpad(i::text, 12, '0'), (${districts})[1 + i % 7], array['generator'], '2018-06-01'
      from generate_series(0, 699) i`);
    await q(`insert into orgs (id, name, uscc, district, roles, created_at)
      select gen_random_uuid(), 'bench receiver ' || lpad(i::text, 4, '0'), 'BENCHR' || lpad(i::text, 12, '0'), (${districts})[1 + i % 7], array['recycler'], '2018-06-01'
      from generate_series(0, 139) i`);
    await q(`insert into licences (id, org_id, number, kind, waste_codes, annual_capacity_kg, valid_from, valid_to, status, decided_at)
      select gen_random_uuid(), id, 'ZJ-BENCH-' || name, 'disposal', array['HW08', 'HW17', 'HW18', 'HW49'],
        (5000 + floor(random() * 95000)::int)::bigint * 1000, '2018-01-01', '2099-12-31', 'approved', '2018-06-01'
      from orgs where name like 'bench receiver %'`);

    log('random draws');
    await q(`create temp table bench_materials as
      select row_number() over (order by m.code) as idx, m.code, m.category, coalesce(m.hazardous, false) as hazardous,
        coalesce(b.median_fen, case when coalesce(m.hazardous, false) then -150000 else 60000 end) as median,
        greatest(coalesce(b.high_fen - b.low_fen, 80000), 10000) as width
      from materials m left join price_bands b on b.material_code = m.code
      where m.tradeable and m.code <> 'WS-CLASSIFIED'`);
    await q(`create temp table bench_draws as
      select i,
        timestamptz '2019-01-01 00:00+08' + (power(random(), 0.62) * extract(epoch from (date_trunc('day', now()) - timestamptz '2019-01-01 00:00+08'))) * interval '1 second' as created_at,
        random() as r_material, random() as r_gen, random() as r_rcv, random() as r_origin, random() as r_qty, random() as r_price,
        random() as r_status, random() as r_listing, random() as r_listed_days, random() as r_trips,
        gen_random_uuid() as trade_id, gen_random_uuid() as listing_id
      from generate_series(1, ${o.trades}) i`);
    // Lookup tables by position: a random draw picks a row by index (joins carry no arrays).
    await q(
      `create temp table bench_gens as select row_number() over (order by name) - 1 as idx, id from orgs where name like 'bench generator %'`,
    );
    await q(
      `create temp table bench_rcvs as select row_number() over (order by name) - 1 as idx, id, district from orgs where name like 'bench receiver %'`,
    );
    await q(`create temp table bench_districts as select i - 1 as idx, d from unnest(${districts}) with ordinality as x(d, i)`);
    const nMaterials = Number((await q(`select count(*) as n from bench_materials`)).rows[0].n);
    await q(`create temp table bench_rows as
      select d.*, bm.code, bm.category, bm.hazardous, g.id as generator_id, r.id as receiver_id, r.district as destination,
        -- Origin: the receiver's own district half the time (local disposal), else any district.
        case when d.r_origin < 0.5 then r.district else od.d end as origin,
        1000 + floor(power(d.r_qty, 2) * 39000)::bigint as quantity_kg,
        round((bm.median + (d.r_price - 0.5) * bm.width) / 1000) * 1000 as price,
        case when d.r_status < 0.03 then 'cancelled'
          when d.created_at < now() - interval '60 days' then 'settled'
          else (array['funded', 'in_transit', 'delivered', 'settled'])[1 + floor(d.r_status * 4)::int] end as status,
        d.r_listing < 0.7 as listed
      from bench_draws d
      join bench_materials bm on bm.idx = 1 + floor(power(d.r_material, 1.8) * ${nMaterials})::int
      join bench_gens g on g.idx = floor(d.r_gen * 700)::int
      join bench_rcvs r on r.idx = floor(d.r_rcv * 140)::int
      join bench_districts od on od.idx = floor(greatest(d.r_origin - 0.5, 0) * 14)::int`);

    log('listings');
    await q(`insert into listings (id, org_id, side, material_code, waste_code, category, hazardous, quantity_kg, remaining_kg, min_lot_kg,
        price_per_tonne_fen, price_check, mode, pickup_from, pickup_to, district, status, created_at, updated_at)
      select listing_id, generator_id, 'supply', code, code, category, hazardous, quantity_kg, 0, 1, price, '{"status":"ok"}'::jsonb, 'fixed',
        created_at, created_at + interval '10 days', origin, 'matched',
        created_at - power(r_listed_days, 2) * interval '30 days', created_at
      from bench_rows where listed`);

    log('trades');
    await q(`insert into trades (id, listing_id, generator_org_id, receiver_org_id, payer_org_id, payee_org_id, material_code, waste_code,
        category, hazardous, quantity_kg, price_per_tonne_fen, amount_fen, platform_fee_fen, eco_compensation_fen, status, accepted_kg,
        origin_district, destination_district, created_at, updated_at, settled_at)
      select trade_id, case when listed then listing_id end, generator_id, receiver_id,
        case when price > 0 then receiver_id when price < 0 then generator_id end,
        case when price > 0 then generator_id when price < 0 then receiver_id end,
        code, code, category, hazardous, quantity_kg, price, round(abs(price) * quantity_kg / 1000.0), 0, 0, status, 0,
        origin, destination, created_at, created_at, case when status = 'settled' then created_at + interval '20 days' end
      from bench_rows order by created_at`);

    log('manifests');
    // Each live trade: one trip, or two (35 %) splitting the quantity.
    await q(`create temp table bench_trips as
      select b.trade_id, b.created_at, b.hazardous, b.generator_id, b.receiver_id, b.code, b.category, b.origin, b.destination,
        k.n as trip, case when b.r_trips < 0.35 then 2 else 1 end as trips,
        case when b.r_trips < 0.35 then (b.quantity_kg / 2) else b.quantity_kg end as declared_kg,
        random() as r_step, random() as r_late, random() as r_gap, random() as r_method, random() as r_days
      from bench_rows b cross join lateral generate_series(1, case when b.r_trips < 0.35 then 2 else 1 end) k(n)
      where b.status <> 'cancelled'`);
    await q(`create temp table bench_trip_rows as
      select t.*,
        case
          when t.created_at < now() - interval '60 days' then
            case when t.r_step < 0.03 then 'rejected' when t.r_step < 0.06 then 'received' else 'closed' end
          else (array['issued', 'loaded', 'in_transit', 'arrived', 'received', 'closed'])[1 + floor(t.r_step * 6)::int]
        end as status,
        t.created_at + (1 + t.r_days * 4) * interval '1 day' as loaded_at
      from bench_trips t`);
    await q(`insert into manifests (id, number, trade_id, kind, status, shipper_org_id, carrier_org_id, receiver_org_id, parties, vehicle_plate,
        driver_name, material_code, waste_code, category, lines, emergency_measures, origin_district, destination_district, declared_kg,
        loaded_kg, received_kg, accepted_kg, decision, disposal_method, disposal_date, issued_at, loaded_at, departed_at, arrived_at,
        received_at, closed_at, receipt_due_at, disposal_due_at, receipt_alerted_at, disposal_alerted_at, event_count, last_hash,
        created_at, updated_at)
      select gen_random_uuid(),
        to_char(x.created_at at time zone 'Asia/Shanghai', 'YYYY') || '3306'
          || lpad((row_number() over (partition by to_char(x.created_at at time zone 'Asia/Shanghai', 'YYYY') order by x.created_at, x.trade_id, x.trip))::text, 6, '0'),
        x.trade_id, case when x.hazardous then 'hazardous' else 'general' end, x.status, x.generator_id, x.receiver_id, x.receiver_id,
        '{}'::jsonb, '浙D12345', '王师傅', x.code, x.code, x.category, '[]'::jsonb, '—', x.origin, x.destination, x.declared_kg,
        case when x.status <> 'issued' then x.declared_kg end,
        case when x.status in ('received', 'rejected', 'closed') then x.declared_kg - floor(x.r_gap * x.declared_kg * 0.03)::bigint end,
        case when x.status in ('received', 'closed') then x.declared_kg - floor(x.r_gap * x.declared_kg * 0.03)::bigint
             when x.status = 'rejected' then 0 end,
        case when x.status = 'rejected' then 'reject' when x.status in ('received', 'closed') then 'accept' end,
        case when x.status = 'closed' then
          case when x.hazardous then (case when x.r_method < 0.35 then 'R4 再生利用' when x.r_method < 0.85 then 'D10 焚烧' else 'D1 安全填埋' end)
               else (case when x.r_method < 0.7 then 'R5 综合利用' when x.r_method < 0.9 then 'D10 焚烧' else 'D1 填埋' end) end end,
        case when x.status = 'closed' then (x.loaded_at + interval '10 days')::date end,
        x.created_at, case when x.status <> 'issued' then x.loaded_at end,
        case when x.status not in ('issued', 'loaded') then x.loaded_at + interval '2 hours' end,
        case when x.status in ('arrived', 'received', 'rejected', 'closed') then x.loaded_at + interval '6 hours' end,
        case when x.status in ('received', 'rejected', 'closed') then x.loaded_at + (0.3 + x.r_late * 9) * interval '1 day' end,
        case when x.status = 'closed' then x.loaded_at + (2 + x.r_late * 40) * interval '1 day' end,
        case when x.status not in ('issued', 'loaded', 'in_transit') then x.loaded_at + interval '7 days 6 hours' end,
        case when x.status in ('received', 'closed') then x.loaded_at + (0.3 + x.r_late * 9) * interval '1 day' + interval '30 days' end,
        case when x.status = 'arrived' and x.loaded_at + interval '7 days 6 hours' < now() then now() end,
        case when x.status = 'received' and x.loaded_at + (0.3 + x.r_late * 9) * interval '1 day' + interval '30 days' < now() then now() end,
        0, repeat('0', 64), x.created_at, x.created_at
      from bench_trip_rows x`);
    const tLoad = (Date.now() - t1) / 1000;

    log('rollup rebuild');
    const t2 = Date.now();
    await q(`set session_replication_role = origin`);
    await q(`select regulator_rollup_rebuild()`);
    const tRollup = (Date.now() - t2) / 1000;

    log('vacuum analyze');
    const t3 = Date.now();
    await q(
      `drop table bench_draws, bench_rows, bench_trips, bench_trip_rows, bench_materials, bench_gens, bench_rcvs, bench_districts`,
    );
    // Vacuum sets the visibility map, so the median index is read index-only as in a settled database.
    for (const table of [
      'orgs',
      'licences',
      'listings',
      'trades',
      'manifests',
      'regulator_flow_rollup',
      'regulator_receiver_year',
    ])
      await q(`vacuum analyze ${table}`);
    const tAnalyze = (Date.now() - t3) / 1000;

    const count = async (sql: string) => Number((await q(sql)).rows[0].n);
    return {
      trades: await count(`select count(*) as n from trades`),
      manifests: await count(`select count(*) as n from manifests`),
      listings: await count(`select count(*) as n from listings`),
      rollupRows: await count(`select count(*) as n from regulator_flow_rollup`),
      seconds: { migrate: tMigrate, load: tLoad, rollup: tRollup, analyze: tAnalyze },
    };
  } finally {
    await client.end();
  }
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

// Run directly: generate into an existing, empty database.
if (import.meta.url === `file://${process.argv[1]}`) {
  const url = arg('db');
  if (!url) {
    console.error(
      'usage: node --import tsx scripts/bench/gen-million.ts --db <postgres url of an empty database> [--trades N] [--seed S]',
    );
    process.exit(2);
  }
  const r = await generate(url, {
    trades: Number(arg('trades') ?? 1_000_000),
    seed: Number(arg('seed') ?? 0.2026),
    log: (m) => console.log(`  ${m}…`),
  });
  console.log(r);
}
