/**
 * The same figures computed straight from the base tables (trades, listings, manifests), with no
 * rollup: the oracle the integration tests compare the rollup with, and the peer the million-trade
 * benchmark times the rollup against (scripts/bench/regulator.ts). Not used to answer requests.
 */
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../server/src/db/client.js';
import { rows } from '../../server/src/db/tx.js';
import { startOfShanghaiDay } from '../../shared/src/calendar.js';
import type { TFlowGrouping } from '../../shared/src/schemas/regulator.js';
import {
  rangeInstants,
  scopeSql,
  TRADE_STREAM_SQL,
  type EdgeRow,
  type MedianCell,
  type MonthCell,
} from '../../server/src/modules/regulator/repo.js';

const n = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

/** Per-trade manifest figures, written out from the definitions in docs/indicators.md. */
const MANIFEST_SUMS = sql.raw(`(
  select trade_id,
    sum(case when status in ('received', 'closed') then coalesce(accepted_kg, 0) else 0 end) as received_kg,
    sum(case when status in ('received', 'rejected', 'closed') then coalesce(loaded_kg, 0) else 0 end) as decided_loaded_kg,
    sum(case when status = 'closed' then coalesce(accepted_kg, 0) else 0 end) as reported_kg,
    sum(case when status = 'closed' and zwx_method_class(disposal_method) = 'utilisation' then coalesce(accepted_kg, 0) else 0 end) as utilised_kg,
    sum(case when status = 'closed' and zwx_method_class(disposal_method) = 'landfill' then coalesce(accepted_kg, 0) else 0 end) as landfilled_kg,
    sum(case when not late and status in ('closed', 'rejected') then 1 else 0 end) as on_time,
    sum(case when late then 1 else 0 end) as late
  from (
    select trade_id, status, accepted_kg, loaded_kg, disposal_method,
      coalesce(received_at > receipt_due_at or closed_at > disposal_due_at
        or receipt_alerted_at is not null or disposal_alerted_at is not null, false) as late
    from manifests
  ) x
  group by trade_id
)`);

const GROUP: Record<TFlowGrouping, string> = { district: 'null::text', category: 't.category', material: 't.material_code' };

export async function naiveFlowEdges(
  dbx: DbOrTx,
  f: { from: string; to: string; districts: readonly string[] | null; stream?: string; groupBy: TFlowGrouping },
): Promise<EdgeRow[]> {
  const { start, end } = rangeInstants(f.from, f.to);
  const found = await rows<Record<string, unknown>>(
    dbx,
    sql`select t.origin_district as o, t.destination_district as d, ${sql.raw(GROUP[f.groupBy])} as k,
          sum(t.quantity_kg) filter (where t.status <> 'cancelled') as contracted,
          coalesce(sum(m.received_kg), 0) as received,
          count(*) filter (where t.status <> 'cancelled') as trades
        from trades t
        left join ${MANIFEST_SUMS} m on m.trade_id = t.id
        left join materials mat on mat.code = t.material_code
        where t.created_at >= ${start}::timestamptz and t.created_at < ${end}::timestamptz
          and (t.status <> 'cancelled' or m.trade_id is not null)
          and ${scopeSql(f.districts, sql.raw('t.origin_district'), sql.raw('t.destination_district'))}
          ${f.stream ? sql`and ${TRADE_STREAM_SQL} = ${f.stream}` : sql``}
        group by 1, 2, 3
        order by 4 desc nulls last, 1, 2, 3`,
  );
  return found.map((r) => ({
    fromDistrict: String(r.o),
    toDistrict: String(r.d),
    key: r.k === null ? null : String(r.k),
    contractedKg: n(r.contracted),
    receivedKg: n(r.received),
    trades: n(r.trades),
  }));
}

