/**
 * Reference bands and price checks (DESIGN §6.3). The band of a material is, in order: a city-scope
 * regulator's pin; the band from settled trades of the last 180 days when they involve at least 3
 * distinct generators and 3 distinct receivers (pair-week observations, never narrower than the seed's
 * relative width: bands.ts); the seeded band; none. The band from trades is precomputed in
 * trade_bands by the `prices.refreshBand` job that settlement enqueues, so a price check reads
 * stored rows only. Listings and bids run their price through `gatePrice` in their own transaction
 * and wrap the use case in `withRejectionAlert`, so a rejected price leaves its alert committed
 * although nothing else is stored.
 */
import type { Clock, Ids } from '../../clock.js';
import type { Db, DbOrTx } from '../../db/client.js';
import { advisoryXactLock, inTransaction } from '../../db/tx.js';
import { afterOnDbClock, ensureScheduled, finishRun } from '../../jobs/periodic.js';
import { AppError, ErrorCodes } from '../../../../shared/src/errors.js';
import {
  checkPrice,
  describePriceCheck,
  type PriceCheck,
  type ReferenceBand,
  type UsualDirection,
} from '../../../../shared/src/pricecheck.js';
import type {
  TPinBandRequest,
  TPriceIndex,
  TPriceIndexQuery,
  TReferenceBand,
  TUnpinBandResult,
} from '../../../../shared/src/schemas/prices.js';
import type { UserActor } from '../../http/actor.js';
import { raiseAlert, type RaiseAlert } from '../alerts/index.js';
import { seededBand } from '../catalog/index.js';
import { BAND_MIN_GENERATORS, BAND_MIN_RECEIVERS, BAND_WINDOW_DAYS, composeBand } from './bands.js';
import { buildPriceIndex, INDEX_MIN_GENERATORS, INDEX_MIN_RECEIVERS, indexWindow } from './publish.js';
import * as repo from './repo.js';

export type PricesService = ReturnType<typeof createPricesService>;

/** How often bands are recomputed although nothing settled, so trades leave the 180-day window on time. */
const DAILY_REFRESH_MS = 86_400_000;

/** The band a price is checked against, with its note and pin time; null when there is none. One lookup, no trade read. */
export async function referenceBandDetail(dbx: DbOrTx, code: string): Promise<TReferenceBand | null> {
  const { stored, trade } = await repo.bandRows(dbx, code);
  return composeBand(code, stored, trade);
}

export async function referenceBand(dbx: DbOrTx, code: string): Promise<ReferenceBand | null> {
  return checkedBand(await referenceBandDetail(dbx, code));
}

/**
 * The band a price check uses for a listing's material, read by listing id so that a caller can
 * read it at the same time as the listing (the bid hot path). `code` says which material it is for.
 */
export async function referenceBandOfListing(
  dbx: DbOrTx,
  listingId: string,
): Promise<{ code: string; band: ReferenceBand | null } | null> {
  const rows = await repo.bandRowsOfListing(dbx, listingId);
  return rows && { code: rows.code, band: checkedBand(composeBand(rows.code, rows.stored, rows.trade)) };
}

function checkedBand(b: TReferenceBand | null): ReferenceBand | null {
  if (!b) return null;
  // The parties count is what made a band from trades; on a seed or pin the check needs none of it.
  return {
    lowFen: b.lowFen,
    medianFen: b.medianFen,
    highFen: b.highFen,
    source: b.source,
    sampleSize: b.sampleSize,
    ...(b.source === 'trades' ? { distinctParties: b.distinctParties } : {}),
  };
}

/** Thrown inside a use case's transaction; `withRejectionAlert` commits the alert after the rollback. */
export class RejectedPrice extends Error {
  constructor(
    readonly alert: RaiseAlert,
    readonly error: AppError,
  ) {
    super(error.message);
    this.name = 'RejectedPrice';
  }
}

export interface PriceGate {
  /** What is priced, for messages and alerts. */
  subject: 'listing' | 'bid' | 'order';
  /** The band's material code (a WS-CLASSIFIED lot uses the waste-salt band). */
  materialCode: string;
  wasteCode: string;
  priceFen: number;
  justification: string | null | undefined;
  /** The district whose regulators get the alert (the listing's origin). */
  district: string;
  orgId: string;
  listingId: string | null;
  /** The material's usual direction when the caller has already read it (a listing row carries it): one query fewer. */
  usualDirection?: UsualDirection | null;
  /** The material's band when the caller has already read it (referenceBandOfListing): one query fewer. */
  band?: ReferenceBand | null;
}

