import { sql, type SQL } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../../db/client.js';
import { advisoryXactLock, one, rows } from '../../db/tx.js';
import { priceBands } from '../../db/schema.js';
import type { UsualDirection } from '../../../../shared/src/pricecheck.js';
import type { StoredBand, TradeBandRow } from './bands.js';

export type StoredBandRow = typeof priceBands.$inferSelect;

export async function pinBand(
  dbx: DbOrTx,
  b: { materialCode: string; lowFen: number; medianFen: number; highFen: number; pinnedBy: string; note: string | null },
): Promise<StoredBandRow> {
  const values = {
    lowFen: b.lowFen,
    medianFen: b.medianFen,
    highFen: b.highFen,
    source: 'pinned' as const,
    pinnedBy: b.pinnedBy,
    pinnedAt: sql`now()`,
    note: b.note,
  };
  const [row] = await dbx
    .insert(priceBands)
    .values({ materialCode: b.materialCode, ...values })
    .onConflictDoUpdate({ target: priceBands.materialCode, set: values })
    .returning();
  return row!;
}

/**
 * Lifts a pin: the stored row goes back to the seed when the material has one, else it is removed,
 * so the band from trades (kept up to date in trade_bands while the pin stood) or the seed is in force again.
 */
export async function unpinBand(
  dbx: DbOrTx,
  code: string,
  seed: { lowFen: number; medianFen: number; highFen: number; source: string } | null,
): Promise<void> {
  if (!seed) {
    await dbx.execute(sql`delete from price_bands where material_code = ${code} and source = 'pinned'`);
    return;
  }
  await dbx.execute(
    sql`update price_bands set low_fen = ${seed.lowFen}, median_fen = ${seed.medianFen}, high_fen = ${seed.highFen},
               source = 'seed', note = ${seed.source}, pinned_by = null, pinned_at = null
         where material_code = ${code} and source = 'pinned'`,
  );
}

/**
 * The stored rows a price check needs, in ONE statement of primary-key lookups: the seeded or
 * pinned band and the precomputed band from trades. No trade is read (DESIGN §6.3).
 */
export async function bandRows(dbx: DbOrTx, code: string): Promise<{ stored: StoredBand | null; trade: TradeBandRow | null }> {
  return (await bandRowsOf(dbx, sql`select ${code}::text as code`)) ?? { stored: null, trade: null };
}

/**
 * The same rows for a listing's material, found from the listing id: the bid hot path reads them
 * alongside the listing itself, in one round trip of latency instead of two (issue 15). Null when
 * there is no such listing; `code` is the material the rows are for.
 */
export async function bandRowsOfListing(
  dbx: DbOrTx,
  listingId: string,
): Promise<{ code: string; stored: StoredBand | null; trade: TradeBandRow | null } | null> {
  return bandRowsOf(dbx, sql`select material_code as code from listings where id = ${listingId}`);
}

async function bandRowsOf(
  dbx: DbOrTx,
  key: SQL,
): Promise<{ code: string; stored: StoredBand | null; trade: TradeBandRow | null } | null> {
  const r = await one<{
    code: string;
    s_low: Num;
    s_median: Num;
    s_high: Num;
    s_source: 'seed' | 'pinned' | null;
    s_note: string | null;
    s_pinned_at: Date | string | null;
    t_code: string | null;
    t_low: Num;
    t_median: Num;
    t_high: Num;
    observations: Num;
    trades: Num;
    generators: Num;
    receivers: Num;
    window_days: Num;
  }>(
    dbx,
    sql`select k.code, pb.low_fen as s_low, pb.median_fen as s_median, pb.high_fen as s_high, pb.source as s_source, pb.note as s_note, pb.pinned_at as s_pinned_at,
               tb.material_code as t_code, tb.low_fen as t_low, tb.median_fen as t_median, tb.high_fen as t_high,
               tb.observations, tb.trades, tb.generators, tb.receivers, tb.window_days
          from (${key}) k
          left join price_bands pb on pb.material_code = k.code
          left join trade_bands tb on tb.material_code = k.code`,
  );
  if (!r) return null;
  const stored: StoredBand | null = r.s_source
    ? {
        lowFen: Number(r.s_low),
        medianFen: Number(r.s_median),
        highFen: Number(r.s_high),
        source: r.s_source,
        note: r.s_note,
        pinnedAt: r.s_pinned_at === null ? null : new Date(r.s_pinned_at),
      }
    : null;
  const trade: TradeBandRow | null = r.t_code
    ? {
        lowFen: num(r.t_low),
        medianFen: num(r.t_median),
        highFen: num(r.t_high),
        observations: Number(r.observations),
        trades: Number(r.trades),
        generators: Number(r.generators),
        receivers: Number(r.receivers),
        windowDays: Number(r.window_days),
      }
    : null;
  return { code: r.code, stored, trade };
}

