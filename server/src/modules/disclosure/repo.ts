/**
 * The public disclosure's reads (a reporting view, like the regulator's): trades by month and stream
 * with their distinct parties counted, and suspended or revoked licences with their holders. It reads
 * those tables and never writes them.
 */
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { rows } from '../../db/tx.js';
import { TRADE_STREAM_SQL } from '../regulator/index.js';

const n = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

export interface FlowCellRow {
  month: string;
  stream: string;
  trades: number;
  contractedKg: number;
  deliveredKg: number;
  crossDistrictKg: number;
  generators: number;
  receivers: number;
}

/** Trades made in [start, end) by Shanghai month and stream, with their distinct generators and receivers. */
export async function flowCells(dbx: DbOrTx, start: Date, end: Date): Promise<FlowCellRow[]> {
  const found = await rows<Record<string, unknown>>(
    dbx,
    sql`select to_char((t.created_at at time zone 'UTC') + interval '8 hours', 'YYYY-MM') as month,
          ${TRADE_STREAM_SQL} as stream,
          count(*) as trades,
          sum(t.quantity_kg) as contracted_kg,
          sum(case when t.status in ('delivered', 'settled') then t.accepted_kg else 0 end) as delivered_kg,
          sum(case when t.origin_district <> t.destination_district then t.quantity_kg else 0 end) as cross_kg,
          count(distinct t.generator_org_id) as generators,
          count(distinct t.receiver_org_id) as receivers
        from trades t
        left join materials mat on mat.code = t.material_code
        where t.status <> 'cancelled'
          and t.created_at >= ${start.toISOString()}::timestamptz and t.created_at < ${end.toISOString()}::timestamptz
        group by 1, 2
        order by 1, 2`,
  );
  return found.map((r) => ({
    month: String(r.month),
    stream: String(r.stream),
    trades: n(r.trades),
    contractedKg: n(r.contracted_kg),
    deliveredKg: n(r.delivered_kg),
    crossDistrictKg: n(r.cross_kg),
    generators: n(r.generators),
    receivers: n(r.receivers),
  }));
}

export interface LicenceActionRow {
  orgName: string;
  uscc: string;
  district: string;
  number: string;
  kind: 'disposal' | 'transport';
  status: 'suspended' | 'revoked';
  decidedAt: Date | null;
  decisionNote: string | null;
}

/** Licences suspended or revoked now, newest decision first. */
export async function suspendedOrRevokedLicences(dbx: DbOrTx): Promise<LicenceActionRow[]> {
  const found = await rows<Record<string, unknown>>(
    dbx,
    sql`select o.name, o.uscc, o.district, l.number, l.kind, l.status, l.decided_at, l.decision_note
        from licences l join orgs o on o.id = l.org_id
        where l.status in ('suspended', 'revoked')
        order by l.decided_at desc nulls last, l.number`,
  );
  return found.map((r) => ({
    orgName: String(r.name),
    uscc: String(r.uscc),
    district: String(r.district),
    number: String(r.number),
    kind: String(r.kind) as 'disposal' | 'transport',
    status: String(r.status) as 'suspended' | 'revoked',
    decidedAt: r.decided_at ? new Date(String(r.decided_at)) : null,
    decisionNote: r.decision_note === null || r.decision_note === undefined ? null : String(r.decision_note),
  }));
}

/** Distinct generators and receivers of the trades made in [start, end) (not cancelled). */
export async function distinctParties(dbx: DbOrTx, start: Date, end: Date): Promise<{ generators: number; receivers: number }> {
  const [r] = await rows<Record<string, unknown>>(
    dbx,
    sql`select count(distinct t.generator_org_id) as generators, count(distinct t.receiver_org_id) as receivers
        from trades t
        where t.status <> 'cancelled'
          and t.created_at >= ${start.toISOString()}::timestamptz and t.created_at < ${end.toISOString()}::timestamptz`,
  );
  return { generators: n(r?.generators), receivers: n(r?.receivers) };
}
