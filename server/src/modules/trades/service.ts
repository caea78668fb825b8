/**
 * Trades (DESIGN §5.4, §7): created by matching in the matcher's transaction, read by their parties
 * and by regulators in scope. Settlement, payments and manifests (later issues) move a trade on
 * through `getTradeForUpdate` and `transitionTrade`, never through this module's repo.
 */
import type { Clock, Ids } from '../../clock.js';
import type { Config } from '../../config.js';
import type { Db, DbOrTx } from '../../db/client.js';
import { amountFen, basisPointsOf, perTonneFen } from '../../../../shared/src/money.js';
import { AppError, ErrorCodes } from '../../../../shared/src/errors.js';
import { decodeCursor, encodeCursor, type TPage } from '../../../../shared/src/schemas/common.js';
import { endOfShanghaiYear, startOfShanghaiYear } from '../../../../shared/src/calendar.js';
import { Rooms } from '../../../../shared/src/realtime.js';
import type { TTrade, TTradesQuery, TTradeStatus } from '../../../../shared/src/schemas/trades.js';
import type { UserActor } from '../../http/actor.js';
import { getOrgRow, overseenDistricts } from '../orgs/index.js';
import { readCredit, type CreditReading } from '../credit/index.js';
import { raiseAlert, alertIfCapacityHigh } from '../alerts/index.js';
import { ecoRateForTrade, type AppliedEcoRate } from '../ecofees/index.js';
import { publishEvent, regulatorRooms } from '../../realtime/publish.js';
import * as repo from './repo.js';

export type TradeRow = repo.TradeRow;
export type TradesService = ReturnType<typeof createTradesService>;

/** Reads an org's credit level; the credit read model by default, a fake in tests of black and red parties. */
export type CreditReader = (dbx: DbOrTx, orgId: string) => Promise<Pick<CreditReading, 'level' | 'score'>>;

export interface TradesDeps {
  db: Db;
  ids: Ids;
  clock: Clock;
  config: Pick<Config, 'PLATFORM_FEE_BP'>;
  readCredit?: CreditReader;
}