export async function naiveMonthCells(dbx: DbOrTx, year: number, districts: readonly string[] | null): Promise<MonthCell[]> {
  const start = startOfShanghaiDay(`${year}-01-01`).toISOString();
  const end = startOfShanghaiDay(`${year + 1}-01-01`).toISOString();
  const found = await rows<Record<string, unknown>>(
    dbx,
    sql`select to_char(zwx_sh_month(t.created_at), 'YYYY-MM') as month, ${TRADE_STREAM_SQL} as stream,
          t.origin_district <> t.destination_district as cross_district,
          count(*) filter (where t.status <> 'cancelled') as trades,
          coalesce(sum(t.quantity_kg) filter (where t.status <> 'cancelled'), 0) as contracted_kg,
          count(l.id) filter (where t.status <> 'cancelled') as listed_trades,
          coalesce(sum(round(extract(epoch from (t.created_at - l.created_at)) * 1000)) filter (where t.status <> 'cancelled'), 0) as listing_to_trade_ms,
          coalesce(sum(m.received_kg), 0) as received_kg, coalesce(sum(m.decided_loaded_kg), 0) as decided_loaded_kg,
          coalesce(sum(m.reported_kg), 0) as reported_kg, coalesce(sum(m.utilised_kg), 0) as utilised_kg,
          coalesce(sum(m.landfilled_kg), 0) as landfilled_kg, coalesce(sum(m.on_time), 0) as manifests_on_time,
          coalesce(sum(m.late), 0) as manifests_late
        from trades t
        left join listings l on l.id = t.listing_id
        left join ${MANIFEST_SUMS} m on m.trade_id = t.id
        left join materials mat on mat.code = t.material_code
        where t.created_at >= ${start}::timestamptz and t.created_at < ${end}::timestamptz
          and (t.status <> 'cancelled' or m.trade_id is not null)
          and ${scopeSql(districts, sql.raw('t.origin_district'), sql.raw('t.destination_district'))}
        group by 1, 2, 3`,
  );
  return found.map((r) => ({
    month: String(r.month),
    stream: String(r.stream),
    crossDistrict: r.cross_district === true,
    trades: n(r.trades),
    contractedKg: n(r.contracted_kg),
    listedTrades: n(r.listed_trades),
    listingToTradeMs: n(r.listing_to_trade_ms),
    receivedKg: n(r.received_kg),
    decidedLoadedKg: n(r.decided_loaded_kg),
    reportedKg: n(r.reported_kg),
    utilisedKg: n(r.utilised_kg),
    landfilledKg: n(r.landfilled_kg),
    manifestsOnTime: n(r.manifests_on_time),
    manifestsLate: n(r.manifests_late),
  }));
}

/** Medians with percentile_cont over every trade of the year: a sort per material and month. */
export async function naiveMedians(
  dbx: DbOrTx,
  year: number,
  districts: readonly string[] | null,
): Promise<(Omit<MedianCell, 'middle'> & { median: number })[]> {
  const start = startOfShanghaiDay(`${year}-01-01`).toISOString();
  const end = startOfShanghaiDay(`${year + 1}-01-01`).toISOString();
  const found = await rows<Record<string, unknown>>(
    dbx,
    sql`select t.material_code, to_char(zwx_sh_month(t.created_at), 'YYYY-MM') as month, count(*) as n,
          percentile_cont(0.5) within group (order by t.price_per_tonne_fen) as median
        from trades t
        where t.status <> 'cancelled' and t.created_at >= ${start}::timestamptz and t.created_at < ${end}::timestamptz
          and ${scopeSql(districts, sql.raw('t.origin_district'), sql.raw('t.destination_district'))}
        group by 1, 2
        order by 1, 2`,
  );
  return found.map((r) => ({
    materialCode: String(r.material_code),
    month: String(r.month),
    trades: n(r.n),
    median: Number(r.median),
  }));
}

/** Hazardous intake per receiver in a year, straight from trades (what eligibility counts). */
export async function naiveIntake(dbx: DbOrTx, year: number): Promise<Map<string, number>> {
  const start = startOfShanghaiDay(`${year}-01-01`).toISOString();
  const end = startOfShanghaiDay(`${year + 1}-01-01`).toISOString();
  const found = await rows<Record<string, unknown>>(
    dbx,
    sql`select receiver_org_id, sum(quantity_kg) as kg from trades
        where hazardous and status <> 'cancelled' and created_at >= ${start}::timestamptz and created_at < ${end}::timestamptz
        group by 1`,
  );
  return new Map(found.map((r) => [String(r.receiver_org_id), n(r.kg)]));
}
