import { sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { one, rows } from '../../db/tx.js';
import { ecoRates } from '../../db/schema.js';

export type EcoRateRow = typeof ecoRates.$inferSelect;
export type NewEcoRateRow = typeof ecoRates.$inferInsert;

/** A rate row with the name of the org that set it (null for the default table). */
export type EcoRateWithOrg = EcoRateRow & { setByOrgName: string | null };

const SELECT_WITH_ORG = sql`select r.id, r.seq, r.stream, r.from_district, r.to_district, r.fen_per_tonne, r.effective_from::text as effective_from,
         r.source, r.set_by_user_id, r.set_by_org_id, r.note, r.created_at, o.name as set_by_org_name
    from eco_rates r left join orgs o on o.id = r.set_by_org_id`;

interface RawRow {
  id: string;
  seq: string | number;
  stream: string;
  from_district: string | null;
  to_district: string | null;
  fen_per_tonne: string | number;
  effective_from: string;
  source: 'default' | 'regulator';
  set_by_user_id: string | null;
  set_by_org_id: string | null;
  note: string | null;
  created_at: string | Date;
  set_by_org_name: string | null;
}

function fromRaw(r: RawRow): EcoRateWithOrg {
  return {
    id: r.id,
    seq: Number(r.seq),
    stream: r.stream,
    fromDistrict: r.from_district,
    toDistrict: r.to_district,
    fenPerTonne: Number(r.fen_per_tonne),
    effectiveFrom: r.effective_from,
    source: r.source,
    setByUserId: r.set_by_user_id,
    setByOrgId: r.set_by_org_id,
    note: r.note,
    createdAt: new Date(r.created_at),
    setByOrgName: r.set_by_org_name,
  };
}

export async function insertRate(dbx: DbOrTx, row: NewEcoRateRow): Promise<void> {
  await dbx.insert(ecoRates).values(row);
}

/** A default row, unless the default table already has one for its stream, pair and date (eco_rates_default_key). */
export async function insertDefaultIfAbsent(dbx: DbOrTx, row: NewEcoRateRow): Promise<boolean> {
  const inserted = await dbx.insert(ecoRates).values(row).onConflictDoNothing().returning({ id: ecoRates.id });
  return inserted.length > 0;
}

export async function findDefault(
  dbx: DbOrTx,
  k: { stream: string; fromDistrict: string | null; toDistrict: string | null; effectiveFrom: string },
): Promise<EcoRateRow | null> {
  const r = await one<RawRow>(
    dbx,
    sql`${SELECT_WITH_ORG} where r.source = 'default' and r.stream = ${k.stream}
          and coalesce(r.from_district, '') = ${k.fromDistrict ?? ''} and coalesce(r.to_district, '') = ${k.toDistrict ?? ''}
          and r.effective_from = ${k.effectiveFrom}::date`,
  );
  return r ? fromRaw(r) : null;
}

/**
 * The rate in force on a Shanghai day for a stream and an ordered district pair: the pair's own
 * latest row if it has one, else the stream's latest row; among rows of one date the later wins.
 * Without a pair (null, null): the stream-wide row only.
 */
export async function rateInForce(
  dbx: DbOrTx,
  k: { stream: string; fromDistrict: string | null; toDistrict: string | null; day: string },
): Promise<EcoRateWithOrg | null> {
  const r = await one<RawRow>(
    dbx,
    sql`${SELECT_WITH_ORG}
         where r.stream = ${k.stream} and r.effective_from <= ${k.day}::date
           and (r.from_district is null or (r.from_district = ${k.fromDistrict}::text and r.to_district = ${k.toDistrict}::text))
         order by (r.from_district is not null) desc, r.effective_from desc, r.seq desc
         limit 1`,
  );
  return r ? fromRaw(r) : null;
}

export async function findRate(dbx: DbOrTx, id: string): Promise<EcoRateWithOrg | null> {
  const r = await one<RawRow>(dbx, sql`${SELECT_WITH_ORG} where r.id = ${id}`);
  return r ? fromRaw(r) : null;
}

/** Ids of the rows in force on a day: the latest row of each stream and pair (stream-wide rows are their own key). */
function inForceIds(day: string): SQL {
  return sql`select distinct on (stream, coalesce(from_district, ''), coalesce(to_district, '')) id
               from eco_rates where effective_from <= ${day}::date
              order by stream, coalesce(from_district, ''), coalesce(to_district, ''), effective_from desc, seq desc`;
}

export async function inForceIdsOn(dbx: DbOrTx, day: string, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const found = await rows<{ id: string }>(
    dbx,
    sql`select id from (${inForceIds(day)}) f where f.id in (${sql.join(
      ids.map((i) => sql`${i}`),
      sql`, `,
    )})`,
  );
  return new Set(found.map((f) => f.id));
}

/** Newest first (by seq), optionally one stream or only the rows in force on `inForceOn`. */
export async function listRates(
  dbx: DbOrTx,
  f: { stream?: string; inForceOn?: string; beforeSeq?: number; limit: number },
): Promise<EcoRateWithOrg[]> {
  const conds: SQL[] = [sql`true`];
  if (f.stream) conds.push(sql`r.stream = ${f.stream}`);
  if (f.inForceOn) conds.push(sql`r.id in (${inForceIds(f.inForceOn)})`);
  if (f.beforeSeq !== undefined) conds.push(sql`r.seq < ${f.beforeSeq}`);
  const found = await rows<RawRow>(
    dbx,
    sql`${SELECT_WITH_ORG} where ${sql.join(conds, sql` and `)} order by r.seq desc limit ${f.limit}`,
  );
  return found.map(fromRaw);
}

/** The catalogue stream of a material code (the catalogue's table; null when unknown). */
export async function materialStream(dbx: DbOrTx, code: string): Promise<string | null> {
  const r = await one<{ stream: string }>(dbx, sql`select stream from materials where code = ${code}`);
  return r?.stream ?? null;
}