type Num = number | string | null;
const num = (v: Num | undefined) => (v === null || v === undefined ? null : Number(v));

/**
 * Recomputes a material's band from trades and stores it (the `prices.refreshBand` job). Each
 * (generator, receiver, Shanghai week) of settled trades in the window is one observation, at that
 * pair's quantity-weighted mean price that week; p10/p50/p90 over the observations are stored only
 * when the window has at least `minGenerators` generators and `minReceivers` receivers. One refresh
 * per material at a time (transaction-scoped advisory lock), so a refresh that read fewer trades
 * never overwrites a later one.
 */
export async function refreshTradeBand(
  tx: Tx,
  code: string,
  o: { now: Date; windowDays: number; minGenerators: number; minReceivers: number },
): Promise<TradeBandRow> {
  await advisoryXactLock(tx, 'trade_band', code);
  const r = await one<{ trades: Num; generators: Num; receivers: Num; observations: Num; p10: Num; p50: Num; p90: Num }>(
    tx,
    sql`with w as (
          select generator_org_id as g, receiver_org_id as r, price_per_tonne_fen as p, quantity_kg as kg,
                 date_trunc('week', settled_at at time zone 'Asia/Shanghai') as wk
            from trades
           where material_code = ${code} and status = 'settled'
             and settled_at >= ${o.now.toISOString()}::timestamptz - make_interval(days => ${o.windowDays})
             and not exists (select 1 from intakes i where i.trade_id = trades.id)
             and not exists (select 1 from fallback_requests f where f.trade_id = trades.id)
        ), obs as (
          select sum(p::numeric * kg) / sum(kg) as price from w group by g, r, wk
        )
        select (select count(*) from w) as trades,
               (select count(distinct g) from w) as generators,
               (select count(distinct r) from w) as receivers,
               count(*) as observations,
               percentile_cont(0.1) within group (order by price) as p10,
               percentile_cont(0.5) within group (order by price) as p50,
               percentile_cont(0.9) within group (order by price) as p90
          from obs`,
  );
  const generators = Number(r?.generators ?? 0);
  const receivers = Number(r?.receivers ?? 0);
  const enough = generators >= o.minGenerators && receivers >= o.minReceivers && r?.p50 !== null && r?.p50 !== undefined;
  const round = (v: Num | undefined) => (enough && v !== null && v !== undefined ? Math.round(Number(v)) : null);
  const row: TradeBandRow = {
    lowFen: round(r?.p10),
    medianFen: round(r?.p50),
    highFen: round(r?.p90),
    observations: Number(r?.observations ?? 0),
    trades: Number(r?.trades ?? 0),
    generators,
    receivers,
    windowDays: o.windowDays,
  };
  await tx.execute(
    sql`insert into trade_bands (material_code, low_fen, median_fen, high_fen, observations, trades, generators, receivers, window_days, computed_at)
        values (${code}, ${row.lowFen}, ${row.medianFen}, ${row.highFen}, ${row.observations}, ${row.trades}, ${row.generators}, ${row.receivers}, ${row.windowDays}, ${o.now.toISOString()}::timestamptz)
        on conflict (material_code) do update set
          low_fen = excluded.low_fen, median_fen = excluded.median_fen, high_fen = excluded.high_fen,
          observations = excluded.observations, trades = excluded.trades, generators = excluded.generators,
          receivers = excluded.receivers, window_days = excluded.window_days, computed_at = excluded.computed_at`,
  );
  return row;
}