export function toTrade(row: TradeRow, manifestIds: string[] = []): TTrade {
  return {
    id: row.id,
    listingId: row.listingId,
    bidId: row.bidId,
    orderIds: row.orderIds ?? null,
    generatorOrgId: row.generatorOrgId,
    receiverOrgId: row.receiverOrgId,
    payerOrgId: row.payerOrgId,
    payeeOrgId: row.payeeOrgId,
    materialCode: row.materialCode,
    classifiedCode: row.classifiedCode,
    hazardous: row.hazardous,
    quantityKg: row.quantityKg,
    pricePerTonneFen: row.pricePerTonneFen,
    amountFen: row.amountFen,
    platformFeeFen: row.platformFeeFen,
    ecoCompensationFen: row.ecoCompensationFen,
    ecoRateId: row.ecoRateId,
    ecoFenPerTonne: row.ecoFenPerTonne,
    status: row.status,
    // The manifests module owns manifests; callers that have them pass their ids (withManifestIds).
    manifestIds,
    acceptedKg: row.acceptedKg,
    originDistrict: row.originDistrict,
    destinationDistrict: row.destinationDistrict,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Trades with their manifests' ids filled in. */
async function withManifestIds(dbx: DbOrTx, rows: TradeRow[]): Promise<TTrade[]> {
  const byTrade = await repo.manifestIdsOfTrades(
    dbx,
    rows.map((r) => r.id),
  );
  return rows.map((r) => toTrade(r, byTrade.get(r.id) ?? []));
}

/**
 * The money of a trade (DESIGN §5.4, §6.2), pure: who pays whom, the amount and both fees. `eco` is
 * the rate in force for the trade (ecofees module): none within one district.
 */
function tradeTerms(
  t: { generatorOrgId: string; receiverOrgId: string; pricePerTonneFen: number; quantityKg: number },
  config: TradesDeps['config'],
  eco: AppliedEcoRate,
): Pick<
  TradeRow,
  'payerOrgId' | 'payeeOrgId' | 'amountFen' | 'platformFeeFen' | 'ecoCompensationFen' | 'ecoRateId' | 'ecoFenPerTonne' | 'status'
> {
  const amount = amountFen(t.pricePerTonneFen, t.quantityKg);
  const positive = t.pricePerTonneFen > 0;
  const zero = t.pricePerTonneFen === 0;
  return {
    payerOrgId: zero ? null : positive ? t.receiverOrgId : t.generatorOrgId,
    payeeOrgId: zero ? null : positive ? t.generatorOrgId : t.receiverOrgId,
    amountFen: amount,
    // Borne by the payee (deducted from its proceeds at settlement).
    platformFeeFen: basisPointsOf(amount, config.PLATFORM_FEE_BP),
    // Always borne by the generator; on the contracted kg here, recomputed at this same stored rate on
    // the accepted kg at settlement, so a later change of the rate table never reaches this trade.
    ecoCompensationFen: eco.fenPerTonne > 0 ? perTonneFen(eco.fenPerTonne, t.quantityKg) : 0,
    ecoRateId: eco.rateId,
    ecoFenPerTonne: eco.fenPerTonne,
    status: zero ? 'funded' : 'awaiting_payment',
  };
}

export interface FillForTrade {
  listingId: string | null;
  bidId: string | null;
  orderIds?: string[] | null;
  generatorOrgId: string;
  receiverOrgId: string;
  materialCode: string;
  classifiedCode: string | null;
  wasteCode: string;
  category: string;
  hazardous: boolean;
  /** Where the material is picked up: the supply listing's district, or the one an offer into a demand listing stated. */
  originDistrict: string;
  quantityKg: number;
  pricePerTonneFen: number;
}

/**
 * Creates a trade for one fill in the matcher's transaction, announces `trade.created` to both
 * parties and the regulators of origin and destination, and raises a `red_party` alert for each
 * party at the red credit level (DESIGN §6.7).
 */
export async function createTradeForFill(
  tx: DbOrTx,
  deps: Pick<TradesDeps, 'ids' | 'clock' | 'config' | 'readCredit'>,
  f: FillForTrade,
): Promise<TTrade> {
  const receiver = await getOrgRow(tx, f.receiverOrgId);
  if (!receiver) throw new Error(`receiver org ${f.receiverOrgId} not found`);
  const destinationDistrict = receiver.district;
  // The rate in force now for this stream and pair of districts (solid and hazardous waste alike, seed §(五)).
  const eco = await ecoRateForTrade(tx, { ...f, destinationDistrict, at: deps.clock.now() });
  const terms = tradeTerms(f, deps.config, eco);
  const row = await repo.insertTrade(tx, {
    id: deps.ids.uuid(),
    listingId: f.listingId,
    bidId: f.bidId,
    orderIds: f.orderIds ?? null,
    generatorOrgId: f.generatorOrgId,
    receiverOrgId: f.receiverOrgId,
    materialCode: f.materialCode,
    classifiedCode: f.classifiedCode,
    wasteCode: f.wasteCode,
    category: f.category,
    hazardous: f.hazardous,
    quantityKg: f.quantityKg,
    pricePerTonneFen: f.pricePerTonneFen,
    originDistrict: f.originDistrict,
    destinationDistrict,
    ...terms,
  });
  const trade = toTrade(row);
  await publishEvent(
    tx,
    [Rooms.org(row.generatorOrgId), Rooms.org(row.receiverOrgId), ...regulatorRooms(row.originDistrict, row.destinationDistrict)],
    'trade.created',
    { tradeId: trade.id, status: trade.status, trade },
    deps.clock.now(),
  );
  for (const orgId of [row.generatorOrgId, row.receiverOrgId]) {
    const credit = await (deps.readCredit ?? readCredit)(tx, orgId);
    if (credit.level !== 'red') continue;
    const org = orgId === receiver.id ? receiver : await getOrgRow(tx, orgId);
    await raiseAlert(tx, deps.ids, {
      kind: 'red_party',
      district: org?.district ?? row.originDistrict,
      subjectType: 'trade',
      subjectId: row.id,
      dedupeKey: `red_party:trade:${row.id}:${orgId}`,
      message: `${org?.name ?? orgId} (credit level red) is a party to trade ${row.id} of ${row.quantityKg} kg ${row.wasteCode}`,
      details: { tradeId: row.id, orgId, level: credit.level, score: credit.score, materialCode: row.materialCode },
    });
  }
  // A disposer passing 90 % of its licensed annual capacity alerts its regulators (alerts/capacity.ts).
  if (row.hazardous)
    await alertIfCapacityHigh(tx, { ids: deps.ids, intakeKg: hazardousIntakeKg }, row.receiverOrgId, row.createdAt);
  return trade;
}

/** Kg the org has contracted to receive as hazardous waste in a Shanghai calendar year (licence capacity). */
export function hazardousIntakeKg(dbx: DbOrTx, orgId: string, year: number): Promise<number> {
  return repo.hazardousIntakeKg(dbx, orgId, startOfShanghaiYear(year), endOfShanghaiYear(year));
}

/** For settlement, payments and manifests: the trade row locked for the caller's transaction, or null. */
export function getTradeForUpdate(tx: DbOrTx, id: string): Promise<TradeRow | null> {
  return repo.findTrade(tx, id, true);
}

export function getTradeRow(dbx: DbOrTx, id: string): Promise<TradeRow | null> {
  return repo.findTrade(dbx, id);
}

/**
 * The one way to change a trade's status: from one of `from` to `to`, conditionally, so two
 * processes racing on the same step move it once (null for the loser). Announces `trade.updated`.
 * Set `settledAt` when moving to settled: reference bands and the price index read it.
 */
export async function transitionTrade(
  tx: DbOrTx,
  deps: Pick<TradesDeps, 'clock'>,
  id: string,
  from: readonly TTradeStatus[],
  to: TTradeStatus,
  extra: { acceptedKg?: number; settledAt?: Date } = {},
): Promise<TTrade | null> {
  const row = await repo.transitionTrade(tx, id, from, to, extra);
  if (!row) return null;
  const trade = (await withManifestIds(tx, [row]))[0]!;
  await publishEvent(
    tx,
    [Rooms.org(row.generatorOrgId), Rooms.org(row.receiverOrgId), ...regulatorRooms(row.originDistrict, row.destinationDistrict)],
    'trade.updated',
    { tradeId: trade.id, status: trade.status, trade },
    deps.clock.now(),
  );
  return trade;
}

export function tradeIdsOfBids(dbx: DbOrTx, bidIds: string[]): Promise<{ id: string; bidId: string }[]> {
  return repo.tradesOfBids(dbx, bidIds);
}

/** Whether the actor may see this trade: a party, a regulator whose scope has its origin or destination, the admin. */
export function canSeeTrade(
  actor: UserActor,
  t: Pick<TradeRow, 'generatorOrgId' | 'receiverOrgId' | 'originDistrict' | 'destinationDistrict'>,
): boolean {
  if (actor.orgId && (t.generatorOrgId === actor.orgId || t.receiverOrgId === actor.orgId)) return true;
  const districts = overseenDistricts(actor);
  if (districts === null) return true;
  return districts.includes(t.originDistrict) || districts.includes(t.destinationDistrict);
}

function beforeSeqFromCursor(cursor: string | undefined): number | undefined {
  if (!cursor) return undefined;
  const v = decodeCursor(cursor)?.[0];
  if (typeof v !== 'number' || !Number.isSafeInteger(v))
    throw new AppError(ErrorCodes.VALIDATION_FAILED, 'invalid cursor', {
      fields: [{ path: 'cursor', message: 'invalid cursor' }],
    });
  return v;
}

export function createTradesService(deps: TradesDeps) {
  const { db } = deps;
  return {
    async listTrades(actor: UserActor, q: TTradesQuery): Promise<TPage<TTrade>> {
      const rows = await repo.listTrades(db, {
        partyOrgId: actor.orgId,
        districts: overseenDistricts(actor),
        ...(q.status ? { status: q.status } : {}),
        ...(q.material ? { material: q.material } : {}),
        ...(q.org ? { withOrgId: q.org } : {}),
        beforeSeq: beforeSeqFromCursor(q.cursor),
        limit: q.limit + 1,
      });
      const page = rows.slice(0, q.limit);
      return {
        items: await withManifestIds(db, page),
        nextCursor: rows.length > q.limit ? encodeCursor([page.at(-1)!.seq]) : null,
      };
    },

    async getTrade(actor: UserActor, id: string): Promise<TTrade> {
      const row = await repo.findTrade(db, id);
      if (!row || !canSeeTrade(actor, row)) throw new AppError(ErrorCodes.NOT_FOUND, 'no such trade');
      return (await withManifestIds(db, [row]))[0]!;
    },

    /** Whether two orgs have traded with each other (credit: parties may read each other's score). */
    haveTraded(a: string, b: string): Promise<boolean> {
      return repo.haveTraded(db, a, b);
    },
  };
}
