/**
 * The regulator's read model: queries over the rollup tables of migration 0006 (kept by triggers on
 * trades and manifests) and, for drill-down, medians and capacity, over the base tables through the
 * indexes that migration adds. Regulator monitoring is a reporting view across trades, manifests,
 * licences and orgs; it reads those tables here and never writes them.
 *
 * Every query takes the scope as `districts` (null: the whole city) and filters in SQL to trades
 * whose origin or destination is one of them.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/client.js';
import { rows } from '../../db/tx.js';
import { startOfShanghaiDay } from '../../../../shared/src/calendar.js';
import type { TFlowGrouping } from '../../../../shared/src/schemas/regulator.js';
import { addDays, type GrainRange } from './flows.js';

const n = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

/**
 * Runs regulator reads in a read-only transaction tuned for them: no JIT (these plans are costed
 * high but run in milliseconds; compiling them took ~250 ms on a million trades) and enough work_mem
 * to aggregate tens of thousands of rollup rows in memory. SET LOCAL ends with the transaction.
 */
export function reading<T>(db: Db, fn: (tx: DbOrTx) => Promise<T>): Promise<T> {
  return db.transaction(
    async (tx) => {
      await tx.execute(sql`set local jit = off`);
      await tx.execute(sql`set local work_mem = '64MB'`);
      return fn(tx);
    },
    { accessMode: 'read only' },
  );
}

function inList(column: SQL, values: readonly string[]): SQL {
  return sql`${column} in (${sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  )})`;
}

/** Trades (or rollup rows) whose origin or destination is in scope; null scope: everything. */
export function scopeSql(
  districts: readonly string[] | null,
  origin: SQL = sql.raw('origin_district'),
  dest: SQL = sql.raw('destination_district'),
): SQL {
  if (districts === null) return sql`true`;
  if (districts.length === 0) return sql`false`;
  return sql`(${inList(origin, districts)} or ${inList(dest, districts)})`;
}

function rangeSql(parts: readonly GrainRange[]): SQL {
  if (parts.length === 0) return sql`false`;
  return sql`(${sql.join(
    parts.map((p) => sql`(grain = ${p.grain} and period >= ${p.start}::date and period < ${p.end}::date)`),
    sql` or `,
  )})`;
}

/** The stream a trade counts under, as zwx_trade_stream() computes it (over a join with materials `mat`). */
export const TRADE_STREAM_SQL = sql.raw(
  `(case when t.hazardous then 'hazardous' else coalesce(nullif(mat.stream, 'hazardous'), 'general_industrial') end)`,
);

export interface EdgeRow {
  fromDistrict: string;
  toDistrict: string;
  key: string | null;
  contractedKg: number;
  receivedKg: number;
  trades: number;
}

const GROUP_COLUMN: Record<TFlowGrouping, SQL | null> = {
  district: null,
  category: sql.raw('category'),
  material: sql.raw('material_code'),
};

