import type { BandSource } from '../../../shared/src/pricecheck.js';
import { useI18n, type MessageKey, type TFunction } from '../i18n';
import { formatPricePerTonne } from '../lib/money';

/** Where a reference band comes from, in words (for trades, with how many). */
export function bandSourceText(t: TFunction, band: { source: BandSource; sampleSize: number }): string {
  return band.source === 'trades'
    ? t('material.band.source.trades', { count: band.sampleSize })
    : t(`material.band.source.${band.source}` as MessageKey);
}

export interface BandValues {
  lowFen: number;
  medianFen: number;
  highFen: number;
}

/**
 * The reference band as a horizontal bar. The track spans the "flagged" zone of the price check
 * (one band width either side, DESIGN §6.3), so the bar shows at a glance where a price passes,
 * needs a justification, or is refused.
 */
export function PriceBandBar({ band }: { band: BandValues }) {
  const { t, lang } = useI18n();
  const { lowFen, medianFen, highFen } = band;
  const width = highFen - lowFen || Math.max(Math.abs(medianFen) / 5, 100);
  const min = lowFen - width;
  const max = highFen + width;
  const pct = (fen: number) => `${(((fen - min) / (max - min)) * 100).toFixed(2)}%`;
  const low = formatPricePerTonne(lowFen, lang);
  const median = formatPricePerTonne(medianFen, lang);
  const high = formatPricePerTonne(highFen, lang);

  return (
    <figure className="band" data-testid="band-bar">
      <div className="band__track" role="img" aria-label={t('material.band.aria', { low, median, high })}>
        <div className="band__range" style={{ left: pct(lowFen), width: `calc(${pct(highFen)} - ${pct(lowFen)})` }} />
        <div className="band__median" style={{ left: pct(medianFen) }} />
        {min < 0 && max > 0 && (
          <div className="band__zero" style={{ left: pct(0) }}>
            <span>{t('material.band.zero')}</span>
          </div>
        )}
      </div>
      <dl className="band__legend">
        <div className="band__value" data-testid="band-low">
          <dt>{t('material.band.low')}</dt>
          <dd>{low}</dd>
        </div>
        <div className="band__value band__value--median" data-testid="band-median">
          <dt>{t('material.band.median')}</dt>
          <dd>{median}</dd>
        </div>
        <div className="band__value band__value--high" data-testid="band-high">
          <dt>{t('material.band.high')}</dt>
          <dd>{high}</dd>
        </div>
      </dl>
      <figcaption className="band__key">
        <span className="band__key-item band__key-item--ok">{t('material.band.key.ok')}</span>
        <span className="band__key-item band__key-item--flag">{t('material.band.key.flagged')}</span>
        <span className="band__key-item band__key-item--reject">{t('material.band.key.rejected')}</span>
      </figcaption>
    </figure>
  );
}
