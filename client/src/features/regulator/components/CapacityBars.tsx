import { useMemo } from 'react';
import { useI18n } from '../../../i18n';
import { districtName } from '../../listings/labels';
import type { Capacity } from '../api';
import { EChart, type ChartOption } from '../EChart';
import { formatKgShort, formatShare } from '../labels';

/**
 * Licensed disposers' capacity use for the year: one bar per disposer (used ÷ permitted), the 90 %
 * alert line, and a table with the tonnes, the licences and the codes they cover.
 */
export function CapacityBars({ capacity }: { capacity: Capacity }) {
  const { t, lang } = useI18n();
  const shown = useMemo(() => capacity.disposers.filter((d) => d.permittedKg > 0).slice(0, 15), [capacity]);
  const option = useMemo<ChartOption>(
    () => ({
      grid: { left: 150, right: 48, top: 22, bottom: 24 },
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: 'shadow' },
        formatter: (ps: unknown) => {
          const p = (ps as { dataIndex: number }[])[0];
          const d = p ? [...shown].reverse()[p.dataIndex] : undefined;
          return d
            ? `${d.name}<br/>${formatKgShort(d.usedKg, lang)} / ${formatKgShort(d.permittedKg, lang)} (${formatShare(d.share)})`
            : '';
        },
      },
      xAxis: {
        type: 'value',
        max: (v: { max: number }) => Math.max(100, Math.ceil(v.max / 10) * 10),
        axisLabel: { formatter: '{value}%' },
      },
      yAxis: {
        type: 'category',
        data: [...shown].reverse().map((d) => (d.name.length > 12 ? `${d.name.slice(0, 12)}…` : d.name)),
        axisLabel: { fontSize: 11 },
      },
      series: [
        {
          type: 'bar',
          barMaxWidth: 16,
          data: [...shown].reverse().map((d) => ({
            value: Math.round((d.share ?? 0) * 1000) / 10,
            itemStyle: { color: d.high ? '#b42318' : '#0b6e4f' },
          })),
          label: { show: true, position: 'right', formatter: '{c}%', fontSize: 10 },
          markLine: {
            symbol: 'none',
            silent: true,
            lineStyle: { color: '#b42318', type: 'dashed' },
            label: { formatter: '90%', position: 'end' },
            data: [{ xAxis: 90 }],
          },
        },
      ],
    }),
    [shown, lang],
  );
  if (capacity.disposers.length === 0) return <p className="empty">{t('regulator.capacity.empty')}</p>;
  return (
    <>
      <EChart
        option={option}
        height={Math.max(120, 28 * shown.length + 40)}
        label={t('regulator.capacity.chartLabel')}
        testId="capacity-chart"
      />
      <details className="reg-details">
        <summary>{t('regulator.capacity.table')}</summary>
        <div className="table-scroll">
          <table className="table table--compact" data-testid="capacity-table">
            <thead>
              <tr>
                <th scope="col">{t('regulator.capacity.disposer')}</th>
                <th scope="col">{t('regulator.capacity.district')}</th>
                <th scope="col" className="num">
                  {t('regulator.capacity.used')}
                </th>
                <th scope="col" className="num">
                  {t('regulator.capacity.permitted')}
                </th>
                <th scope="col" className="num">
                  {t('regulator.capacity.share')}
                </th>
                <th scope="col">{t('regulator.capacity.codes')}</th>
              </tr>
            </thead>
            <tbody>
              {capacity.disposers.map((d) => (
                <tr key={d.orgId} className={d.high ? 'row--high' : undefined} data-testid="capacity-row">
                  <td>{d.name}</td>
                  <td>{districtName(d.district, lang)}</td>
                  <td className="num">{formatKgShort(d.usedKg, lang)}</td>
                  <td className="num">{formatKgShort(d.permittedKg, lang)}</td>
                  <td className="num">{formatShare(d.share)}</td>
                  <td className="small">
                    {d.wasteCodes.join('、')} <span className="muted">({d.licences.map((l) => l.number).join(', ')})</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </>
  );
}
