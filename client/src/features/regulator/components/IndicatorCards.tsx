import { useMemo } from 'react';
import { DataText } from '../../../components/DataText';
import { useI18n, type Lang } from '../../../i18n';
import { useMaterials } from '../../catalog/materials';
import type { Indicators } from '../api';
import { EChart, type ChartOption } from '../EChart';
import { formatIndicator, formatKgShort, formatShare, rk } from '../labels';

type Indicator = Indicators['indicators'][number];

const MONTHS_ZH = ['1月', '2月', '3月', '4月', '5月', '6月', '7月', '8月', '9月', '10月', '11月', '12月'];
const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const monthLabel = (month: string, lang: Lang) => (lang === 'en' ? MONTHS_EN : MONTHS_ZH)[Number(month.slice(5)) - 1] ?? month;
/** Legend names short enough not to crowd: the first clause, at most 10 characters (CJK) or 22 (Latin). */
const shortName = (name: string, lang: Lang) => {
  const first = name.split(/[，,（(]/)[0] ?? name;
  const max = lang === 'en' ? 22 : 10;
  return first.length > max ? `${first.slice(0, max)}…` : first;
};
const LINE_COLORS = ['#0b6e4f', '#1f5fa8', '#a2401b', '#8a5a00', '#6b3fa0', '#2a7f8f'];

/** A small trend line of one indicator's months. */
function trend(monthly: { month: string; value: number | null }[], unit: Indicator['unit'], lang: Lang): ChartOption {
  const scale = (v: number | null) => (v === null ? null : unit === 'kg' ? v / 1000 : unit === 'ratio' ? v * 100 : v);
  return {
    grid: { left: 4, right: 4, top: 6, bottom: 18 },
    tooltip: {
      trigger: 'axis',
      valueFormatter: (v) =>
        v === null || v === undefined
          ? '—'
          : `${Number(v).toFixed(unit === 'ratio' ? 1 : 0)}${unit === 'ratio' ? '%' : unit === 'kg' ? (lang === 'en' ? ' t' : ' 吨') : ''}`,
    },
    xAxis: {
      type: 'category',
      data: monthly.map((m) => monthLabel(m.month, lang)),
      axisLabel: { fontSize: 9, interval: 2 },
      axisTick: { show: false },
    },
    yAxis: { type: 'value', show: false, ...(unit === 'ratio' ? { min: 0, max: 100 } : {}) },
    series: [
      {
        type: 'line',
        data: monthly.map((m) => scale(m.value)),
        smooth: true,
        symbolSize: 4,
        connectNulls: false,
        lineStyle: { width: 2, color: '#0b6e4f' },
        itemStyle: { color: '#0b6e4f' },
        areaStyle: { opacity: 0.08 },
      },
    ],
  };
}

function IndicatorCard({ ind }: { ind: Indicator }) {
  const { t, lang } = useI18n();
  const option = useMemo(() => trend(ind.monthly, ind.unit, lang), [ind, lang]);
  const name = lang === 'en' ? ind.nameEn : ind.nameZh;
  return (
    <article className="card ind" data-testid={`indicator-${ind.id}`}>
      <h3 className="ind__name">{name}</h3>
      <p className="ind__value" data-testid="indicator-value">
        {formatIndicator(ind.value, ind.unit, lang)}
      </p>
      {ind.numerator !== undefined && ind.denominator !== undefined && ind.unit === 'ratio' && (
        <p className="ind__basis small muted">
          {ind.id === 'manifest_on_time_rate'
            ? t('regulator.ind.countOf', { n: ind.numerator, d: ind.denominator })
            : t('regulator.ind.kgOf', { n: formatKgShort(ind.numerator, lang), d: formatKgShort(ind.denominator, lang) })}
        </p>
      )}
      {ind.id === 'tonnes_traded' && (
        <ul className="ind__streams small">
          {ind.series
            .filter((s) => (s.value ?? 0) > 0)
            .map((s) => (
              <li key={s.key}>
                {t(rk(`stream.${s.key}`))} <strong>{formatKgShort(s.value ?? 0, lang)}</strong>
              </li>
            ))}
        </ul>
      )}
      {ind.id === 'capacity_utilisation' ? (
        <p className="small">
          {t('regulator.ind.highCount', { n: ind.series.filter((s) => (s.value ?? 0) > 0.9).length, total: ind.series.length })}
        </p>
      ) : (
        <EChart option={option} height={64} label={t('regulator.ind.trendLabel', { name })} />
      )}
      <details className="ind__def">
        <summary>{t('regulator.ind.definition')}</summary>
        <p className="small">{lang === 'en' ? ind.definitionEn : ind.definitionZh}</p>
      </details>
    </article>
  );
}

/** The median price per material by month: the most traded materials as lines, yuan per tonne. */
function MedianCard({ ind }: { ind: Indicator }) {
  const { t, lang } = useI18n();
  const materials = useMaterials();
  const top = useMemo(() => [...ind.series].sort((a, b) => (b.numerator ?? 0) - (a.numerator ?? 0)).slice(0, 6), [ind]);
  const option = useMemo<ChartOption>(
    () => ({
      grid: { left: 56, right: 12, top: 34, bottom: 24 },
      legend: { top: 0, type: 'scroll', itemGap: 16, textStyle: { fontSize: 12 } },
      tooltip: {
        trigger: 'axis',
        valueFormatter: (v) =>
          v === null || v === undefined ? '—' : `¥${Number(v).toLocaleString('en-US')}${lang === 'en' ? '/t' : '/吨'}`,
      },
      xAxis: { type: 'category', data: (top[0]?.monthly ?? []).map((m) => monthLabel(m.month, lang)) },
      yAxis: { type: 'value', name: lang === 'en' ? 'yuan/t' : '元/吨', nameTextStyle: { fontSize: 10 } },
      series: top.map((s, i) => {
        const m = materials.get(s.key);
        return {
          type: 'line',
          name: m ? shortName(lang === 'en' ? m.nameEn : m.nameZh, lang) : s.key,
          data: (s.monthly ?? []).map((x) => (x.value === null ? null : x.value / 100)),
          connectNulls: false,
          symbolSize: 4,
          lineStyle: { width: 2, color: LINE_COLORS[i % LINE_COLORS.length] },
          itemStyle: { color: LINE_COLORS[i % LINE_COLORS.length] },
        };
      }),
    }),
    [top, lang, materials],
  );
  return (
    <article className="card ind ind--wide" data-testid={`indicator-${ind.id}`}>
      <h3 className="ind__name">{lang === 'en' ? ind.nameEn : ind.nameZh}</h3>
      {top.length === 0 ? (
        <p className="empty">{t('regulator.ind.noPrices')}</p>
      ) : (
        <EChart option={option} height={260} label={t('regulator.ind.medianLabel')} />
      )}
      <p className="small muted">{t('regulator.ind.medianNote')}</p>
      <details className="ind__def">
        <summary>{t('regulator.ind.definition')}</summary>
        <p className="small">{lang === 'en' ? ind.definitionEn : ind.definitionZh}</p>
      </details>
    </article>
  );
}

export function IndicatorCards({ indicators }: { indicators: Indicators }) {
  const medians = indicators.indicators.find((i) => i.id === 'median_price_by_month');
  return (
    <div className="ind-grid" data-testid="indicator-cards">
      {indicators.indicators
        .filter((i) => i.id !== 'median_price_by_month')
        .map((i) => (
          <IndicatorCard key={i.id} ind={i} />
        ))}
      {medians && <MedianCard ind={medians} />}
    </div>
  );
}

/** The pilot plan's targets beside what platform trades measured toward each. */
export function PlanTargets({ indicators }: { indicators: Indicators }) {
  const { t, lang } = useI18n();
  return (
    <div className="table-scroll">
      <table className="table table--compact" data-testid="plan-targets">
        <caption className="reg-caption">
          {t('regulator.plan.caption')} <span className="muted small">{indicators.planSource.split(',')[0]}</span>
        </caption>
        <thead>
          <tr>
            <th scope="col">{t('regulator.plan.target')}</th>
            <th scope="col">{t('regulator.plan.goal')}</th>
            <th scope="col" className="num">
              {t('regulator.plan.measured')}
            </th>
            <th scope="col">{t('regulator.plan.basis')}</th>
          </tr>
        </thead>
        <tbody>
          {indicators.planTargets.map((p) => (
            <tr key={p.id}>
              <td>
                <DataText zh={p.nameZh} en={p.nameEn} />
              </td>
              <td>
                {p.target} <span className="muted small">({p.by})</span>
              </td>
              <td className="num">
                {p.measured
                  ? p.measured.unit === 'ratio'
                    ? formatShare(p.measured.value)
                    : formatIndicator(p.measured.value, p.measured.unit, lang)
                  : '—'}
              </td>
              <td className="small">
                {p.measured ? (lang === 'en' ? p.measured.basisEn : p.measured.basisZh) : lang === 'en' ? p.noteEn : p.noteZh}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