/** Flow edges from the rollup over the periods of `parts`. */
export async function flowEdges(
  dbx: DbOrTx,
  f: { parts: readonly GrainRange[]; districts: readonly string[] | null; stream?: string; groupBy: TFlowGrouping },
): Promise<EdgeRow[]> {
  const key = GROUP_COLUMN[f.groupBy];
  const found = await rows<Record<string, unknown>>(
    dbx,
    sql`select origin_district as o, destination_district as d, ${key ?? sql`null::text`} as k,
          sum(contracted_kg) as contracted, sum(received_kg) as received, sum(trades) as trades
        from regulator_flow_rollup
        where ${rangeSql(f.parts)} and ${scopeSql(f.districts)} ${f.stream ? sql`and stream = ${f.stream}` : sql``}
        group by 1, 2, 3
        having sum(trades) <> 0 or sum(received_kg) <> 0
        order by sum(contracted_kg) desc, 1, 2, 3`,
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

/** The instants a range of Shanghai days [from, to] covers: [start of from, start of the day after to). */
export function rangeInstants(from: string, to: string): { start: string; end: string } {
  return { start: startOfShanghaiDay(from).toISOString(), end: startOfShanghaiDay(addDays(to, 1)).toISOString() };
}

export interface EdgeTradeRow {
  id: string;
  seq: number;
  createdAt: Date;
  status: string;
  materialCode: string;
  category: string;
  hazardous: boolean;
  quantityKg: number;
  pricePerTonneFen: number;
  originDistrict: string;
  destinationDistrict: string;
  generatorId: string;
  generatorName: string;
  receiverId: string;
  receiverName: string;
}

/** One edge's trades, newest first, a page after (createdAt, seq). */
export async function edgeTrades(
  dbx: DbOrTx,
  f: {
    from: string;
    to: string;
    fromDistrict: string;
    toDistrict: string;
    districts: readonly string[] | null;
    stream?: string;
    category?: string;
    material?: string;
    after?: { at: string; seq: number };
    limit: number;
  },
): Promise<EdgeTradeRow[]> {
  const { start, end } = rangeInstants(f.from, f.to);
  const found = await rows<Record<string, unknown>>(
    dbx,
    sql`select t.id, t.seq, t.created_at, t.status, t.material_code, t.category, t.hazardous, t.quantity_kg, t.price_per_tonne_fen,
          t.origin_district, t.destination_district, g.id as gen_id, g.name as gen_name, r.id as rcv_id, r.name as rcv_name
        from trades t
        join orgs g on g.id = t.generator_org_id
        join orgs r on r.id = t.receiver_org_id
        left join materials mat on mat.code = t.material_code
        where t.origin_district = ${f.fromDistrict} and t.destination_district = ${f.toDistrict}
          and t.created_at >= ${start}::timestamptz and t.created_at < ${end}::timestamptz
          and t.status <> 'cancelled'
          and ${scopeSql(f.districts, sql.raw('t.origin_district'), sql.raw('t.destination_district'))}
          ${f.stream ? sql`and ${TRADE_STREAM_SQL} = ${f.stream}` : sql``}
          ${f.category ? sql`and t.category = ${f.category}` : sql``}
          ${f.material ? sql`and t.material_code = ${f.material}` : sql``}
          ${f.after ? sql`and (t.created_at, t.seq) < (${f.after.at}::timestamptz, ${f.after.seq})` : sql``}
        order by t.created_at desc, t.seq desc
        limit ${f.limit}`,
  );
  return found.map((r) => ({
    id: String(r.id),
    seq: n(r.seq),
    createdAt: new Date(r.created_at as string),
    status: String(r.status),
    materialCode: String(r.material_code),
    category: String(r.category),
    hazardous: r.hazardous === true,
    quantityKg: n(r.quantity_kg),
    pricePerTonneFen: n(r.price_per_tonne_fen),
    originDistrict: String(r.origin_district),
    destinationDistrict: String(r.destination_district),
    generatorId: String(r.gen_id),
    generatorName: String(r.gen_name),
    receiverId: String(r.rcv_id),
    receiverName: String(r.rcv_name),
  }));
}

export interface ManifestRow {
  id: string;
  tradeId: string;
  number: string;
  status: string;
  declaredKg: number;
  loadedKg: number | null;
  receivedKg: number | null;
  acceptedKg: number | null;
  decision: string | null;
  disposalMethod: string | null;
  receiptDueAt: Date | null;
  receivedAt: Date | null;
  closedAt: Date | null;
}

const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const dateOrNull = (v: unknown): Date | null => (v === null || v === undefined ? null : new Date(v as string));

export async function manifestsOfTrades(dbx: DbOrTx, tradeIds: readonly string[]): Promise<ManifestRow[]> {
  if (tradeIds.length === 0) return [];
  const found = await rows<Record<string, unknown>>(
    dbx,
    sql`select id, trade_id, number, status, declared_kg, loaded_kg, received_kg, accepted_kg, decision, disposal_method,
          receipt_due_at, received_at, closed_at
        from manifests where ${inList(sql.raw('trade_id'), tradeIds)} order by seq`,
  );
  return found.map((r) => ({
    id: String(r.id),
    tradeId: String(r.trade_id),
    number: String(r.number),
    status: String(r.status),
    declaredKg: n(r.declared_kg),
    loadedKg: numOrNull(r.loaded_kg),
    receivedKg: numOrNull(r.received_kg),
    acceptedKg: numOrNull(r.accepted_kg),
    decision: (r.decision as string | null) ?? null,
    disposalMethod: (r.disposal_method as string | null) ?? null,
    receiptDueAt: dateOrNull(r.receipt_due_at),
    receivedAt: dateOrNull(r.received_at),
    closedAt: dateOrNull(r.closed_at),
  }));
}

// ── Indicators ──────────────────────────────────────────────────────────────────────────────────

/** Sums of the rollup's measures for one group. */
export interface Measures {
  trades: number;
  contractedKg: number;
  listedTrades: number;
  listingToTradeMs: number;
  receivedKg: number;
  decidedLoadedKg: number;
  reportedKg: number;
  utilisedKg: number;
  landfilledKg: number;
  manifestsOnTime: number;
  manifestsLate: number;
}

const MEASURES_SQL = sql.raw(`sum(trades) as trades, sum(contracted_kg) as contracted_kg, sum(listed_trades) as listed_trades,
  sum(listing_to_trade_ms) as listing_to_trade_ms, sum(received_kg) as received_kg, sum(decided_loaded_kg) as decided_loaded_kg,
  sum(reported_kg) as reported_kg, sum(utilised_kg) as utilised_kg, sum(landfilled_kg) as landfilled_kg,
  sum(manifests_on_time) as manifests_on_time, sum(manifests_late) as manifests_late`);

function measuresOf(r: Record<string, unknown>): Measures {
  return {
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
  };
}

export interface MonthCell extends Measures {
  month: string;
  stream: string;
  crossDistrict: boolean;
}

/** A year's measures by month × stream × cross-district, from the month rows of the rollup. */
export async function monthCells(dbx: DbOrTx, year: number, districts: readonly string[] | null): Promise<MonthCell[]> {
  const found = await rows<Record<string, unknown>>(
    dbx,
    // Grouped by the period itself (a hash aggregate), formatted afterwards.
    sql`select to_char(m.period, 'YYYY-MM') as month, m.* from (
          select period, stream, origin_district <> destination_district as cross_district, ${MEASURES_SQL}
          from regulator_flow_rollup
          where grain = 'month' and period >= ${`${year}-01-01`}::date and period < ${`${year + 1}-01-01`}::date and ${scopeSql(districts)}
          group by 1, 2, 3
        ) m`,
  );
  return found.map((r) => ({
    month: String(r.month),
    stream: String(r.stream),
    crossDistrict: r.cross_district === true,
    ...measuresOf(r),
  }));
}

/** A year's measures by stream (year rows). */
export async function yearByStream(
  dbx: DbOrTx,
  year: number,
  districts: readonly string[] | null,
): Promise<Map<string, Measures>> {
  const found = await rows<Record<string, unknown>>(
    dbx,
    sql`select stream, ${MEASURES_SQL} from regulator_flow_rollup
        where grain = 'year' and period = ${`${year}-01-01`}::date and ${scopeSql(districts)}
        group by 1`,
  );
  return new Map(found.map((r) => [String(r.stream), measuresOf(r)]));
}

/** A year's measures by material for the given codes (year rows). */
export async function yearByMaterial(
  dbx: DbOrTx,
  year: number,
  districts: readonly string[] | null,
  codes: readonly string[],
): Promise<Map<string, Measures>> {
  if (codes.length === 0) return new Map();
  const found = await rows<Record<string, unknown>>(
    dbx,
    sql`select material_code, ${MEASURES_SQL} from regulator_flow_rollup
        where grain = 'year' and period = ${`${year}-01-01`}::date and ${scopeSql(districts)} and ${inList(sql.raw('material_code'), codes)}
        group by 1`,
  );
  return new Map(found.map((r) => [String(r.material_code), measuresOf(r)]));
}

export interface MedianCell {
  materialCode: string;
  month: string;
  trades: number;
  /** The middle price (odd count) or the two middle prices (even count), in order. */
  middle: number[];
}

/**
 * The median price per material and month of a year. The count per material and month comes from
 * the rollup (same scope); each median is then read by position from trades_material_month_price_idx,
 * stepping over half of that month's entries without sorting anything.
 */
export async function monthlyMedians(dbx: DbOrTx, year: number, districts: readonly string[] | null): Promise<MedianCell[]> {
  const found = await rows<Record<string, unknown>>(
    dbx,
    sql`with g as (
          select material_code, period as month, sum(trades)::bigint as n
          from regulator_flow_rollup
          where grain = 'month' and period >= ${`${year}-01-01`}::date and period < ${`${year + 1}-01-01`}::date and ${scopeSql(districts)}
          group by 1, 2
          having sum(trades) > 0
        )
        select g.material_code, to_char(g.month, 'YYYY-MM') as month, g.n,
          (select array_agg(p.price_per_tonne_fen order by p.price_per_tonne_fen) from (
             select t.price_per_tonne_fen from trades t
             where t.status <> 'cancelled' and t.material_code = g.material_code and zwx_sh_month(t.created_at) = g.month
               and ${scopeSql(districts, sql.raw('t.origin_district'), sql.raw('t.destination_district'))}
             order by t.price_per_tonne_fen
             offset (g.n - 1) / 2 limit 2 - g.n % 2
          ) p) as middle
        from g
        order by 1, 2`,
  );
  return found.map((r) => ({
    materialCode: String(r.material_code),
    month: String(r.month),
    trades: n(r.n),
    middle: parseIntArray(r.middle),
  }));
}

function parseIntArray(v: unknown): number[] {
  if (v === null || v === undefined) return [];
  if (Array.isArray(v)) return v.map(Number);
  // node-postgres returns bigint[] as text "{1,2}".
  return String(v).replace(/[{}]/g, '').split(',').filter(Boolean).map(Number);
}

// ── Capacity ────────────────────────────────────────────────────────────────────────────────────

export interface CapacityLicenceRow {
  orgId: string;
  orgName: string;
  district: string;
  licenceId: string;
  number: string;
  status: string;
  wasteCodes: string[];
  annualCapacityKg: number;
  validFrom: string;
  validTo: string;
  usedKg: number;
  receivedKg: number;
}

/**
 * Disposal licences (approved or suspended) valid on some day of the year, of disposers whose home
 * district is in scope, with the disposer's hazardous intake that year. A disposer's trades all have
 * its home district as destination, so all of them are in scope.
 */
export async function capacityRows(
  dbx: DbOrTx,
  year: number,
  districts: readonly string[] | null,
): Promise<CapacityLicenceRow[]> {
  const found = await rows<Record<string, unknown>>(
    dbx,
    sql`select o.id as org_id, o.name as org_name, o.district, l.id as licence_id, l.number, l.status, l.waste_codes,
          l.annual_capacity_kg, l.valid_from::text as valid_from, l.valid_to::text as valid_to,
          coalesce(r.hazardous_contracted_kg, 0) as used_kg, coalesce(r.hazardous_received_kg, 0) as received_kg
        from licences l
        join orgs o on o.id = l.org_id
        left join regulator_receiver_year r on r.receiver_org_id = o.id and r.year = ${year}
        where l.kind = 'disposal' and l.status in ('approved', 'suspended')
          and l.valid_from <= ${`${year}-12-31`}::date and l.valid_to >= ${`${year}-01-01`}::date
          and ${districts === null ? sql`true` : districts.length === 0 ? sql`false` : inList(sql.raw('o.district'), districts)}
        order by o.name, o.id, l.number`,
  );
  return found.map((r) => ({
    orgId: String(r.org_id),
    orgName: String(r.org_name),
    district: String(r.district),
    licenceId: String(r.licence_id),
    number: String(r.number),
    status: String(r.status),
    wasteCodes: parseTextArray(r.waste_codes),
    annualCapacityKg: n(r.annual_capacity_kg),
    validFrom: String(r.valid_from),
    validTo: String(r.valid_to),
    usedKg: n(r.used_kg),
    receivedKg: n(r.received_kg),
  }));
}

function parseTextArray(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(String);
  if (v === null || v === undefined) return [];
  return String(v)
    .replace(/[{}]/g, '')
    .split(',')
    .filter(Boolean)
    .map((s) => s.replace(/^"|"$/g, ''));
}
