/**
 * The programme indicators (issue 7 §4; docs/indicators.md), pure: each is computed from the sums the
 * repo reads, with its definition text and unit, and shown beside the pilot plan's targets
 * (shared/data/shaoxing-plan.json). Everything is measured over platform trades only.
 */
import { STREAMS } from '../../../../shared/src/schemas/catalog.js';
import type { TIndicator, TIndicatorSeries, TMonthValue, TPlanTarget } from '../../../../shared/src/schemas/regulator.js';
import type { MedianCell, Measures, MonthCell } from './repo.js';
import { monthsOf } from './flows.js';

const DAY_MS = 86_400_000;

const ZERO: Measures = {
  trades: 0,
  contractedKg: 0,
  listedTrades: 0,
  listingToTradeMs: 0,
  receivedKg: 0,
  decidedLoadedKg: 0,
  reportedKg: 0,
  utilisedKg: 0,
  landfilledKg: 0,
  manifestsOnTime: 0,
  manifestsLate: 0,
};

export function add(a: Measures, b: Measures): Measures {
  const out = { ...a };
  for (const k of Object.keys(ZERO) as (keyof Measures)[]) out[k] = a[k] + b[k];
  return out;
}

function sum(cells: readonly Measures[]): Measures {
  return cells.reduce<Measures>((acc, c) => add(acc, c), ZERO);
}

const ratio = (num: number, den: number): number | null => (den > 0 ? num / den : null);

/** How each ratio indicator is made from the sums: numerator, denominator, scale. */
const FORMULAS = {
  utilisation_share: (m: Measures) => [m.utilisedKg, m.reportedKg] as const,
  hazardous_safely_received_share: (m: Measures) => [m.receivedKg, m.decidedLoadedKg] as const,
  manifest_on_time_rate: (m: Measures) => [m.manifestsOnTime, m.manifestsOnTime + m.manifestsLate] as const,
  mean_days_listing_to_trade: (m: Measures) => [m.listingToTradeMs, m.listedTrades * DAY_MS] as const,
};

interface Definition {
  unit: TIndicator['unit'];
  nameZh: string;
  nameEn: string;
  definitionZh: string;
  definitionEn: string;
}

