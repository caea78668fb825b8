import { useI18n, type MessageKey } from '../../../i18n';
import { formatDateTime } from '../../../lib/units';
import type { CreditHistoryEntry } from '../api';
import { LEVEL_BANDS, SCORE_TICKS } from '../labels';

const W = 640;
const H = 220;
const PAD = { left: 36, right: 12, top: 10, bottom: 26 };

/**
 * The score over time as a step line over the level bands (DESIGN §6.7 colours). Points are the
 * stored evaluations; the line holds each score until the next one and runs on to now.
 */
export function ScoreChart({
  history,
  neutral,
  now = new Date(),
}: {
  history: CreditHistoryEntry[];
  neutral: number;
  now?: Date;
}) {
  const { t, lang } = useI18n();
  const points = [...history]
    .sort((a, b) => a.seq - b.seq)
    .map((h) => ({ at: Date.parse(h.computedAt), score: h.score, level: h.level }));
  if (points.length === 0)
    return (
      <p className="muted" data-testid="credit-chart-empty">
        {t('creditPage.history.none', { neutral })}
      </p>
    );

  const first = points[0]!.at;
  const end = Math.max(now.getTime(), points.at(-1)!.at + 1);
  // A little room before the first point for the neutral start it came from.
  const start = first - Math.max((end - first) * 0.05, 3_600_000);
  const x = (ms: number) => PAD.left + ((ms - start) / (end - start)) * (W - PAD.left - PAD.right);
  const y = (score: number) => PAD.top + (1 - score / 100) * (H - PAD.top - PAD.bottom);

  let d = `M ${x(start)} ${y(history.length ? [...history].sort((a, b) => a.seq - b.seq)[0]!.previousScore : neutral)}`;
  for (const p of points) d += ` H ${x(p.at)} V ${y(p.score)}`;
  d += ` H ${x(end)}`;

  const last = points.at(-1)!;
  const label = t('creditPage.chart.label', {
    count: points.length,
    score: last.score,
    level: t(`credit.${last.level}` as MessageKey),
  });
  return (
    <figure className="score-chart" data-testid="credit-chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label} preserveAspectRatio="none">
        {LEVEL_BANDS.map((b) => (
          <rect
            key={b.level}
            className={`score-chart__band score-chart__band--${b.level}`}
            x={PAD.left}
            width={W - PAD.left - PAD.right}
            y={y(b.to)}
            height={y(b.from) - y(b.to)}
          />
        ))}
        {SCORE_TICKS.map((v) => (
          <text key={v} className="score-chart__tick" x={PAD.left - 6} y={y(v) + 4} textAnchor="end">
            {v}
          </text>
        ))}
        <path className="score-chart__line" d={d} />
        {points.map((p, i) => (
          <circle key={i} className={`score-chart__dot score-chart__dot--${p.level}`} cx={x(p.at)} cy={y(p.score)} r={4}>
            <title>{`${formatDateTime(new Date(p.at).toISOString(), lang)} · ${p.score}`}</title>
          </circle>
        ))}
        <text className="score-chart__tick" x={PAD.left} y={H - 6}>
          {formatDateTime(new Date(first).toISOString(), lang)}
        </text>
        <text className="score-chart__tick" x={W - PAD.right} y={H - 6} textAnchor="end">
          {t('creditPage.chart.now')}
        </text>
      </svg>
      <figcaption className="muted small">{label}</figcaption>
    </figure>
  );
}
