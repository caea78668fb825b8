/**
 * Use case: the carrier directory (GET /carriers, issue 13 item 4). A shipper opening a trip picks
 * its carrier by name or USCC instead of typing an id; for a hazardous waste code the directory lists
 * only carriers whose approved transport licence covers the code (or its HW category) today, the same
 * rule openManifest enforces (manifests/kit.ts coveringLicence), so a pick from the list is accepted.
 */
import { and, asc, eq, ilike, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { AppContext } from '../../context.js';
import type { DbOrTx } from '../../db/client.js';
import { licences, orgs } from '../../db/schema.js';
import { shanghaiDate } from '../../../../shared/src/calendar.js';
import { AppError, ErrorCodes } from '../../../../shared/src/errors.js';
import { cursorUuid, decodeCursor, encodeCursor, type TPage } from '../../../../shared/src/schemas/common.js';
import type { TCarrier, TCarriersQuery } from '../../../../shared/src/schemas/carriers.js';
import { hwCategoryOf } from '../../../../shared/src/schemas/listings.js';
import { isHazardousCategory } from '../../../../shared/src/schemas/orgs.js';

function invalid(path: string, message: string): AppError {
  return new AppError(ErrorCodes.VALIDATION_FAILED, `invalid request: ${path}`, { fields: [{ path, message }] });
}

function likeAnywhere(q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => '\\' + c)}%`;
}

/** Keyset paging in (name, id) order: the cursor carries the last row's name and id. */
function afterFromCursor(cursor: string | undefined): { name: string; id: string } | null {
  if (!cursor) return null;
  const v = decodeCursor(cursor);
  const name = v?.[0];
  const id = cursorUuid(v?.[1]);
  if (typeof name !== 'string' || !id) throw invalid('cursor', 'invalid cursor');
  return { name, id };
}

/** Carrier orgs in (name, id) order matching the filter; `scope` restricts to current licences covering a code. */
async function findCarriers(
  dbx: DbOrTx,
  f: { q?: string; scope: string[] | null; today: string; after: { name: string; id: string } | null; limit: number },
) {
  const conds: SQL[] = [sql`'carrier' = any(${orgs.roles})`];
  if (f.q) {
    const upper = f.q.toUpperCase().replace(/[\\%_]/g, (c) => '\\' + c);
    conds.push(or(ilike(orgs.name, likeAnywhere(f.q)), ilike(orgs.uscc, `${upper}%`))!);
  }
  if (f.scope) {
    const codes = sql.join(
      f.scope.map((c) => sql`${c}`),
      sql`, `,
    );
    conds.push(sql`exists (select 1 from licences l where l.org_id = ${orgs.id} and l.kind = 'transport' and l.status = 'approved'
      and l.valid_from <= ${f.today}::date and l.valid_to >= ${f.today}::date and l.waste_codes && array[${codes}]::text[])`);
  }
  if (f.after) conds.push(sql`(${orgs.name}, ${orgs.id}) > (${f.after.name}, ${f.after.id}::uuid)`);
  return dbx
    .select({ id: orgs.id, name: orgs.name, uscc: orgs.uscc, district: orgs.district })
    .from(orgs)
    .where(and(...conds))
    .orderBy(asc(orgs.name), asc(orgs.id))
    .limit(f.limit);
}

async function transportLicencesOf(dbx: DbOrTx, orgIds: string[]) {
  if (orgIds.length === 0) return [];
  return dbx
    .select()
    .from(licences)
    .where(
      and(
        inArray(licences.orgId, orgIds),
        eq(licences.kind, 'transport'),
        inArray(licences.status, ['approved', 'suspended', 'expired']),
      ),
    )
    .orderBy(sql`${licences.validTo} desc`, asc(licences.number));
}

export function createCarrierDirectory(ctx: AppContext) {
  /** The codes a covering licence must name: the code and its HW category; null when the code is not hazardous. */
  async function hazardScope(code: string): Promise<string[] | null> {
    if (isHazardousCategory(code)) return [code];
    const hw = hwCategoryOf(code);
    if (hw) return [code, hw];
    const m = await ctx.catalog.findMaterial(ctx.db, code);
    if (!m) throw invalid('code', `${code} is not a waste code in the catalogue`);
    if (m.hazardous === null) throw invalid('code', `${code} is decided by its classified code; pass that code`);
    return m.hazardous ? [m.code, m.category] : null;
  }

  return {
    /** GET /carriers: carrier orgs by name or USCC, with their transport licences; hazardous codes list only those licensed today. */
    async listCarriers(q: TCarriersQuery): Promise<TPage<TCarrier>> {
      const after = afterFromCursor(q.cursor);
      const scope = q.code ? await hazardScope(q.code) : null;
      const today = shanghaiDate(ctx.clock.now());
      const rows = await findCarriers(ctx.db, { ...(q.q ? { q: q.q } : {}), scope, today, after, limit: q.limit + 1 });
      const page = rows.slice(0, q.limit);
      const held = await transportLicencesOf(
        ctx.db,
        page.map((r) => r.id),
      );
      const items: TCarrier[] = page.map((r) => ({
        ...r,
        licences: held
          .filter((l) => l.orgId === r.id)
          .map((l) => ({
            number: l.number,
            wasteCodes: l.wasteCodes,
            validFrom: l.validFrom,
            validTo: l.validTo,
            status: l.status,
            current: l.status === 'approved' && l.validFrom <= today && today <= l.validTo,
          })),
      }));
      const last = page.at(-1);
      return { items, nextCursor: rows.length > q.limit && last ? encodeCursor([last.name, last.id]) : null };
    },
  };
}
