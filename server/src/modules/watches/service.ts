/**
 * Watchlists and price alerts (issue 16 item 5). A user watches a material, optionally in one
 * district and within price limits (fen/t, either end open). Each new listing, market order or print
 * is announced as a `watches.match` job in the transaction that made it (the listings' live event, the
 * markets module); the job tells each matching watch's owner through the notification centre, keyed
 * `watch:<watch>:<happening>` so a redelivered job or a second announcement tells nobody twice.
 */
import { and, desc, eq } from 'drizzle-orm';
import type { Ids } from '../../clock.js';
import type { Db } from '../../db/client.js';
import { inTransaction } from '../../db/tx.js';
import { watches } from '../../db/schema.js';
import type { UserActor } from '../../http/actor.js';
import type { JobMeta, JobPayloads } from '../../jobs/definitions.js';
import { markDone } from '../../jobs/outbox.js';
import { notifyOrg } from '../../realtime/publish.js';
import { AppError, ErrorCodes } from '../../../../shared/src/errors.js';
import type { TCreateWatchRequest, TWatch } from '../../../../shared/src/schemas/markets.js';
import { materials } from '../../db/schema.js';

type WatchRow = typeof watches.$inferSelect;
export type WatchesService = ReturnType<typeof createWatchesService>;

/** At most this many watches per user: each is checked against every new listing of its material. */
const MAX_WATCHES_PER_USER = 50;

function toWatch(r: WatchRow): TWatch {
  return {
    id: r.id,
    materialCode: r.materialCode,
    district: r.district,
    minPricePerTonneFen: r.minPricePerTonneFen,
    maxPricePerTonneFen: r.maxPricePerTonneFen,
    createdAt: r.createdAt.toISOString(),
  };
}

/** Whether a happening falls within a watch: same material, its district if set, within its price limits. */
export function watchMatches(
  w: Pick<WatchRow, 'district' | 'minPricePerTonneFen' | 'maxPricePerTonneFen'>,
  p: JobPayloads['watches.match'],
): boolean {
  if (w.district !== null && w.district !== p.district) return false;
  if (w.minPricePerTonneFen !== null && p.pricePerTonneFen < w.minPricePerTonneFen) return false;
  if (w.maxPricePerTonneFen !== null && p.pricePerTonneFen > w.maxPricePerTonneFen) return false;
  return true;
}

export function createWatchesService(deps: { db: Db; ids: Ids }) {
  const { db, ids } = deps;
  return {
    async createWatch(actor: UserActor, body: TCreateWatchRequest): Promise<TWatch> {
      if (!actor.orgId) throw new AppError(ErrorCodes.FORBIDDEN_ROLE, 'watches belong to users of an organisation');
      const [m] = await db.select({ code: materials.code }).from(materials).where(eq(materials.code, body.materialCode));
      if (!m)
        throw new AppError(ErrorCodes.VALIDATION_FAILED, 'invalid request: materialCode: not in the catalogue', {
          fields: [{ path: 'materialCode', message: 'not in the catalogue' }],
        });
      const mine = await db.select({ id: watches.id }).from(watches).where(eq(watches.userId, actor.userId));
      if (mine.length >= MAX_WATCHES_PER_USER)
        throw new AppError(ErrorCodes.VALIDATION_FAILED, `invalid request: at most ${MAX_WATCHES_PER_USER} watches per user`, {
          fields: [{ path: 'materialCode', message: `at most ${MAX_WATCHES_PER_USER} watches per user` }],
        });
      const [row] = await db
        .insert(watches)
        .values({
          id: ids.uuid(),
          userId: actor.userId,
          orgId: actor.orgId,
          materialCode: body.materialCode,
          district: body.district ?? null,
          minPricePerTonneFen: body.minPricePerTonneFen ?? null,
          maxPricePerTonneFen: body.maxPricePerTonneFen ?? null,
        })
        .returning();
      return toWatch(row!);
    },

    async listWatches(actor: UserActor): Promise<{ items: TWatch[] }> {
      const found = await db.select().from(watches).where(eq(watches.userId, actor.userId)).orderBy(desc(watches.createdAt));
      return { items: found.map(toWatch) };
    },

    /** Another user's watch does not exist for the caller (404). */
    async deleteWatch(actor: UserActor, id: string): Promise<TWatch> {
      const [row] = await db
        .delete(watches)
        .where(and(eq(watches.id, id), eq(watches.userId, actor.userId)))
        .returning();
      if (!row) throw new AppError(ErrorCodes.NOT_FOUND, 'no such watch');
      return toWatch(row);
    },

    /** The `watches.match` job: one notification per matching watch, once (notification key). */
    async matchWatches(p: JobPayloads['watches.match'], meta: Pick<JobMeta, 'outboxId'>): Promise<number> {
      return inTransaction(db, async (tx) => {
        const found = await tx.select().from(watches).where(eq(watches.materialCode, p.materialCode));
        let told = 0;
        for (const w of found) {
          if (!w.orgId || w.orgId === p.fromOrgId || !watchMatches(w, p)) continue;
          await notifyOrg(tx, w.orgId, `watch:${w.id}:${p.key}`, {
            kind: 'watch_match',
            subjectType: p.subjectType,
            subjectId: p.subjectId,
            data: {
              watchId: w.id,
              what: p.what,
              materialCode: p.materialCode,
              district: p.district,
              pricePerTonneFen: p.pricePerTonneFen,
              quantityKg: p.quantityKg,
            },
            userId: w.userId,
          });
          told++;
        }
        await markDone(tx, meta.outboxId);
        return told;
      });
    },
  };
}