/** Materials whose band from trades was computed before `before`: trades may have left its window since. */
export async function staleBandCodes(dbx: DbOrTx, before: Date): Promise<string[]> {
  const r = await rows<{ code: string }>(
    dbx,
    sql`select material_code as code from trade_bands where computed_at < ${before.toISOString()}::timestamptz order by 1`,
  );
  return r.map((x) => x.code);
}

/** Settled trades of a material grouped by (generator, receiver, Shanghai week, Shanghai month), for the price index. */
export interface IndexCell {
  generator: string;
  receiver: string;
  /** Monday of the week, YYYY-MM-DD (Asia/Shanghai). */
  week: string;
  /** First day of the month, YYYY-MM-DD (Asia/Shanghai). */
  month: string;
  trades: number;
  kg: bigint;
  /** Σ price × kg (fen·kg/t), exact. */
  priceKg: bigint;
}

/** The index cells of trades settled in [from, to). */
export async function indexCells(dbx: DbOrTx, code: string, from: Date, to: Date): Promise<IndexCell[]> {
  const result = await rows<{ g: string; r: string; week: string; month: string; trades: Num; kg: Num; price_kg: Num }>(
    dbx,
    sql`select generator_org_id as g, receiver_org_id as r,
               to_char(date_trunc('week', settled_at at time zone 'Asia/Shanghai'), 'YYYY-MM-DD') as week,
               to_char(date_trunc('month', settled_at at time zone 'Asia/Shanghai'), 'YYYY-MM-DD') as month,
               count(*) as trades, sum(quantity_kg)::text as kg, sum(price_per_tonne_fen::numeric * quantity_kg)::text as price_kg
          from trades
         where material_code = ${code} and status = 'settled'
           and settled_at >= ${from.toISOString()}::timestamptz and settled_at < ${to.toISOString()}::timestamptz
           -- Collection fees and fallback tariffs are not market prices (issue 18, ADR 0028).
           and not exists (select 1 from intakes i where i.trade_id = trades.id)
           and not exists (select 1 from fallback_requests f where f.trade_id = trades.id)
         group by 1, 2, 3, 4`,
  );
  return result.map((r) => ({
    generator: r.g,
    receiver: r.r,
    week: r.week,
    month: r.month,
    trades: Number(r.trades),
    kg: BigInt(String(r.kg)),
    priceKg: BigInt(String(r.price_kg).replace(/\.0*$/, '')),
  }));
}

/** The material's usual direction (catalogue); null for an unknown code. */
export async function usualDirection(dbx: DbOrTx, code: string): Promise<UsualDirection | null> {
  const r = await one<{ usual_direction: UsualDirection }>(dbx, sql`select usual_direction from materials where code = ${code}`);
  return r?.usual_direction ?? null;
}

export async function materialExists(dbx: DbOrTx, code: string): Promise<boolean> {
  return !!(await one(dbx, sql`select 1 as x from materials where code = ${code}`));
}

export async function audit(
  dbx: DbOrTx,
  a: {
    actorUserId: string;
    actorOrgId: string | null;
    action: string;
    subjectType: string;
    subjectId: string;
    details: Record<string, unknown>;
  },
): Promise<void> {
  await dbx.execute(
    sql`insert into audit_log(actor_user_id, actor_org_id, action, subject_type, subject_id, details)
        values (${a.actorUserId}, ${a.actorOrgId}, ${a.action}, ${a.subjectType}, ${a.subjectId}, ${JSON.stringify(a.details)}::jsonb)`,
  );
}
