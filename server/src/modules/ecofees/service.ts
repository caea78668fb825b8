/**
 * Ecological compensation (生态补偿金; DESIGN §5.4, seed §(五), docs/eco-compensation.md). A rate table
 * by waste stream and, optionally, by ordered (origin, destination) district pair; a city-scope
 * regulator adds rows through the API, each effective from a Shanghai day, and never edits one. The
 * documented default file seeds the table at every boot, idempotently.
 *
 * The trades module asks `ecoRateForTrade` for the rate in force when it creates a trade and keeps
 * the rate's id and fen/t on the trade; settlement charges that rate on the accepted weight, so a
 * later rate never changes a trade's fee. This module imports no other module.
 */
import type { Logger } from 'pino';
import type { Clock, Ids } from '../../clock.js';
import type { Db, DbOrTx } from '../../db/client.js';
import { recordAudit } from '../../db/audit.js';
import { inTransaction } from '../../db/tx.js';
import { AppError, ErrorCodes } from '../../../../shared/src/errors.js';
import { shanghaiDate } from '../../../../shared/src/calendar.js';
import { decodeCursor, encodeCursor, INSTANT_HORIZON_DAYS, type TPage } from '../../../../shared/src/schemas/common.js';
import type { TStream } from '../../../../shared/src/schemas/catalog.js';
import type { TEcoRate, TEcoRatesQuery, TSetEcoRateRequest } from '../../../../shared/src/schemas/ecorates.js';
import type { UserActor } from '../../http/actor.js';
import { readDefaultRates } from './data.js';
import * as repo from './repo.js';

export type EcoFeesService = ReturnType<typeof createEcoFeesService>;

/** What a trade keeps: the rate row it was created under (null: none applied) and its fen per tonne. */
export interface AppliedEcoRate {
  rateId: string | null;
  fenPerTonne: number;
}

function invalidField(path: string, message: string): AppError {
  return new AppError(ErrorCodes.VALIDATION_FAILED, `invalid request: ${path}: ${message}`, { fields: [{ path, message }] });
}

/**
 * The stream a lot is charged as: hazardous when the lot is hazardous (a classified waste salt
 * included); else the catalogue stream of its code (the classified SW class of a WS-CLASSIFIED lot).
 * A non-hazardous lot of a code the catalogue files under hazardous, or of an unknown code, is
 * general industrial solid waste.
 */
export async function streamOfLot(
  dbx: DbOrTx,
  lot: { hazardous: boolean; materialCode: string; classifiedCode: string | null },
): Promise<TStream> {
  if (lot.hazardous) return 'hazardous';
  const stream = await repo.materialStream(dbx, lot.classifiedCode ?? lot.materialCode);
  return !stream || stream === 'hazardous' ? 'general_industrial' : (stream as TStream);
}

/**
 * The rate in force at `at` for a trade from `originDistrict` to `destinationDistrict` (the
 * receiver's home district). Within one district nothing is due and no rate applies.
 */
export async function ecoRateForTrade(
  dbx: DbOrTx,
  t: {
    hazardous: boolean;
    materialCode: string;
    classifiedCode: string | null;
    originDistrict: string;
    destinationDistrict: string;
    at: Date;
  },
): Promise<AppliedEcoRate> {
  if (t.originDistrict === t.destinationDistrict) return { rateId: null, fenPerTonne: 0 };
  const rate = await repo.rateInForce(dbx, {
    stream: await streamOfLot(dbx, t),
    fromDistrict: t.originDistrict,
    toDistrict: t.destinationDistrict,
    day: shanghaiDate(t.at),
  });
  return rate ? { rateId: rate.id, fenPerTonne: rate.fenPerTonne } : { rateId: null, fenPerTonne: 0 };
}

/**
 * Loads the default file into the table: a row the table lacks (by stream, pair and date) is added;
 * one it has is left as it is, and a different amount in the file is logged, not applied: history is
 * never edited, so changing a default means adding a row with a new effectiveFrom.
 */
export async function loadDefaultRates(
  db: Db,
  ids: Ids,
  logger?: Pick<Logger, 'info' | 'warn'>,
): Promise<{ added: number; rows: number }> {
  const file = await readDefaultRates();
  let added = 0;
  await inTransaction(db, async (tx) => {
    for (const r of file.rates) {
      const key = {
        stream: r.stream,
        fromDistrict: r.fromDistrict ?? null,
        toDistrict: r.toDistrict ?? null,
        effectiveFrom: r.effectiveFrom,
      };
      const inserted = await repo.insertDefaultIfAbsent(tx, {
        id: ids.uuid(),
        ...key,
        fenPerTonne: r.fenPerTonne,
        source: 'default',
        note: r.note ?? null,
      });
      if (inserted) added++;
      else {
        const stored = await repo.findDefault(tx, key);
        if (stored && stored.fenPerTonne !== r.fenPerTonne)
          logger?.warn(
            { ...key, stored: stored.fenPerTonne, file: r.fenPerTonne },
            'eco-rates.default.json changed an existing default row; the stored row stands (add a row with a new effectiveFrom)',
          );
      }
    }
  });
  if (added) logger?.info({ added }, 'default eco compensation rates loaded');
  return { added, rows: file.rates.length };
}

