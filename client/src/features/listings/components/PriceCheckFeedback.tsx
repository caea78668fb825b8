import type { PriceCheck, PriceCheckReason } from '../../../../../shared/src/pricecheck.js';
import { Badge } from '../../../components/Badge';
import { useI18n, type Lang, type TFunction } from '../../../i18n';
import { formatDeviation, formatRange, tk } from '../labels';
import { priceCheckReasonText } from '../priceCheckText';

function reasonText(reason: PriceCheckReason, check: PriceCheck, t: TFunction, lang: Lang): string {
  return priceCheckReasonText(reason, check, (key, params) => t(tk(key), params), {
    range: (low, high) => formatRange(low, high, lang),
    deviation: formatDeviation,
  });
}

/** The reasons as a list; each item names its code for tests and styling. */
function PriceCheckReasons({ check, testId }: { check: PriceCheck; testId: string }) {
  const { t, lang } = useI18n();
  // Checks stored before reasons existed carry none (migration 0011 back-fills them; be lenient anyway).
  const reasons = check.reasons ?? [];
  if (reasons.length === 0) return null;
  return (
    <ul className="check__reasons" data-testid={`${testId}-reasons`}>
      {reasons.map((r) => (
        <li key={r.code} data-reason={r.code}>
          {reasonText(r, check, t, lang)}
        </li>
      ))}
    </ul>
  );
}

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
  if (check.status === 'ok') {
    if (!check.band) {
      return (
        <span className="check check--pending" data-testid={testId} data-status="ok" data-source="none">
          {t('pricecheck.noBand')}
        </span>
      );
    }
    return (
      <span className="check check--ok" data-testid={testId} data-status="ok">
        <span aria-hidden="true">✓</span> {t('pricecheck.ok', { band: formatRange(check.band.lowFen, check.band.highFen, lang) })}
      </span>
    );
  }
  const flagged = check.status === 'flagged';
  return (
    <div
      className={`check check--block ${flagged ? 'check--flagged' : 'check--bad'}`}
      data-testid={testId}
      data-status={check.status}
      data-source={check.source}
    >
      <span aria-hidden="true">{flagged ? '⚠' : '✗'}</span>{' '}
      {t(flagged ? (stored ? 'pricecheck.flagged.stored' : 'pricecheck.flagged') : 'pricecheck.rejected')}
      <PriceCheckReasons check={check} testId={testId} />
    </div>
  );
}

/** A stored price check, as a badge (only flagged ones need attention; rejected ones are never stored). */
export function PriceCheckBadge({ check }: { check: PriceCheck | null | undefined }) {
  const { t, lang } = useI18n();
  if (!check || check.status === 'ok') return null;
  const why = (check.reasons ?? []).map((r) => reasonText(r, check, t, lang)).join('；');
  return (
    <Badge
      tone={check.status === 'flagged' ? 'warning' : 'danger'}
      testId="badge-price-flagged"
      title={why || t('pricecheck.badge.title', { deviation: formatDeviation(check.deviation) })}
    >
      {t(check.status === 'flagged' ? 'pricecheck.badge.flagged' : 'pricecheck.badge.rejected')}
    </Badge>
  );
}

/** The server's own verdict on a price it refused, under the one computed as the price was typed. */
export function ServerPriceCheck({ check, testId }: { check: PriceCheck; testId?: string }) {
  const { t } = useI18n();
  return (
    <div className="server-check" data-testid={testId}>
      <span className="muted small">{t('pricecheck.server')}</span>{' '}
      <PriceCheckFeedback check={check} testId="server-price-check-status" />
    </div>
  );
}