/**
 * Checks a price against the material's band and its usual direction (catalogue): returns the check
 * when it may be stored (ok, or flagged with a justification); throws JUSTIFICATION_REQUIRED for
 * flagged without one, and RejectedPrice for rejected. Both errors carry the check with its reasons.
 */
export async function gatePrice(dbx: DbOrTx, ids: Ids, g: PriceGate): Promise<PriceCheck> {
  const check = checkPrice(g.priceFen, g.band !== undefined ? g.band : await referenceBand(dbx, g.materialCode), {
    usualDirection: g.usualDirection !== undefined ? g.usualDirection : await repo.usualDirection(dbx, g.materialCode),
  });
  if (check.status === 'flagged' && !g.justification) {
    throw new AppError(
      ErrorCodes.JUSTIFICATION_REQUIRED,
      `${describePriceCheck(g.priceFen, check)}; add "justification" to your ${g.subject}`,
      {
        priceCheck: check,
      },
    );
  }
  if (check.status === 'rejected') {
    const attemptId = ids.uuid();
    throw new RejectedPrice(
      {
        kind: 'price_rejected',
        district: g.district,
        subjectType: `${g.subject}_attempt`,
        subjectId: attemptId,
        message: `refused ${g.subject} at ${g.priceFen} fen/t for ${g.wasteCode}: ${describePriceCheck(g.priceFen, check)}`,
        details: {
          orgId: g.orgId,
          listingId: g.listingId,
          materialCode: g.materialCode,
          wasteCode: g.wasteCode,
          pricePerTonneFen: g.priceFen,
          priceCheck: check,
          justification: g.justification ?? null,
        },
      },
      new AppError(ErrorCodes.PRICE_OUT_OF_RANGE, describePriceCheck(g.priceFen, check), { priceCheck: check }),
    );
  }
  return check;
}

/** After a flagged price was stored with its justification: the regulator alert, in the same transaction. */
export async function alertFlaggedPrice(
  tx: DbOrTx,
  ids: Ids,
  g: PriceGate & { subjectId: string; check: PriceCheck; dedupeKey?: string },
): Promise<void> {
  await raiseAlert(tx, ids, {
    kind: 'price_flagged',
    district: g.district,
    subjectType: g.subject,
    subjectId: g.subjectId,
    ...(g.dedupeKey ? { dedupeKey: g.dedupeKey } : {}),
    message: `${g.subject} at ${g.priceFen} fen/t for ${g.wasteCode} is flagged (${g.check.reasons.map((r) => r.code).join(', ')}); justification: ${g.justification}`,
    details: {
      orgId: g.orgId,
      listingId: g.listingId,
      materialCode: g.materialCode,
      wasteCode: g.wasteCode,
      pricePerTonneFen: g.priceFen,
      priceCheck: g.check,
      justification: g.justification ?? null,
    },
  });
}

/** Runs a use case; a rejected price rolls it back, then its alert commits in a transaction of its own. */
export async function withRejectionAlert<T>(db: Db, ids: Ids, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (!(err instanceof RejectedPrice)) throw err;
    await inTransaction(db, (tx) => raiseAlert(tx, ids, err.alert));
    throw err.error;
  }
}

