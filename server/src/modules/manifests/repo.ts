import { and, asc, desc, eq, inArray, isNull, lt, ne, or, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { creditEvents, manifestEvents, manifests, shipmentClosures } from '../../db/schema.js';
import { noteOutboxWrite } from '../../db/tx.js';
import type { ManifestProjection } from './model.js';

export type ManifestRow = typeof manifests.$inferSelect;
export type ManifestEventRow = typeof manifestEvents.$inferSelect;
export type ShipmentClosureRow = typeof shipmentClosures.$inferSelect;

export async function insertManifest(
  dbx: DbOrTx,
  row: { id: string; createdBy: string | null } & ManifestProjection,
): Promise<ManifestRow> {
  const [inserted] = await dbx.insert(manifests).values(row).returning();
  return inserted!;
}

export async function findManifest(dbx: DbOrTx, id: string, forUpdate = false): Promise<ManifestRow | null> {
  const q = dbx.select().from(manifests).where(eq(manifests.id, id));
  const [row] = forUpdate ? await q.for('update') : await q;
  return row ?? null;
}

/** Writes the projection after an event (same transaction as the event). */
export async function writeProjection(dbx: DbOrTx, id: string, p: ManifestProjection): Promise<ManifestRow> {
  const { tradeId: _t, number: _n, ...rest } = p;
  const [row] = await dbx
    .update(manifests)
    .set({ ...rest, updatedAt: sql`now()` })
    .where(eq(manifests.id, id))
    .returning();
  return row!;
}

export async function insertEvent(dbx: DbOrTx, e: typeof manifestEvents.$inferInsert): Promise<ManifestEventRow> {
  const [row] = await dbx.insert(manifestEvents).values(e).returning();
  return row!;
}

export function eventsOf(dbx: DbOrTx, manifestId: string): Promise<ManifestEventRow[]> {
  return dbx
    .select()
    .from(manifestEvents)
    .where(eq(manifestEvents.manifestId, manifestId))
    .orderBy(asc(manifestEvents.seq), asc(manifestEvents.id));
}

/** The trade's trips that count: a cancelled draft moved nothing and declares nothing (issue 14). */
export function manifestsOfTrade(dbx: DbOrTx, tradeId: string): Promise<ManifestRow[]> {
  return dbx
    .select()
    .from(manifests)
    .where(and(eq(manifests.tradeId, tradeId), ne(manifests.status, 'cancelled')))
    .orderBy(asc(manifests.seq));
}

export async function findClosure(dbx: DbOrTx, tradeId: string): Promise<ShipmentClosureRow | null> {
  const [row] = await dbx.select().from(shipmentClosures).where(eq(shipmentClosures.tradeId, tradeId));
  return row ?? null;
}

export async function insertClosure(dbx: DbOrTx, row: typeof shipmentClosures.$inferInsert): Promise<ShipmentClosureRow | null> {
  const [inserted] = await dbx.insert(shipmentClosures).values(row).onConflictDoNothing().returning();
  return inserted ?? null;
}

export interface ManifestFilter {
  /** Manifests where this org is shipper, carrier or receiver. */
  partyOrgId: string | null;
  /** Origin or destination in these districts; null: every district; []: none. */
  districts: string[] | null;
  status?: string;
  /** true: a deadline has passed with its step open; false: none has. */
  overdue?: boolean;
  now: Date;
  transitStuckMs: number;
  district?: string;
  material?: string;
  tradeId?: string;
  beforeSeq?: number;
  limit: number;
}

/** The SQL form of "overdue" (keep in step with overdueOf in service.ts). */
export function overdueSql(now: Date, transitStuckMs: number): SQL {
  const at = now.toISOString();
  const stuckBefore = new Date(now.getTime() - transitStuckMs).toISOString();
  return sql`((${manifests.status} = 'arrived' and ${manifests.receiptDueAt} < ${at}::timestamptz)
    or (${manifests.status} = 'received' and ${manifests.disposalDueAt} < ${at}::timestamptz)
    or (${manifests.status} in ('loaded', 'in_transit') and ${manifests.loadedAt} < ${stuckBefore}::timestamptz))`;
}

export async function listManifests(dbx: DbOrTx, f: ManifestFilter): Promise<ManifestRow[]> {
  const visible: SQL[] = [];
  if (f.partyOrgId)
    visible.push(
      or(
        eq(manifests.shipperOrgId, f.partyOrgId),
        eq(manifests.carrierOrgId, f.partyOrgId),
        eq(manifests.receiverOrgId, f.partyOrgId),
      )!,
    );
  if (f.districts === null) visible.push(sql`true`);
  else if (f.districts.length > 0)
    visible.push(or(inArray(manifests.originDistrict, f.districts), inArray(manifests.destinationDistrict, f.districts))!);
  if (visible.length === 0) return [];
  const conds: SQL[] = [or(...visible)!];
  if (f.status) conds.push(eq(manifests.status, f.status as ManifestRow['status']));
  if (f.overdue !== undefined) {
    const o = overdueSql(f.now, f.transitStuckMs);
    conds.push(f.overdue ? o : sql`not ${o}`);
  }
  if (f.district) conds.push(or(eq(manifests.originDistrict, f.district), eq(manifests.destinationDistrict, f.district))!);
  if (f.material) conds.push(or(eq(manifests.materialCode, f.material), eq(manifests.wasteCode, f.material))!);
  if (f.tradeId) conds.push(eq(manifests.tradeId, f.tradeId));
  if (f.beforeSeq !== undefined) conds.push(lt(manifests.seq, f.beforeSeq));
  return dbx
    .select()
    .from(manifests)
    .where(and(...conds))
    .orderBy(desc(manifests.seq))
    .limit(f.limit);
}

/** Candidates for the deadline sweep: a step open past its deadline, its alert not raised yet. */
export async function dueForAlerts(dbx: DbOrTx, now: Date, transitStuckMs: number, limit: number): Promise<ManifestRow[]> {
  const at = now.toISOString();
  const stuckBefore = new Date(now.getTime() - transitStuckMs).toISOString();
  return dbx
    .select()
    .from(manifests)
    .where(
      or(
        and(
          eq(manifests.status, 'arrived'),
          sql`${manifests.receiptDueAt} < ${at}::timestamptz`,
          isNull(manifests.receiptAlertedAt),
        ),
        and(
          eq(manifests.status, 'received'),
          sql`${manifests.disposalDueAt} < ${at}::timestamptz`,
          isNull(manifests.disposalAlertedAt),
        ),
        and(
          inArray(manifests.status, ['loaded', 'in_transit']),
          sql`${manifests.loadedAt} < ${stuckBefore}::timestamptz`,
          isNull(manifests.transitAlertedAt),
        ),
      ),
    )
    .orderBy(asc(manifests.seq))
    .limit(limit);
}

export async function markAlerted(
  dbx: DbOrTx,
  id: string,
  which: 'transit' | 'receipt' | 'disposal',
  at: Date,
): Promise<boolean> {
  const col =
    which === 'transit'
      ? manifests.transitAlertedAt
      : which === 'receipt'
        ? manifests.receiptAlertedAt
        : manifests.disposalAlertedAt;
  const key = which === 'transit' ? 'transitAlertedAt' : which === 'receipt' ? 'receiptAlertedAt' : 'disposalAlertedAt';
  const r = await dbx
    .update(manifests)
    .set({ [key]: at })
    .where(and(eq(manifests.id, id), isNull(col)))
    .returning({ id: manifests.id });
  return r.length > 0;
}

export async function recordCreditEvent(
  dbx: DbOrTx,
  e: { orgId: string; kind: string; subjectType: string; subjectId: string; occurredAt: Date; details: Record<string, unknown> },
): Promise<boolean> {
  const r = await dbx.insert(creditEvents).values(e).onConflictDoNothing().returning({ id: creditEvents.id });
  // A trigger (migration 0005) wrote the recompute job: wake the relay when this commits.
  if (r.length > 0) noteOutboxWrite(dbx);
  return r.length > 0;
}