/** The definitions, also in docs/indicators.md. */
const DEFINITIONS: Record<TIndicator['id'], Definition> = {
  tonnes_traded: {
    unit: 'kg',
    nameZh: '各类固废交易量',
    nameEn: 'Tonnes traded per stream',
    definitionZh:
      '当年（北京时间自然年）成交的交易合同重量之和，按固废类别分列，不含已取消的交易。危险废物批次计入“危险废物”；按鉴别结果为一般固废的批次计入“一般工业固废”。以千克为单位返回，界面显示为吨。',
    definitionEn:
      'Kilograms contracted in trades made in the year (Asia/Shanghai calendar), by stream, cancelled trades excluded. A hazardous lot counts as hazardous; a lot classified non-hazardous counts as general industrial. Returned in kg, shown in tonnes.',
  },
  utilisation_share: {
    unit: 'ratio',
    nameZh: '综合利用率（平台口径）',
    nameEn: 'Utilisation share',
    definitionZh:
      '已报告利用/处置方式的转移联单中，接收方报告为“利用”（R 类代码或利用、回收、再生等方式）的验收重量 ÷ 已报告方式的验收重量。尚未报告方式的联单不计入。',
    definitionEn:
      'Of the kg accepted on trips whose utilisation or disposal method has been reported (closed manifests), the share reported as utilisation (an R code, or reuse, recycling, recovery). Trips without a reported method are not counted.',
  },
  hazardous_safely_received_share: {
    unit: 'ratio',
    nameZh: '危险废物安全接收率',
    nameEn: 'Hazardous waste safely received share',
    definitionZh:
      '危险废物转移联单中，持证接收单位验收的重量 ÷ 已作出接收决定（接收、部分接收或拒收）的联单的装车重量。途中短少、拒收退回都会降低该比例。',
    definitionEn:
      'On hazardous trips with a receipt decision (accepted, partly accepted or rejected), the kg the licensed receiver accepted ÷ the kg loaded. Losses on the road and rejected loads lower it.',
  },
  manifest_on_time_rate: {
    unit: 'ratio',
    nameZh: '联单按时闭环率',
    nameEn: 'Manifest on-time closure rate',
    definitionZh:
      '按时闭环的联单数 ÷（按时闭环数 + 逾期联单数）。按时闭环：已报告处置（或已拒收）且接收确认不晚于到达后 5 个工作日、处置报告不晚于期限；逾期：任一步骤晚于期限，或期限已过仍未完成。仍在期限内进行中的联单不计入。',
    definitionEn:
      'Trips closed on time ÷ (closed on time + late). On time: disposal reported (or the load rejected) with the receipt decision by receiptDueAt and the disposal report by disposalDueAt. Late: any step after its deadline, or a deadline passed with the step still open. Trips in progress within their deadlines are not counted.',
  },
  mean_days_listing_to_trade: {
    unit: 'days',
    nameZh: '挂牌至成交平均天数',
    nameEn: 'Mean days from listing to trade',
    definitionZh: '当年成交且来自挂牌的交易，从挂牌发布到成交的平均时长（天，含小数）。',
    definitionEn:
      'For trades made in the year from a listing: the mean time from the listing being posted to the trade, in days (fractional).',
  },
  cross_district_share: {
    unit: 'ratio',
    nameZh: '跨区县转移比例',
    nameEn: 'Cross-district share',
    definitionZh: '产生地（挂牌所在区县）与接收单位所在区县不同的交易合同重量 ÷ 全部合同重量。',
    definitionEn:
      'Contracted kg whose origin (the listing’s district) differs from the receiver’s home district ÷ all contracted kg.',
  },
  capacity_utilisation: {
    unit: 'ratio',
    nameZh: '持证单位许可能力利用率',
    nameEn: 'Licence capacity utilisation per disposer',
    definitionZh:
      '每家持危险废物经营许可证的处置单位：当年作为接收方签订的危险废物合同重量（不含取消）÷ 当年有效的最大核准年处置能力。超过 90% 时向监管部门预警。总值为各单位合计之比。',
    definitionEn:
      'Per licensed disposer: hazardous kg contracted as receiver in trades made in the year (not cancelled) ÷ the largest approved annual capacity valid in the year. Above 90 % a capacity_high alert is raised. The headline is the ratio of the totals.',
  },
  median_price_by_month: {
    unit: 'fen_per_tonne',
    nameZh: '各物料月度成交价中位数',
    nameEn: 'Median price per material by month',
    definitionZh:
      '当月成交（不含取消）的每笔交易价格（分/吨，正数为接收方付费，负数为产废单位付处置费）的中位数；偶数笔时取中间两笔的平均值。',
    definitionEn:
      'The median of the prices (fen per tonne; negative: the generator pays a disposal fee) of the trades made in the month, cancelled excluded; with an even count, the mean of the two middle prices.',
  },
};

function indicator(
  id: TIndicator['id'],
  body: Pick<TIndicator, 'value' | 'monthly' | 'series'> & Partial<Pick<TIndicator, 'numerator' | 'denominator'>>,
): TIndicator {
  const d = DEFINITIONS[id];
  return {
    id,
    unit: d.unit,
    nameZh: d.nameZh,
    nameEn: d.nameEn,
    definitionZh: d.definitionZh,
    definitionEn: d.definitionEn,
    ...body,
  };
}

function byMonth(
  cells: readonly MonthCell[],
  year: number,
  pick: (m: Measures) => number | null,
  filter: (c: MonthCell) => boolean = () => true,
): TMonthValue[] {
  return monthsOf(year).map((month) => ({ month, value: pick(sum(cells.filter((c) => c.month === month && filter(c)))) }));
}

function ratioIndicator(
  id: keyof typeof FORMULAS,
  cells: readonly MonthCell[],
  year: number,
  filter: (c: MonthCell) => boolean = () => true,
  withStreams = true,
): TIndicator {
  const f = FORMULAS[id];
  const pick = (m: Measures) => ratio(...f(m));
  const all = sum(cells.filter(filter));
  const [num, den] = f(all);
  const series: TIndicatorSeries[] = withStreams
    ? STREAMS.map((s) => {
        const m = sum(cells.filter((c) => c.stream === s && filter(c)));
        const [sn, sd] = f(m);
        return {
          key: s,
          value: ratio(sn, sd),
          numerator: sn,
          denominator: sd,
          monthly: byMonth(cells, year, pick, (c) => c.stream === s && filter(c)),
        };
      })
    : [];
  return indicator(id, {
    value: ratio(num, den),
    numerator: num,
    denominator: den,
    monthly: byMonth(cells, year, pick, filter),
    series,
  });
}

