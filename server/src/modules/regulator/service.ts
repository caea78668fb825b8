/**
 * Regulator monitoring (DESIGN §5 step 9, §7 regulator; issue 7): flows between districts with a
 * drill-down to trades and manifests, programme indicators beside the pilot plan's targets, and
 * licence capacity. Reads only; every query is filtered in SQL to the actor's scope (trades whose
 * origin or destination is in scope; a city regulator sees everything). Alerts live in ../alerts.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Clock } from '../../clock.js';
import type { Db } from '../../db/client.js';
import { AppError, ErrorCodes } from '../../../../shared/src/errors.js';
import { shanghaiYear } from '../../../../shared/src/calendar.js';
import { cursorInstant, decodeCursor, encodeCursor, type TPage } from '../../../../shared/src/schemas/common.js';
import type {
  TCapacity,
  TDisposerCapacity,
  TFlowTrade,
  TFlowTradesQuery,
  TFlows,
  TFlowsQuery,
  TIndicators,
} from '../../../../shared/src/schemas/regulator.js';
import type { UserActor } from '../../http/actor.js';
import { overseenDistricts } from '../orgs/index.js';
import { isCapacityHigh, permittedCapacity, CAPACITY_HIGH_BP } from '../alerts/index.js';
import { resolveRange, splitRange } from './flows.js';
import { computeIndicators, planTargets, targetMaterials, type PlanTargetEntry } from './indicators.js';
import * as repo from './repo.js';

export type RegulatorService = ReturnType<typeof createRegulatorService>;

const PLAN_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared/data/shaoxing-plan.json');
let planCache: Promise<{ source: string; targets: PlanTargetEntry[] }> | null = null;
function loadPlan(): Promise<{ source: string; targets: PlanTargetEntry[] }> {
  planCache ??= readFile(PLAN_FILE, 'utf8').then((text) => {
    const plan = JSON.parse(text) as { source: string; targets: PlanTargetEntry[] };
    return { source: plan.source, targets: plan.targets };
  });
  return planCache;
}

const scopeOf = (districts: string[] | null): 'city' | string[] => districts ?? 'city';

function edgeCursor(cursor: string | undefined): { at: string; seq: number } | undefined {
  if (!cursor) return undefined;
  const v = decodeCursor(cursor);
  const at = cursorInstant(v?.[0]);
  const seq = v?.[1];
  if (at === null || typeof seq !== 'number' || !Number.isSafeInteger(seq))
    throw new AppError(ErrorCodes.VALIDATION_FAILED, 'invalid cursor', {
      fields: [{ path: 'cursor', message: 'invalid cursor' }],
    });
  return { at, seq };
}

/** Capacity per disposer from licence rows (one row per licence). */
function disposersFrom(rowsIn: readonly repo.CapacityLicenceRow[], year: number): TDisposerCapacity[] {
  const byOrg = new Map<string, repo.CapacityLicenceRow[]>();
  for (const r of rowsIn) byOrg.set(r.orgId, [...(byOrg.get(r.orgId) ?? []), r]);
  return [...byOrg.values()].map((ls) => {
    const first = ls[0]!;
    const { permittedKg, licence } = permittedCapacity(
      ls.map((l) => ({
        id: l.licenceId,
        number: l.number,
        status: l.status,
        annualCapacityKg: l.annualCapacityKg,
        validFrom: l.validFrom,
        validTo: l.validTo,
      })),
      year,
    );
    return {
      orgId: first.orgId,
      name: first.orgName,
      district: first.district,
      permittedKg,
      usedKg: first.usedKg,
      receivedKg: first.receivedKg,
      share: licence ? first.usedKg / permittedKg : null,
      high: licence ? isCapacityHigh(first.usedKg, permittedKg) : false,
      wasteCodes: [...new Set(ls.filter((l) => l.status === 'approved').flatMap((l) => l.wasteCodes))].sort(),
      licences: ls.map((l) => ({
        id: l.licenceId,
        number: l.number,
        status: l.status,
        wasteCodes: l.wasteCodes,
        annualCapacityKg: l.annualCapacityKg,
        validFrom: l.validFrom,
        validTo: l.validTo,
      })),
    };
  });
}

