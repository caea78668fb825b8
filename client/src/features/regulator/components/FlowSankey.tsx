import { useMemo } from 'react';
import { useI18n } from '../../../i18n';
import { districtName } from '../../listings/labels';
import type { FlowEdge } from '../api';
import { EChart, type ChartOption } from '../EChart';
import { formatKgShort } from '../labels';

const ORIGIN = '#0b6e4f';
const DEST = '#1f5fa8';

/**
 * Material flows between districts as a Sankey diagram: pickup districts on the left, receivers'
 * districts on the right (a district appears on both sides, so flows inside one district are drawn
 * too), link width by contracted tonnes. Clicking a link opens its trades.
 */
export function FlowSankey({
  edges,
  onEdge,
}: {
  edges: FlowEdge[];
  onEdge: (e: { fromDistrict: string; toDistrict: string }) => void;
}) {
  const { t, lang } = useI18n();
  const option = useMemo<ChartOption>(() => {
    const nodes = new Map<string, { name: string; itemStyle: { color: string }; district: string; side: 'o' | 'd' }>();
    for (const e of edges) {
      nodes.set(`o:${e.fromDistrict}`, {
        name: `o:${e.fromDistrict}`,
        itemStyle: { color: ORIGIN },
        district: e.fromDistrict,
        side: 'o',
      });
      nodes.set(`d:${e.toDistrict}`, {
        name: `d:${e.toDistrict}`,
        itemStyle: { color: DEST },
        district: e.toDistrict,
        side: 'd',
      });
    }
    const label = (name: string) => districtName(name.slice(2), lang);
    return {
      tooltip: {
        trigger: 'item',
        formatter: (p: unknown) => {
          const x = p as { dataType?: string; data: { source?: string; target?: string; edge?: FlowEdge; name?: string } };
          if (x.dataType === 'edge' && x.data.edge) {
            const e = x.data.edge;
            return `${label(`o:${e.fromDistrict}`)} → ${label(`d:${e.toDistrict}`)}<br/>${t('regulator.flows.contracted')} ${formatKgShort(e.contractedKg, lang)}<br/>${t(
              'regulator.flows.received',
            )} ${formatKgShort(e.receivedKg, lang)}<br/>${t('regulator.flows.tradesCount', { count: e.trades })}`;
          }
          return label(x.data.name ?? '');
        },
      },
      series: [
        {
          type: 'sankey',
          left: 8,
          right: 90,
          top: 10,
          bottom: 10,
          nodeGap: 12,
          nodeWidth: 14,
          draggable: false,
          layoutIterations: 32,
          emphasis: { focus: 'adjacency' },
          label: { formatter: (p: { name: string }) => label(p.name), fontSize: 13 },
          lineStyle: { color: 'gradient', opacity: 0.35, curveness: 0.5 },
          data: [...nodes.values()].map((n) => ({ name: n.name, itemStyle: n.itemStyle })),
          links: edges
            .filter((e) => e.contractedKg > 0)
            .map((e) => ({ source: `o:${e.fromDistrict}`, target: `d:${e.toDistrict}`, value: e.contractedKg / 1000, edge: e })),
        },
      ],
    } as ChartOption;
  }, [edges, lang, t]);

  if (edges.length === 0)
    return (
      <p className="empty" data-testid="sankey-empty">
        {t('regulator.flows.empty')}
      </p>
    );
  return (
    <div className="sankey">
      <div className="sankey__legend" aria-hidden="true">
        <span>
          <i style={{ background: ORIGIN }} /> {t('regulator.flows.origin')}
        </span>
        <span>
          <i style={{ background: DEST }} /> {t('regulator.flows.destination')}
        </span>
      </div>
      <EChart
        option={option}
        height={Math.max(260, 46 * new Set(edges.flatMap((e) => [`o${e.fromDistrict}`, `d${e.toDistrict}`])).size)}
        label={t('regulator.flows.chartLabel')}
        testId="flow-sankey"
        onClick={(e) => {
          const edge = (e.data as { edge?: FlowEdge } | undefined)?.edge;
          if (e.dataType === 'edge' && edge) onEdge({ fromDistrict: edge.fromDistrict, toDistrict: edge.toDistrict });
        }}
      />
    </div>
  );
}
