import { and, asc, eq, gt, ilike, or, sql, type SQL } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/client.js';
import { hazardousCategories, materials, priceBands } from '../../db/schema.js';
import { AppError, ErrorCodes } from '../../../../shared/src/errors.js';
import { decodeCursor, encodeCursor, type TPage } from '../../../../shared/src/schemas/common.js';
import type { TBand, TMaterial, TMaterialsQuery, TStream } from '../../../../shared/src/schemas/catalog.js';
import { readCatalogueData } from './data.js';
import { usualDirectionOf } from './direction.js';

export type CatalogService = ReturnType<typeof createCatalogService>;

type MaterialRow = typeof materials.$inferSelect;

export function createCatalogService({ db }: { db: Db }) {
  let categoryNames: Map<string, string> | null = null;

  async function categoryName(code: string): Promise<string | null> {
    if (!categoryNames) {
      const rows = await db.select().from(hazardousCategories);
      categoryNames = new Map(rows.map((r) => [r.code, r.nameZh]));
    }
    return categoryNames.get(code) ?? null;
  }

  async function toMaterial(row: MaterialRow, band: TBand | null): Promise<TMaterial> {
    return {
      code: row.code,
      edition: row.edition,
      stream: row.stream as TStream,
      category: row.category,
      categoryNameZh: await categoryName(row.category),
      nameZh: row.nameZh,
      nameEn: row.nameEn,
      hazardous: row.hazardous,
      tradeable: row.tradeable,
      standardisedGrade: row.standardisedGrade,
      market:
        row.standardisedGrade && row.marketMinLotKg && row.marketPriceTickFen
          ? { minLotKg: row.marketMinLotKg, priceTickFen: row.marketPriceTickFen }
          : null,
      verification: row.verification,
      note: row.note,
      usualDirection: row.usualDirection,
      band,
    };
  }

  /** The stored (seeded or pinned) band; the trades-based band is the prices module's. */
  async function storedBand(dbx: DbOrTx, code: string): Promise<TBand | null> {
    const [b] = await dbx.select().from(priceBands).where(eq(priceBands.materialCode, code));
    return b
      ? {
          materialCode: code,
          lowFen: b.lowFen,
          medianFen: b.medianFen,
          highFen: b.highFen,
          source: b.source,
          sampleSize: 0,
          note: b.note,
        }
      : null;
  }

  return {
    /** Loads the catalogue data into the database; idempotent, runs at every start so data fixes land. */
    async load(): Promise<{ materials: number; categories: number; bands: number }> {
      const data = await readCatalogueData();
      await db.transaction(async (tx) => {
        for (const c of data.categories) {
          await tx
            .insert(hazardousCategories)
            .values(c)
            .onConflictDoUpdate({ target: hazardousCategories.code, set: { nameZh: c.nameZh } });
        }
        for (const m of data.codes) {
          const row = {
            code: m.code,
            edition: m.listEdition,
            stream: m.stream,
            category: m.category,
            nameZh: m.nameZh,
            nameEn: m.nameEn,
            hazardous: m.hazardous,
            // Medical waste goes to designated centralised disposal and is never traded (DESIGN §6.6).
            tradeable: m.category === 'HW01' ? false : m.tradeable,
            standardisedGrade: m.standardisedGrade ?? false,
            marketMinLotKg: m.standardisedGrade ? (m.marketMinLotKg ?? null) : null,
            marketPriceTickFen: m.standardisedGrade ? (m.marketPriceTickFen ?? null) : null,
            verification: m.verification,
            note: m.note ?? null,
            usualDirection: usualDirectionOf(m, data.directionOverrides).usualDirection,
          };
          await tx.insert(materials).values(row).onConflictDoUpdate({ target: materials.code, set: row });
        }
        for (const b of data.bands) {
          // A regulator's pin is never overwritten by the seed.
          await tx
            .insert(priceBands)
            .values({
              materialCode: b.materialCode,
              lowFen: b.lowFen,
              medianFen: b.medianFen,
              highFen: b.highFen,
              source: 'seed',
              note: b.source,
            })
            .onConflictDoUpdate({
              target: priceBands.materialCode,
              set: { lowFen: b.lowFen, medianFen: b.medianFen, highFen: b.highFen, note: b.source },
              setWhere: sql`${priceBands.source} = 'seed'`,
            });
        }
      });
      categoryNames = null;
      return { materials: data.codes.length, categories: data.categories.length, bands: data.bands.length };
    },

    async listMaterials(q: TMaterialsQuery): Promise<TPage<TMaterial>> {
      const conds: SQL[] = [];
      if (q.stream) conds.push(eq(materials.stream, q.stream));
      if (q.hazardous !== undefined) conds.push(eq(materials.hazardous, q.hazardous));
      if (q.tradeable !== undefined) conds.push(eq(materials.tradeable, q.tradeable));
      if (q.q) {
        const like = `%${q.q.replace(/[\\%_]/g, (c) => '\\' + c)}%`;
        conds.push(
          or(
            ilike(materials.code, like),
            ilike(materials.nameZh, like),
            ilike(materials.nameEn, like),
            sql`${materials.nameZh} % ${q.q}`,
          )!,
        );
      }
      const after = decodeCursor(q.cursor);
      if (q.cursor && (!after || typeof after[0] !== 'string'))
        throw new AppError(ErrorCodes.VALIDATION_FAILED, 'invalid cursor', {
          fields: [{ path: 'cursor', message: 'invalid cursor' }],
        });
      if (after) conds.push(gt(materials.code, after[0] as string));
      const rows = await db
        .select({ m: materials, b: priceBands })
        .from(materials)
        .leftJoin(priceBands, eq(priceBands.materialCode, materials.code))
        .where(conds.length ? and(...conds) : undefined)
        .orderBy(asc(materials.code))
        .limit(q.limit + 1);
      const page = rows.slice(0, q.limit);
      const items = await Promise.all(
        page.map(({ m, b }) =>
          toMaterial(
            m,
            b
              ? {
                  materialCode: m.code,
                  lowFen: b.lowFen,
                  medianFen: b.medianFen,
                  highFen: b.highFen,
                  source: b.source,
                  sampleSize: 0,
                  note: b.note,
                }
              : null,
          ),
        ),
      );
      return { items, nextCursor: rows.length > q.limit ? encodeCursor([page.at(-1)!.m.code]) : null };
    },

    async getMaterial(code: string): Promise<TMaterial> {
      const [row] = await db.select().from(materials).where(eq(materials.code, code));
      if (!row) throw new AppError(ErrorCodes.NOT_FOUND, `no material with code ${code}`);
      return toMaterial(row, await storedBand(db, code));
    },

    /** For other modules: the material row or null. */
    async findMaterial(dbx: DbOrTx, code: string): Promise<MaterialRow | null> {
      const [row] = await dbx.select().from(materials).where(eq(materials.code, code));
      return row ?? null;
    },

    storedBand,
  };
}