export function createRegulatorService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;

  async function capacity(actor: UserActor, year: number): Promise<TCapacity> {
    return capacityIn(overseenDistricts(actor), year);
  }
  async function capacityIn(districts: string[] | null, year: number): Promise<TCapacity> {
    const disposers = disposersFrom(await repo.reading(db, (tx) => repo.capacityRows(tx, year, districts)), year).sort(
      (a, b) => (b.share ?? -1) - (a.share ?? -1) || a.name.localeCompare(b.name),
    );
    return { year, scope: scopeOf(districts), thresholdShare: CAPACITY_HIGH_BP / 10_000, disposers };
  }

  return {
    /** GET /regulator/flows: edges origin → destination (by category or material) over the range. */
    async flows(actor: UserActor, q: TFlowsQuery): Promise<TFlows> {
      const districts = overseenDistricts(actor);
      const { from, to } = resolveRange(q, clock.now());
      const found = await repo.reading(db, (tx) =>
        repo.flowEdges(tx, {
          parts: splitRange(from, to),
          districts,
          groupBy: q.groupBy,
          ...(q.stream ? { stream: q.stream } : {}),
        }),
      );
      const edges = found.map((e) => ({
        fromDistrict: e.fromDistrict,
        toDistrict: e.toDistrict,
        ...(q.groupBy === 'category' ? { category: e.key ?? '' } : {}),
        ...(q.groupBy === 'material' ? { materialCode: e.key ?? '' } : {}),
        contractedKg: e.contractedKg,
        receivedKg: e.receivedKg,
        trades: e.trades,
      }));
      const totals = edges.reduce(
        (t, e) => ({
          contractedKg: t.contractedKg + e.contractedKg,
          receivedKg: t.receivedKg + e.receivedKg,
          trades: t.trades + e.trades,
        }),
        { contractedKg: 0, receivedKg: 0, trades: 0 },
      );
      return { from, to, groupBy: q.groupBy, stream: q.stream ?? null, scope: scopeOf(districts), edges, totals };
    },

    /** GET /regulator/flows/trades: one edge's trades with their manifests, newest first. */
    async flowTrades(actor: UserActor, q: TFlowTradesQuery): Promise<TPage<TFlowTrade>> {
      const districts = overseenDistricts(actor);
      const { from, to } = resolveRange(q, clock.now());
      const after = edgeCursor(q.cursor);
      const found = await repo.reading(db, (tx) =>
        repo.edgeTrades(tx, {
          from,
          to,
          fromDistrict: q.fromDistrict,
          toDistrict: q.toDistrict,
          districts,
          ...(q.stream ? { stream: q.stream } : {}),
          ...(q.category ? { category: q.category } : {}),
          ...(q.material ? { material: q.material } : {}),
          ...(after ? { after } : {}),
          limit: q.limit + 1,
        }),
      );
      const page = found.slice(0, q.limit);
      const manifests = await repo.reading(db, (tx) =>
        repo.manifestsOfTrades(
          tx,
          page.map((t) => t.id),
        ),
      );
      const items = page.map((t): TFlowTrade => {
        const ms = manifests.filter((m) => m.tradeId === t.id);
        return {
          id: t.id,
          createdAt: t.createdAt.toISOString(),
          status: t.status,
          materialCode: t.materialCode,
          category: t.category,
          hazardous: t.hazardous,
          quantityKg: t.quantityKg,
          pricePerTonneFen: t.pricePerTonneFen,
          originDistrict: t.originDistrict,
          destinationDistrict: t.destinationDistrict,
          generator: { id: t.generatorId, name: t.generatorName },
          receiver: { id: t.receiverId, name: t.receiverName },
          receivedKg: ms.reduce((a, m) => a + (m.status === 'received' || m.status === 'closed' ? (m.acceptedKg ?? 0) : 0), 0),
          manifests: ms.map((m) => ({
            id: m.id,
            number: m.number,
            status: m.status,
            declaredKg: m.declaredKg,
            loadedKg: m.loadedKg,
            receivedKg: m.receivedKg,
            acceptedKg: m.acceptedKg,
            decision: m.decision,
            disposalMethod: m.disposalMethod,
            receiptDueAt: m.receiptDueAt?.toISOString() ?? null,
            receivedAt: m.receivedAt?.toISOString() ?? null,
            closedAt: m.closedAt?.toISOString() ?? null,
          })),
        };
      });
      const last = page.at(-1);
      return {
        items,
        nextCursor: found.length > q.limit && last ? encodeCursor([last.createdAt.toISOString(), last.seq]) : null,
      };
    },

    /** GET /regulator/indicators: the year's indicators with definitions, beside the plan's targets. */
    indicators: (actor: UserActor, yearIn: number | undefined): Promise<TIndicators> =>
      indicatorsIn(overseenDistricts(actor), yearIn),

    /** GET /public/indicators (issue 14 item 6): the city-wide indicators, as a city regulator sees them. */
    cityIndicators: (yearIn: number | undefined): Promise<TIndicators> => indicatorsIn(null, yearIn),

    /** GET /regulator/capacity: each licensed disposer in scope, permitted vs used for the year. */
    capacity: (actor: UserActor, year: number | undefined) => capacity(actor, year ?? shanghaiYear(clock.now())),
  };

  async function indicatorsIn(districts: string[] | null, yearIn: number | undefined): Promise<TIndicators> {
    const year = yearIn ?? shanghaiYear(clock.now());
    const plan = await loadPlan();
    const [cells, medians, cap, byStream, prevByStream, byMaterial] = await Promise.all([
      repo.reading(db, (tx) => repo.monthCells(tx, year, districts)),
      repo.reading(db, (tx) => repo.monthlyMedians(tx, year, districts)),
      capacityIn(districts, year),
      // The year rows: this year and the one before by stream, and the targets' materials.
      repo.reading(db, (tx) => repo.yearByStream(tx, year, districts)),
      repo.reading(db, (tx) => repo.yearByStream(tx, year - 1, districts)),
      repo.reading(db, (tx) => repo.yearByMaterial(tx, year, districts, targetMaterials(plan.targets))),
    ]);
    const indicators = computeIndicators({
      year,
      cells,
      medians,
      disposers: cap.disposers
        .filter((d) => d.permittedKg > 0)
        .map((d) => ({ orgId: d.orgId, name: d.name, usedKg: d.usedKg, permittedKg: d.permittedKg })),
    });
    const safe = indicators.find((i) => i.id === 'hazardous_safely_received_share')?.value ?? null;
    return {
      year,
      scope: scopeOf(districts),
      platformTradesOnly: true,
      noteZh: '以上数据仅统计本平台成交的交易（平台口径），不代表全市固体废物总量。',
      noteEn: 'Measured over platform trades only; not the city’s total solid waste.',
      indicators,
      planTargets: planTargets(plan.targets, { byStream, prevByStream, byMaterial, hazardousSafeShare: safe }),
      planSource: plan.source,
    };
  }
}