export interface DisposerUse {
  orgId: string;
  name: string;
  usedKg: number;
  permittedKg: number;
}

export interface IndicatorInputs {
  year: number;
  cells: readonly MonthCell[];
  medians: readonly MedianCell[];
  disposers: readonly DisposerUse[];
}

export function medianOf(middle: readonly number[]): number | null {
  if (middle.length === 0) return null;
  if (middle.length === 1) return middle[0]!;
  return (middle[0]! + middle[1]!) / 2;
}

export function computeIndicators(inp: IndicatorInputs): TIndicator[] {
  const { year, cells } = inp;
  const total = sum(cells);

  const tonnes = indicator('tonnes_traded', {
    value: total.contractedKg,
    monthly: byMonth(cells, year, (m) => m.contractedKg),
    series: STREAMS.map((s) => {
      const m = sum(cells.filter((c) => c.stream === s));
      return {
        key: s,
        value: m.contractedKg,
        numerator: m.receivedKg,
        monthly: byMonth(
          cells,
          year,
          (x) => x.contractedKg,
          (c) => c.stream === s,
        ),
      };
    }),
  });

  const cross = sum(cells.filter((c) => c.crossDistrict));
  const crossShare = indicator('cross_district_share', {
    value: ratio(cross.contractedKg, total.contractedKg),
    numerator: cross.contractedKg,
    denominator: total.contractedKg,
    monthly: monthsOf(year).map((month) => {
      const inMonth = cells.filter((c) => c.month === month);
      return { month, value: ratio(sum(inMonth.filter((c) => c.crossDistrict)).contractedKg, sum(inMonth).contractedKg) };
    }),
    series: STREAMS.map((s) => {
      const all = sum(cells.filter((c) => c.stream === s));
      const x = sum(cells.filter((c) => c.stream === s && c.crossDistrict));
      return { key: s, value: ratio(x.contractedKg, all.contractedKg), numerator: x.contractedKg, denominator: all.contractedKg };
    }),
  });

  const used = inp.disposers.reduce((a, d) => a + d.usedKg, 0);
  const permitted = inp.disposers.reduce((a, d) => a + d.permittedKg, 0);
  const capacity = indicator('capacity_utilisation', {
    value: ratio(used, permitted),
    numerator: used,
    denominator: permitted,
    monthly: [],
    series: inp.disposers.map((d) => ({
      key: d.orgId,
      label: d.name,
      value: ratio(d.usedKg, d.permittedKg),
      numerator: d.usedKg,
      denominator: d.permittedKg,
    })),
  });

  const byMaterial = new Map<string, MedianCell[]>();
  for (const m of inp.medians) byMaterial.set(m.materialCode, [...(byMaterial.get(m.materialCode) ?? []), m]);
  const medians = indicator('median_price_by_month', {
    value: null,
    monthly: [],
    series: [...byMaterial.entries()].map(([code, ms]) => ({
      key: code,
      value: null,
      numerator: ms.reduce((a, m) => a + m.trades, 0),
      monthly: monthsOf(year).map((month) => {
        const m = ms.find((x) => x.month === month);
        return { month, value: m ? medianOf(m.middle) : null };
      }),
    })),
  });

  return [
    tonnes,
    ratioIndicator('utilisation_share', cells, year),
    ratioIndicator('hazardous_safely_received_share', cells, year, (c) => c.stream === 'hazardous', false),
    ratioIndicator('manifest_on_time_rate', cells, year),
    ratioIndicator('mean_days_listing_to_trade', cells, year),
    crossShare,
    capacity,
    medians,
  ];
}

// ── The pilot plan's targets ────────────────────────────────────────────────────────────────────

export interface PlanTargetEntry {
  id: string;
  nameZh: string;
  /** The plan is Chinese; an English name only when the data has one. */
  nameEn?: string;
  target: string;
  by: string;
  section: string;
  stream?: string;
  materials?: string[];
  note?: string;
}

export interface TargetInputs {
  /** Year measures by stream, this year and the year before. */
  byStream: Map<string, Measures>;
  prevByStream: Map<string, Measures>;
  /** Year measures by material code (the targets' materials). */
  byMaterial: Map<string, Measures>;
  hazardousSafeShare: number | null;
}

