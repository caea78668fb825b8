import { eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { one, rows } from '../../db/tx.js';
import { priceBands } from '../../db/schema.js';
import type { UsualDirection } from '../../../../shared/src/pricecheck.js';

export type StoredBandRow = typeof priceBands.$inferSelect;

export async function storedBand(dbx: DbOrTx, code: string): Promise<StoredBandRow | null> {
  const [row] = await dbx.select().from(priceBands).where(eq(priceBands.materialCode, code));
  return row ?? null;
}

export async function pinBand(
  dbx: DbOrTx,
  b: { materialCode: string; lowFen: number; medianFen: number; highFen: number; pinnedBy: string; note: string | null },
): Promise<StoredBandRow> {
  const values = { lowFen: b.lowFen, medianFen: b.medianFen, highFen: b.highFen, source: 'pinned' as const, pinnedBy: b.pinnedBy, pinnedAt: sql`now()`, note: b.note };
  const [row] = await dbx
    .insert(priceBands)
    .values({ materialCode: b.materialCode, ...values })
    .onConflictDoUpdate({ target: priceBands.materialCode, set: values })
    .returning();
  return row!;
}

/** p10 / p50 / p90 of the material's settled trades in the last `days` days (by settlement time). */
export async function settledPercentiles(
  dbx: DbOrTx,
  code: string,
  days: number,
): Promise<{ n: number; p10: number | null; p50: number | null; p90: number | null }> {
  const r = await one<{ n: string | number; p10: number | string | null; p50: number | string | null; p90: number | string | null }>(
    dbx,
    sql`select count(*) as n,
               percentile_cont(0.1) within group (order by price_per_tonne_fen) as p10,
               percentile_cont(0.5) within group (order by price_per_tonne_fen) as p50,
               percentile_cont(0.9) within group (order by price_per_tonne_fen) as p90
          from trades
         where material_code = ${code} and status = 'settled'
           and settled_at >= now() - make_interval(days => ${days})`,
  );
  const num = (v: number | string | null | undefined) => (v === null || v === undefined ? null : Number(v));
  return { n: Number(r?.n ?? 0), p10: num(r?.p10), p50: num(r?.p50), p90: num(r?.p90) };
}

/** Weekly (Monday, Asia/Shanghai) median, range, count and kg of settled trades, the last `weeks` weeks. */
export async function weeklyIndex(
  dbx: DbOrTx,
  code: string,
  weeks: number,
): Promise<{ week: string; median: number; low: number; high: number; trades: number; kg: number }[]> {
  const result = await rows<{ week: string; median: number | string; low: number | string; high: number | string; trades: number | string; kg: number | string }>(
    dbx,
    sql`select to_char(date_trunc('week', settled_at at time zone 'Asia/Shanghai'), 'YYYY-MM-DD') as week,
               percentile_cont(0.5) within group (order by price_per_tonne_fen) as median,
               min(price_per_tonne_fen) as low, max(price_per_tonne_fen) as high,
               count(*) as trades, sum(quantity_kg) as kg
          from trades
         where material_code = ${code} and status = 'settled'
           and settled_at >= (date_trunc('week', now() at time zone 'Asia/Shanghai') - make_interval(weeks => ${weeks - 1})) at time zone 'Asia/Shanghai'
         group by 1 order by 1`,
  );
  return result.map((r) => ({
    week: r.week,
    median: Math.round(Number(r.median)),
    low: Number(r.low),
    high: Number(r.high),
    trades: Number(r.trades),
    kg: Number(r.kg),
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
  a: { actorUserId: string; actorOrgId: string | null; action: string; subjectType: string; subjectId: string; details: Record<string, unknown> },
): Promise<void> {
  await dbx.execute(
    sql`insert into audit_log(actor_user_id, actor_org_id, action, subject_type, subject_id, details)
        values (${a.actorUserId}, ${a.actorOrgId}, ${a.action}, ${a.subjectType}, ${a.subjectId}, ${JSON.stringify(a.details)}::jsonb)`,
  );
}
