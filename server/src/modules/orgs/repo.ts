import { and, asc, desc, eq, ilike, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../../db/client.js';
import { licences, orgs, users } from '../../db/schema.js';

export type OrgRow = typeof orgs.$inferSelect;
export type LicenceRow = typeof licences.$inferSelect;

export async function findOrg(dbx: DbOrTx, id: string): Promise<OrgRow | null> {
  const [row] = await dbx.select().from(orgs).where(eq(orgs.id, id));
  return row ?? null;
}

export async function findOrgByUscc(dbx: DbOrTx, uscc: string): Promise<OrgRow | null> {
  const [row] = await dbx.select().from(orgs).where(eq(orgs.uscc, uscc));
  return row ?? null;
}

export async function insertOrg(dbx: DbOrTx, row: typeof orgs.$inferInsert): Promise<OrgRow> {
  const [inserted] = await dbx.insert(orgs).values(row).returning();
  return inserted!;
}

export async function insertLicence(dbx: DbOrTx, row: typeof licences.$inferInsert): Promise<LicenceRow> {
  const [inserted] = await dbx.insert(licences).values(row).returning();
  return inserted!;
}

/** The licence with its holder's district, locked for a state change. */
export async function lockLicence(tx: Tx, id: string): Promise<{ licence: LicenceRow; district: string } | null> {
  const [row] = await tx
    .select({ licence: licences, district: orgs.district })
    .from(licences)
    .innerJoin(orgs, eq(orgs.id, licences.orgId))
    .where(eq(licences.id, id))
    .for('update', { of: licences });
  return row ?? null;
}

export async function setLicenceStatus(
  dbx: DbOrTx,
  id: string,
  change: { status: LicenceRow['status']; decidedBy: string; decidedAt: Date; decisionNote: string | null },
): Promise<LicenceRow> {
  const [row] = await dbx.update(licences).set(change).where(eq(licences.id, id)).returning();
  return row!;
}

export interface LicenceFilter {
  orgId?: string;
  statuses?: LicenceRow['status'][];
  kind?: LicenceRow['kind'];
  /** Holder districts to include; undefined means every district. */
  districts?: string[];
  /** Keyset: only licences after this one in (created_at, id) order. */
  afterId?: string;
  limit?: number;
}

/** Licences oldest first, (created_at, id) keyset paging; the cursor row is read in SQL so no precision is lost. */
export async function listLicences(dbx: DbOrTx, f: LicenceFilter): Promise<LicenceRow[]> {
  const conds: SQL[] = [];
  if (f.orgId) conds.push(eq(licences.orgId, f.orgId));
  if (f.statuses) conds.push(inArray(licences.status, f.statuses));
  if (f.kind) conds.push(eq(licences.kind, f.kind));
  if (f.districts) {
    if (f.districts.length === 0) return [];
    conds.push(inArray(orgs.district, f.districts));
  }
  if (f.afterId)
    conds.push(
      sql`(${licences.createdAt}, ${licences.id}) > (select l2.created_at, l2.id from licences l2 where l2.id = ${f.afterId})`,
    );
  const q = dbx
    .select({ licence: licences })
    .from(licences)
    .innerJoin(orgs, eq(orgs.id, licences.orgId))
    .where(conds.length ? and(...conds) : undefined)
    .orderBy(asc(licences.createdAt), asc(licences.id));
  const rows = f.limit ? await q.limit(f.limit) : await q;
  return rows.map((r) => r.licence);
}

/** Orgs by name (substring) or USCC (prefix), name order, (name, id) keyset paging. */
export async function searchOrgs(
  dbx: DbOrTx,
  f: { q?: string; districts?: string[]; after?: { name: string; id: string }; limit: number },
): Promise<OrgRow[]> {
  const conds: SQL[] = [];
  if (f.districts) {
    if (f.districts.length === 0) return [];
    conds.push(inArray(orgs.district, f.districts));
  }
  if (f.q) {
    const like = f.q.replace(/[\\%_]/g, (c) => `\\${c}`);
    conds.push(or(ilike(orgs.name, `%${like}%`), ilike(orgs.uscc, `${like.toUpperCase()}%`))!);
  }
  if (f.after) conds.push(sql`(${orgs.name}, ${orgs.id}) > (${f.after.name}, ${f.after.id}::uuid)`);
  return dbx
    .select()
    .from(orgs)
    .where(conds.length ? and(...conds) : undefined)
    .orderBy(asc(orgs.name), asc(orgs.id))
    .limit(f.limit);
}

// ── Members (issue 13 item 8) ───────────────────────────────────────────────────────────────

/** An org's active users, owners first, then by name. */
export async function listActiveMembers(dbx: DbOrTx, orgId: string) {
  return dbx
    .select()
    .from(users)
    .where(and(eq(users.orgId, orgId), isNull(users.disabledAt)))
    .orderBy(desc(users.orgRole), asc(users.name), asc(users.id));
}

/** Disables a removed member's account (no sign-in; access tokens are checked against it). */
export async function disableMemberRow(tx: DbOrTx, userId: string, at: Date): Promise<void> {
  await tx.update(users).set({ disabledAt: at }).where(eq(users.id, userId));
}

export async function lockMember(tx: Tx, orgId: string, userId: string) {
  const [row] = await tx
    .select()
    .from(users)
    .where(and(eq(users.id, userId), eq(users.orgId, orgId)))
    .for('update');
  return row ?? null;
}