type Measured = NonNullable<TPlanTarget['measured']>;

const UTIL_BASIS = {
  basisZh: '平台交易：利用量 ÷ 已报告去向的验收量',
  basisEn: 'platform trades: kg utilised ÷ kg accepted with a reported method',
};
const RECOVERY_BASIS = {
  basisZh: '平台交易：接收方验收量 ÷ 合同量',
  basisEn: 'platform trades: kg accepted by receivers ÷ kg contracted',
};

/** How each plan target is measured from platform trades, or why it cannot be. */
function measure(
  t: PlanTargetEntry,
  x: TargetInputs,
): { measured: Measured | null; noteZh: string | null; noteEn: string | null } {
  const mats = (codes: readonly string[] | undefined) => sum((codes ?? []).map((c) => x.byMaterial.get(c) ?? ZERO));
  switch (t.id) {
    case 'livestock_manure_utilisation':
    case 'straw_utilisation': {
      const m = mats(t.materials);
      return { measured: { value: ratio(m.utilisedKg, m.reportedKg), unit: 'ratio', ...UTIL_BASIS }, noteZh: null, noteEn: null };
    }
    case 'pesticide_packaging_recovery':
    case 'ag_film_recovery': {
      const m = mats(t.materials);
      return {
        measured: { value: ratio(m.receivedKg, m.contractedKg), unit: 'ratio', ...RECOVERY_BASIS },
        noteZh: null,
        noteEn: null,
      };
    }
    case 'household_recycling_rate': {
      const m = x.byStream.get('household_recyclable') ?? ZERO;
      return { measured: { value: ratio(m.utilisedKg, m.reportedKg), unit: 'ratio', ...UTIL_BASIS }, noteZh: null, noteEn: null };
    }
    case 'renewable_recovery_growth': {
      const now = (x.byStream.get('household_recyclable') ?? ZERO).contractedKg;
      const before = (x.prevByStream.get('household_recyclable') ?? ZERO).contractedKg;
      return {
        measured: {
          value: before > 0 ? (now - before) / before : null,
          unit: 'ratio',
          basisZh: '平台交易：生活源可回收物合同量较上年增长',
          basisEn: 'platform trades: household recyclables contracted, growth on the year before',
        },
        noteZh: null,
        noteEn: null,
      };
    }
    case 'paper_residue_zero_landfill': {
      const m = mats(t.materials);
      return {
        measured: {
          value: m.landfilledKg,
          unit: 'kg',
          basisZh: '平台交易：报告为填埋的验收量',
          basisEn: 'platform trades: accepted kg reported as landfilled',
        },
        noteZh: null,
        noteEn: null,
      };
    }
    case 'hazardous_waste_safe_disposal':
      return {
        measured: {
          value: x.hazardousSafeShare,
          unit: 'ratio',
          basisZh: '平台交易：危险废物安全接收率（持证单位验收量 ÷ 装车量）',
          basisEn: 'platform trades: hazardous safely received share (kg accepted by licensed receivers ÷ kg loaded)',
        },
        noteZh: null,
        noteEn: null,
      };
    case 'industrial_waste_reduction':
      return {
        measured: null,
        noteZh: '需要 2018 年底产生量基数，交易数据无法衡量。',
        noteEn: 'Needs the end-2018 generation baseline, which trades do not measure.',
      };
    case 'medical_waste_coverage':
      return {
        measured: null,
        noteZh: '医疗废物（HW01）实行集中处置，不在平台交易。',
        noteEn: 'Medical waste (HW01) goes to designated centralised disposal and is not traded on the platform.',
      };
    default:
      return {
        measured: null,
        noteZh: '交易数据无法衡量，仅作背景。',
        noteEn: t.note ?? 'Not measurable from trades; shown as context only.',
      };
  }
}

export function planTargets(entries: readonly PlanTargetEntry[], x: TargetInputs): TPlanTarget[] {
  return entries.map((t) => ({
    id: t.id,
    nameZh: t.nameZh,
    nameEn: t.nameEn ?? null,
    target: t.target,
    by: t.by,
    section: t.section,
    stream: t.stream ?? null,
    materials: t.materials ?? [],
    ...measure(t, x),
  }));
}

/** Every material code the targets measure (for one rollup read). */
export function targetMaterials(entries: readonly PlanTargetEntry[]): string[] {
  return [...new Set(entries.flatMap((t) => t.materials ?? []))];
}
