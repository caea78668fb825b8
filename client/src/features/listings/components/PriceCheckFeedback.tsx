import { bandLimits, type PriceCheck } from '../../../../../shared/src/pricecheck.js';
import { Badge } from '../../../components/Badge';
import { useI18n } from '../../../i18n';
import { formatDeviation, formatRange } from '../labels';

/**
 * What the price check (DESIGN §6.3) says about a price: computed live in the browser with the
 * same pure function the server decides with, or the server's own verdict from a 422.
 * `check` undefined = no price typed yet; `bandLoading` while the band is being fetched.
 */
export function PriceCheckFeedback({
  check,
  bandLoading,
  stored,
  testId = 'price-check',
}: {
  check: PriceCheck | undefined;
  bandLoading?: boolean;
  /** The check a stored listing or bid carries: a flagged one was justified and reported already. */
  stored?: boolean;
  testId?: string;
}) {
  const { t, lang } = useI18n();
  if (bandLoading) return <span className="check check--pending">{t('pricecheck.loadingBand')}</span>;
  if (!check) return null;
  if (!check.band) {
    return (
      <span className="check check--pending" data-testid={testId} data-status="ok" data-source="none">
        {t('pricecheck.noBand')}
      </span>
    );
  }
  const band = formatRange(check.band.lowFen, check.band.highFen, lang);
  const deviation = formatDeviation(check.deviation);
  if (check.status === 'ok') {
    return (
      <span className="check check--ok" data-testid={testId} data-status="ok">
        <span aria-hidden="true">✓</span> {t('pricecheck.ok', { band })}
      </span>
    );
  }
  if (check.status === 'flagged') {
    return (
      <span className="check check--flagged" data-testid={testId} data-status="flagged">
        <span aria-hidden="true">⚠</span> {t(stored ? 'pricecheck.flagged.stored' : 'pricecheck.flagged', { band, deviation })}
      </span>
    );
  }
  const limits = bandLimits(check.band);
  return (
    <span className="check check--bad" data-testid={testId} data-status="rejected">
      <span aria-hidden="true">✗</span> {t('pricecheck.rejected', { range: formatRange(limits.flaggedLowFen, limits.flaggedHighFen, lang), deviation })}
    </span>
  );
}

/** A stored price check, as a badge (only flagged ones need attention; rejected ones are never stored). */
export function PriceCheckBadge({ check }: { check: PriceCheck | null | undefined }) {
  const { t } = useI18n();
  if (!check || check.status === 'ok') return null;
  return (
    <Badge tone={check.status === 'flagged' ? 'warning' : 'danger'} testId="badge-price-flagged" title={t('pricecheck.badge.title', { deviation: formatDeviation(check.deviation) })}>
      {t(check.status === 'flagged' ? 'pricecheck.badge.flagged' : 'pricecheck.badge.rejected')}
    </Badge>
  );
}

/** The server's own verdict on a price it refused, under the one computed as the price was typed. */
export function ServerPriceCheck({ check, testId }: { check: PriceCheck; testId?: string }) {
  const { t } = useI18n();
  return (
    <div className="server-check" data-testid={testId}>
      <span className="muted small">{t('pricecheck.server')}</span> <PriceCheckFeedback check={check} testId="server-price-check-status" />
    </div>
  );
}