function toEcoRate(r: repo.EcoRateWithOrg, inForce: boolean): TEcoRate {
  return {
    id: r.id,
    stream: r.stream as TStream,
    fromDistrict: r.fromDistrict,
    toDistrict: r.toDistrict,
    fenPerTonne: r.fenPerTonne,
    effectiveFrom: r.effectiveFrom,
    source: r.source,
    setByOrgId: r.setByOrgId,
    setByOrgName: r.setByOrgName,
    note: r.note,
    createdAt: r.createdAt.toISOString(),
    inForce,
  };
}

function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

export function createEcoFeesService(deps: { db: Db; ids: Ids; clock: Clock; logger?: Logger }) {
  const { db, ids, clock } = deps;
  const today = () => shanghaiDate(clock.now());

  async function withInForce(dbx: DbOrTx, found: repo.EcoRateWithOrg[]): Promise<TEcoRate[]> {
    const live = await repo.inForceIdsOn(
      dbx,
      today(),
      found.map((r) => r.id),
    );
    return found.map((r) => toEcoRate(r, live.has(r.id)));
  }

  return {
    loadDefaults: () => loadDefaultRates(db, ids, deps.logger),

    async listRates(q: TEcoRatesQuery): Promise<TPage<TEcoRate>> {
      const after = decodeCursor(q.cursor);
      if (q.cursor && (!after || typeof after[0] !== 'number' || !Number.isSafeInteger(after[0])))
        throw invalidField('cursor', 'invalid cursor');
      const found = await repo.listRates(db, {
        ...(q.stream ? { stream: q.stream } : {}),
        ...(q.inForce ? { inForceOn: today() } : {}),
        ...(after ? { beforeSeq: after[0] as number } : {}),
        limit: q.limit + 1,
      });
      const page = found.slice(0, q.limit);
      return { items: await withInForce(db, page), nextCursor: found.length > q.limit ? encodeCursor([page.at(-1)!.seq]) : null };
    },

    async getRate(id: string): Promise<TEcoRate> {
      const r = await repo.findRate(db, id);
      if (!r) throw new AppError(ErrorCodes.NOT_FOUND, 'no such eco compensation rate');
      return (await withInForce(db, [r]))[0]!;
    },

    /**
     * POST /eco-rates: a city-scope regulator adds a row effective from today or a later day. Rates
     * are city policy (every district's fund), so a district regulator gets CITY_SCOPE_REQUIRED.
     * Audited with the row it supersedes on that day.
     */
    async setRate(actor: UserActor, body: TSetEcoRateRequest): Promise<TEcoRate> {
      if (actor.scope !== 'city')
        throw new AppError(
          ErrorCodes.CITY_SCOPE_REQUIRED,
          'eco compensation rates are city policy: setting one needs a city-scope regulator',
          { scope: actor.scope },
        );
      const now = today();
      // A rate never reaches back: trades already created keep theirs, and the table's history must say what they got.
      if (body.effectiveFrom < now)
        throw invalidField(
          'effectiveFrom',
          `not before today (${now}, Asia/Shanghai): a rate applies from a day on, never to the past`,
        );
      if (body.effectiveFrom > addDays(now, INSTANT_HORIZON_DAYS))
        throw invalidField('effectiveFrom', `at most ${INSTANT_HORIZON_DAYS} days (2 years) ahead`);
      return inTransaction(db, async (tx) => {
        const key = { stream: body.stream, fromDistrict: body.fromDistrict ?? null, toDistrict: body.toDistrict ?? null };
        const before = await repo.rateInForce(tx, { ...key, day: body.effectiveFrom });
        const id = ids.uuid();
        await repo.insertRate(tx, {
          id,
          ...key,
          fenPerTonne: body.fenPerTonne,
          effectiveFrom: body.effectiveFrom,
          source: 'regulator',
          setByUserId: actor.userId,
          setByOrgId: actor.orgId,
          note: body.note ?? null,
        });
        await recordAudit(tx, actor, {
          action: 'eco_rate.set',
          subjectType: 'eco_rate',
          subjectId: id,
          details: {
            ...key,
            fenPerTonne: body.fenPerTonne,
            effectiveFrom: body.effectiveFrom,
            note: body.note ?? null,
            supersedes: before
              ? { id: before.id, fenPerTonne: before.fenPerTonne, effectiveFrom: before.effectiveFrom, source: before.source }
              : null,
          },
        });
        return (await withInForce(tx, [(await repo.findRate(tx, id))!]))[0]!;
      });
    },
  };
}
