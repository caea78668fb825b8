/**
 * Public disclosure (公示, issue 14 item 6; DESIGN §7 `GET /public/…`): the price index per material,
 * aggregated flows by stream and month, the plan indicators, organisations at red and black credit
 * with the reasons in force, and suspended or revoked licences. No sign-in; rate-limited per IP like
 * every anonymous route (app.ts).
 *
 * The flows follow the price index's rule (DESIGN §6.3, prices/publish.ts): a cell is published only
 * when at least 3 distinct generators and 3 distinct receivers made its trades, else it is listed as
 * suppressed with no figure; only finished months are listed (a running month would give each new
 * deal away to anyone comparing two reads), and no total is published beside them (a total minus the
 * published cells would reveal a suppressed one). No party is named in a flow.
 */
import type { Clock } from '../../clock.js';
import type { Db } from '../../db/client.js';
import { shanghaiDate, startOfShanghaiDay } from '../../../../shared/src/calendar.js';
import type {
  TPublicCreditList,
  TPublicFlows,
  TPublicFlowsQuery,
  TPublicIndicators,
  TPublicLicences,
} from '../../../../shared/src/schemas/public.js';
import type { TPriceIndex, TPriceIndexQuery } from '../../../../shared/src/schemas/prices.js';
import { INDEX_MIN_GENERATORS, INDEX_MIN_RECEIVERS, type PricesService } from '../prices/index.js';
import type { RegulatorService } from '../regulator/index.js';
import { publicRedBlackList } from '../credit/index.js';
import * as repo from './repo.js';

export type DisclosureService = ReturnType<typeof createDisclosureService>;

/** Indicators with a per-organisation breakdown or single-deal prices are not published here. */
const NOT_PUBLISHED: ReadonlySet<string> = new Set(['capacity_utilisation', 'median_price_by_month']);
/**
 * Units published: shares and days. A kg total is not, because the year's total minus the flows'
 * published cells would reveal a suppressed cell (one enterprise's trades).
 */
const PUBLISHED_UNITS: ReadonlySet<string> = new Set(['ratio', 'days']);

/** YYYY-MM-01 of the month `k` months after the month of `date` (k may be negative). */
function monthStart(date: string, k: number): string {
  const d = new Date(`${date.slice(0, 7)}-01T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + k);
  return d.toISOString().slice(0, 10);
}

/** Whether a cell may be published: the 3 + 3 distinct-party rule of DESIGN §6.3. */
export function publishable(c: { generators: number; receivers: number }): boolean {
  return c.generators >= INDEX_MIN_GENERATORS && c.receivers >= INDEX_MIN_RECEIVERS;
}

export function createDisclosureService(deps: {
  db: Db;
  clock: Clock;
  prices: Pick<PricesService, 'priceIndex'>;
  regulator: Pick<RegulatorService, 'cityIndicators'>;
}) {
  const { db, clock } = deps;
  return {
    /** GET /public/prices: the public price index of one material (its own 3 + 3 rule). */
    prices: (q: TPriceIndexQuery): Promise<TPriceIndex> => deps.prices.priceIndex(q),

    /** GET /public/flows: the last finished months by stream, each cell under the 3 + 3 rule. */
    async flows(q: TPublicFlowsQuery): Promise<TPublicFlows> {
      const thisMonth = monthStart(shanghaiDate(clock.now()), 0);
      const first = monthStart(thisMonth, -q.months);
      const cells = await repo.flowCells(db, startOfShanghaiDay(first), startOfShanghaiDay(thisMonth));
      return {
        from: first.slice(0, 7),
        to: monthStart(thisMonth, -1).slice(0, 7),
        minDistinctGenerators: INDEX_MIN_GENERATORS,
        minDistinctReceivers: INDEX_MIN_RECEIVERS,
        cells: cells.map((c) =>
          publishable(c)
            ? {
                month: c.month,
                stream: c.stream,
                suppressed: false,
                trades: c.trades,
                contractedKg: c.contractedKg,
                deliveredKg: c.deliveredKg,
                crossDistrictKg: c.crossDistrictKg,
              }
            : {
                month: c.month,
                stream: c.stream,
                suppressed: true,
                trades: null,
                contractedKg: null,
                deliveredKg: null,
                crossDistrictKg: null,
              },
        ),
      };
    },

    /** GET /public/indicators: the plan's targets and the city-wide headline indicators. */
    async indicators(year: number | undefined): Promise<TPublicIndicators> {
      const all = await deps.regulator.cityIndicators(year);
      const parties = await repo.distinctParties(
        db,
        startOfShanghaiDay(`${all.year}-01-01`),
        startOfShanghaiDay(`${all.year + 1}-01-01`),
      );
      const published = publishable(parties);
      const shown = (value: number | null, unit: string) => (published && PUBLISHED_UNITS.has(unit) ? value : null);
      return {
        year: all.year,
        published,
        noteZh: all.noteZh,
        noteEn: all.noteEn,
        indicators: all.indicators
          .filter((i) => !NOT_PUBLISHED.has(i.id))
          .map((i) => ({
            id: i.id,
            unit: i.unit,
            nameZh: i.nameZh,
            nameEn: i.nameEn,
            definitionZh: i.definitionZh,
            definitionEn: i.definitionEn,
            value: shown(i.value, i.unit),
          })),
        planTargets: all.planTargets.map((p) =>
          p.measured ? { ...p, measured: { ...p.measured, value: shown(p.measured.value, p.measured.unit) } } : p,
        ),
        planSource: all.planSource,
      };
    },

    /** GET /public/credit: organisations at red or black, with the reasons in force. */
    async credit(): Promise<TPublicCreditList> {
      return { items: await publicRedBlackList(db, clock.now()) };
    },

    /** GET /public/licences: licences suspended or revoked now. */
    async licences(): Promise<TPublicLicences> {
      const found = await repo.suspendedOrRevokedLicences(db);
      return {
        items: found.map((l) => ({
          orgName: l.orgName,
          uscc: l.uscc,
          district: l.district,
          licenceNumber: l.number,
          kind: l.kind,
          status: l.status,
          decidedAt: l.decidedAt?.toISOString() ?? null,
          reason: l.decisionNote,
        })),
      };
    },
  };
}