export function createPricesService(deps: { db: Db; ids: Ids; clock: Clock }) {
  const { db, clock } = deps;
  const service = {
    /**
     * The `prices.refreshBand` job, enqueued by settlement with each settled trade: recomputes the
     * material's band from trades. Idempotent; refreshes of one material run one at a time.
     */
    async refreshBand(materialCode: string): Promise<void> {
      await inTransaction(db, (tx) =>
        repo.refreshTradeBand(tx, materialCode, {
          now: clock.now(),
          windowDays: BAND_WINDOW_DAYS,
          minGenerators: BAND_MIN_GENERATORS,
          minReceivers: BAND_MIN_RECEIVERS,
        }),
      );
    },

    /**
     * The `prices.refreshStale` job: recomputes every band from trades not recomputed for a day (its
     * oldest trades may have left the window), then schedules the next pass a day later.
     */
    async runDailyRefresh(outboxId: number): Promise<void> {
      const codes = await repo.staleBandCodes(db, new Date(clock.now().getTime() - DAILY_REFRESH_MS));
      for (const code of codes) await service.refreshBand(code);
      await finishRun(db, 'prices.refreshStale', outboxId, afterOnDbClock(DAILY_REFRESH_MS));
    },

    /** At start-up: make sure one daily refresh is scheduled. */
    async ensureDailyRefreshScheduled(): Promise<void> {
      await ensureScheduled(db, 'prices.refreshStale', afterOnDbClock(DAILY_REFRESH_MS));
    },

    async getReference(code: string): Promise<TReferenceBand> {
      const band = await referenceBandDetail(db, code);
      if (!band) throw new AppError(ErrorCodes.NOT_FOUND, `no reference band for ${code}`);
      return band;
    },

    /** A regulator pins a band; it overrides the trades and the seed until pinned again or unpinned. Audited. */
    async pinBand(actor: UserActor, code: string, body: TPinBandRequest): Promise<TReferenceBand> {
      requireCityScope(actor, 'pinning');
      return inTransaction(db, async (tx) => {
        if (!(await repo.materialExists(tx, code))) throw new AppError(ErrorCodes.NOT_FOUND, `no material with code ${code}`);
        // Pins and unpins of one band take turns, so the history's before/after are what each saw.
        await advisoryXactLock(tx, 'price_band', code);
        const before = await referenceBandDetail(tx, code);
        await repo.pinBand(tx, { materialCode: code, ...body, pinnedBy: actor.userId, note: 'pinned by a regulator' });
        await repo.audit(tx, {
          actorUserId: actor.userId,
          actorOrgId: actor.orgId,
          action: 'price_band.pin',
          subjectType: 'price_band',
          subjectId: code,
          details: { before, after: body },
        });
        return (await referenceBandDetail(tx, code))!;
      });
    },

    /**
     * A city regulator lifts a pin: the band from trades or the seed is in force again, as if the pin
     * had never been made (trade_bands kept refreshing meanwhile). Audited as `price_band.unpin`, which
     * the pin history lists with who did it. 409 INVALID_STATE when the band is not pinned.
     */
    async unpinBand(actor: UserActor, code: string): Promise<TUnpinBandResult> {
      requireCityScope(actor, 'unpinning');
      const seed = await seededBand(code);
      return inTransaction(db, async (tx) => {
        if (!(await repo.materialExists(tx, code))) throw new AppError(ErrorCodes.NOT_FOUND, `no material with code ${code}`);
        // Pins and unpins of one band take turns, so the history's before/after are what each saw.
        await advisoryXactLock(tx, 'price_band', code);
        const before = await referenceBandDetail(tx, code);
        if (before?.source !== 'pinned')
          throw new AppError(ErrorCodes.INVALID_STATE, `the band of ${code} is not pinned`, {
            status: before?.source ?? 'none',
            allowed: ['pinned'],
          });
        await repo.unpinBand(tx, code, seed);
        const after = await referenceBandDetail(tx, code);
        await repo.audit(tx, {
          actorUserId: actor.userId,
          actorOrgId: actor.orgId,
          action: 'price_band.unpin',
          subjectType: 'price_band',
          subjectId: code,
          details: {
            before,
            after: after
              ? { lowFen: after.lowFen, medianFen: after.medianFen, highFen: after.highFen, source: after.source }
              : null,
          },
        });
        return { band: after };
      });
    },

    async priceIndex(q: TPriceIndexQuery): Promise<TPriceIndex> {
      if (!(await repo.materialExists(db, q.material)))
        throw new AppError(ErrorCodes.NOT_FOUND, `no material with code ${q.material}`);
      const window = indexWindow(clock.now(), q.weeks);
      const cells = await repo.indexCells(db, q.material, window.readFrom, window.readTo);
      return {
        materialCode: q.material,
        minDistinctGenerators: INDEX_MIN_GENERATORS,
        minDistinctReceivers: INDEX_MIN_RECEIVERS,
        items: buildPriceIndex(cells, window),
      };
    },
  };
  return service;
}

/** Bands are city-wide (one per material), so only a city-scope regulator may pin or unpin one (DESIGN §6.3). */
function requireCityScope(actor: UserActor, doing: 'pinning' | 'unpinning'): void {
  if (actor.scope !== 'city')
    throw new AppError(
      ErrorCodes.CITY_SCOPE_REQUIRED,
      `reference bands are city-wide: ${doing} one needs a city-scope regulator`,
      {
        scope: actor.scope,
      },
    );
}
