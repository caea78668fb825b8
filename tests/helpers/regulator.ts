/**
 * Regulator test fixtures: trades, listings and manifests written straight into their tables with
 * chosen times, districts, weights and states (what the indicators and the rollup are checked
 * against), plus regulators per scope. Rows still go through every constraint and trigger of the real
 * schema; only the use cases that would normally write them are skipped.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../server/src/db/client.js';
import { one } from '../../server/src/db/tx.js';

let serial = 0;

export interface ListingFixture {
  orgId: string;
  materialCode?: string;
  district?: string;
  createdAt: Date;
  hazardous?: boolean;
}

export async function insertListing(db: DbOrTx, l: ListingFixture): Promise<string> {
  const id = randomUUID();
  const material = l.materialCode ?? 'SW17-01';
  await db.execute(sql`insert into listings (id, org_id, side, material_code, waste_code, category, hazardous, quantity_kg, remaining_kg,
      min_lot_kg, price_per_tonne_fen, price_check, mode, pickup_from, pickup_to, district, status, created_at, updated_at)
    values (${id}, ${l.orgId}, 'supply', ${material}, ${material}, 'SW17', ${l.hazardous ?? false}, 1000000, 0, 1, 1000,
      '{"status":"ok"}'::jsonb, 'fixed', ${l.createdAt.toISOString()}::timestamptz, ${l.createdAt.toISOString()}::timestamptz,
      ${l.district ?? '330603'}, 'matched', ${l.createdAt.toISOString()}::timestamptz, ${l.createdAt.toISOString()}::timestamptz)`);
  return id;
}

export interface TradeFixture {
  generatorOrgId: string;
  receiverOrgId: string;
  materialCode: string;
  category: string;
  hazardous: boolean;
  quantityKg: number;
  pricePerTonneFen: number;
  originDistrict: string;
  destinationDistrict: string;
  createdAt: Date;
  status?: string;
  listingId?: string | null;
}

export async function insertTrade(db: DbOrTx, t: TradeFixture): Promise<string> {
  const id = randomUUID();
  const payer = t.pricePerTonneFen === 0 ? null : t.pricePerTonneFen > 0 ? t.receiverOrgId : t.generatorOrgId;
  const payee = t.pricePerTonneFen === 0 ? null : t.pricePerTonneFen > 0 ? t.generatorOrgId : t.receiverOrgId;
  await db.execute(sql`insert into trades (id, listing_id, generator_org_id, receiver_org_id, payer_org_id, payee_org_id, material_code,
      waste_code, category, hazardous, quantity_kg, price_per_tonne_fen, amount_fen, platform_fee_fen, eco_compensation_fen, status,
      origin_district, destination_district, created_at, updated_at)
    values (${id}, ${t.listingId ?? null}, ${t.generatorOrgId}, ${t.receiverOrgId}, ${payer}, ${payee}, ${t.materialCode},
      ${t.materialCode}, ${t.category}, ${t.hazardous}, ${t.quantityKg}, ${t.pricePerTonneFen}, 0, 0, 0, ${t.status ?? 'funded'},
      ${t.originDistrict}, ${t.destinationDistrict}, ${t.createdAt.toISOString()}::timestamptz, ${t.createdAt.toISOString()}::timestamptz)`);
  return id;
}

export interface ManifestFixture {
  tradeId: string;
  status: 'draft' | 'issued' | 'loaded' | 'in_transit' | 'arrived' | 'received' | 'rejected' | 'closed';
  declaredKg: number;
  loadedKg?: number | null;
  receivedKg?: number | null;
  acceptedKg?: number | null;
  disposalMethod?: string | null;
  receiptDueAt?: Date | null;
  receivedAt?: Date | null;
  disposalDueAt?: Date | null;
  closedAt?: Date | null;
  receiptAlertedAt?: Date | null;
  disposalAlertedAt?: Date | null;
}

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/** A trip of the trade, its parties and codes copied from the trade row. */
export async function insertManifest(db: DbOrTx, m: ManifestFixture): Promise<string> {
  const id = randomUUID();
  // The trade's year and a serial from 900000 up, clear of the serials the manifests module gives out.
  const serialText = String(900_000 + (++serial % 100_000));
  const decision = m.status === 'rejected' ? 'reject' : m.status === 'received' || m.status === 'closed' ? 'accept' : null;
  await db.execute(sql`insert into manifests (id, number, trade_id, kind, status, shipper_org_id, carrier_org_id, receiver_org_id, parties,
      vehicle_plate, driver_name, material_code, waste_code, category, lines, emergency_measures, origin_district, destination_district,
      declared_kg, loaded_kg, received_kg, accepted_kg, decision, disposal_method, receipt_due_at, received_at, disposal_due_at, closed_at,
      receipt_alerted_at, disposal_alerted_at, last_hash)
    select ${id}, to_char(t.created_at at time zone 'Asia/Shanghai', 'YYYY') || '3306' || ${serialText}, t.id, case when t.hazardous then 'hazardous' else 'general' end, ${m.status}, t.generator_org_id,
      t.receiver_org_id, t.receiver_org_id, '{}'::jsonb, '浙D12345', '王师傅', t.material_code, t.waste_code, t.category, '[]'::jsonb, '—',
      t.origin_district, t.destination_district, ${m.declaredKg}, ${m.loadedKg ?? null}, ${m.receivedKg ?? null}, ${m.acceptedKg ?? null},
      ${decision}, ${m.disposalMethod ?? null}, ${iso(m.receiptDueAt)}::timestamptz, ${iso(m.receivedAt)}::timestamptz,
      ${iso(m.disposalDueAt)}::timestamptz, ${iso(m.closedAt)}::timestamptz, ${iso(m.receiptAlertedAt)}::timestamptz,
      ${iso(m.disposalAlertedAt)}::timestamptz, ${'0'.repeat(64)}
    from trades t where t.id = ${m.tradeId}`);
  return id;
}

