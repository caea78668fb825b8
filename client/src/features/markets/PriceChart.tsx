import { useEffect, useRef } from 'react';
import type { Print } from './api';

/**
 * The prints as a line, drawn with ECharts. ECharts is imported here only, and this component only
 * by the market page through React.lazy, so no other page's bundle carries it.
 */
export default function PriceChart({ prints, label }: { prints: Print[]; label: string }) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let disposed = false;
    let chart: { dispose(): void; resize(): void } | null = null;
    const onResize = () => chart?.resize();
    void import('echarts').then((echarts) => {
      if (disposed || !el.current) return;
      const c = echarts.init(el.current, undefined, { renderer: 'svg' });
      chart = c;
      const points = [...prints].reverse();
      c.setOption({
        animation: false,
        grid: { left: 56, right: 12, top: 12, bottom: 28 },
        xAxis: { type: 'category', data: points.map((p) => new Date(p.at).toLocaleTimeString()) },
        yAxis: { type: 'value', scale: true, axisLabel: { formatter: (v: number) => `¥${Math.round(v / 100)}` } },
        series: [{ type: 'line', step: 'end', showSymbol: points.length < 30, data: points.map((p) => p.pricePerTonneFen) }],
        tooltip: { trigger: 'axis' },
      });
      window.addEventListener('resize', onResize);
    });
    return () => {
      disposed = true;
      window.removeEventListener('resize', onResize);
      chart?.dispose();
    };
  }, [prints]);
  return <div ref={el} className="market-chart" role="img" aria-label={label} data-testid="market-chart" />;
}