/** Moves a fixture trip on (what the manifest events would project onto the row). */
export async function updateManifest(
  db: DbOrTx,
  id: string,
  m: Partial<Omit<ManifestFixture, 'tradeId' | 'declaredKg'>>,
): Promise<void> {
  const decision = m.status === 'rejected' ? 'reject' : m.status === 'received' || m.status === 'closed' ? 'accept' : undefined;
  const sets = [
    m.status !== undefined ? sql`status = ${m.status}` : null,
    decision !== undefined ? sql`decision = ${decision}` : null,
    m.loadedKg !== undefined ? sql`loaded_kg = ${m.loadedKg}` : null,
    m.receivedKg !== undefined ? sql`received_kg = ${m.receivedKg}` : null,
    m.acceptedKg !== undefined ? sql`accepted_kg = ${m.acceptedKg}` : null,
    m.disposalMethod !== undefined ? sql`disposal_method = ${m.disposalMethod}` : null,
    m.receiptDueAt !== undefined ? sql`receipt_due_at = ${iso(m.receiptDueAt)}::timestamptz` : null,
    m.receivedAt !== undefined ? sql`received_at = ${iso(m.receivedAt)}::timestamptz` : null,
    m.disposalDueAt !== undefined ? sql`disposal_due_at = ${iso(m.disposalDueAt)}::timestamptz` : null,
    m.closedAt !== undefined ? sql`closed_at = ${iso(m.closedAt)}::timestamptz` : null,
    m.receiptAlertedAt !== undefined ? sql`receipt_alerted_at = ${iso(m.receiptAlertedAt)}::timestamptz` : null,
    m.disposalAlertedAt !== undefined ? sql`disposal_alerted_at = ${iso(m.disposalAlertedAt)}::timestamptz` : null,
  ].filter((x): x is NonNullable<typeof x> => x !== null);
  if (sets.length === 0) return;
  await db.execute(sql`update manifests set ${sql.join(sets, sql`, `)} where id = ${id}`);
}

/** The rollup's rows with any non-zero measure, in a canonical order (for equality checks). */
export async function rollupSnapshot(db: DbOrTx): Promise<string> {
  const r = await one<{ s: string | null }>(
    db,
    sql`select string_agg(concat_ws('|', grain, period, origin_district, destination_district, material_code, category, hazardous, stream,
          trades, contracted_kg, listed_trades, listing_to_trade_ms, received_kg, decided_loaded_kg, reported_kg, utilised_kg,
          landfilled_kg, manifests_on_time, manifests_late), E'\n' order by grain, period, origin_district, destination_district,
          material_code, category, hazardous) as s
        from regulator_flow_rollup
        where trades <> 0 or contracted_kg <> 0 or listed_trades <> 0 or received_kg <> 0 or decided_loaded_kg <> 0
          or reported_kg <> 0 or manifests_on_time <> 0 or manifests_late <> 0`,
  );
  const y = await one<{ s: string | null }>(
    db,
    sql`select string_agg(concat_ws('|', year, receiver_org_id, hazardous_trades, hazardous_contracted_kg, hazardous_received_kg), E'\n'
          order by year, receiver_org_id) as s
        from regulator_receiver_year where hazardous_trades <> 0 or hazardous_contracted_kg <> 0 or hazardous_received_kg <> 0`,
  );
  return `${r?.s ?? ''}\n--\n${y?.s ?? ''}`;
}

/** mulberry32: a seeded stream, printed by the tests so a failure can be replayed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
