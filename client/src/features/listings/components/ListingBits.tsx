import { Badge, type BadgeTone } from '../../../components/Badge';
import { useI18n } from '../../../i18n';
import { formatPricePerTonne } from '../../../lib/money';
import { formatDateTime } from '../../../lib/units';
import type { Listing, ListingStatus } from '../api';
import { tk } from '../labels';

/** A price in the colours of its direction (paid to the generator, or a disposal fee). */
export function Price({ fen, testId }: { fen: number; testId?: string }) {
  const { lang } = useI18n();
  return (
    <span className={`price ${fen < 0 ? 'price--fee' : 'price--paid'}`} data-testid={testId} data-fen={fen}>
      {formatPricePerTonne(fen, lang)}
    </span>
  );
}

const STATUS_TONE: Record<ListingStatus, BadgeTone> = {
  open: 'success',
  matched: 'info',
  closed: 'neutral',
  cancelled: 'muted',
  expired: 'neutral',
};

export function ListingStatusBadge({ status }: { status: ListingStatus }) {
  const { t } = useI18n();
  return (
    <Badge tone={STATUS_TONE[status] ?? 'neutral'} testId="listing-status">
      {t(tk(`listing.status.${status}`))}
    </Badge>
  );
}

export function SideBadge({ side }: { side: Listing['side'] }) {
  const { t } = useI18n();
  return (
    <Badge tone={side === 'supply' ? 'info' : 'warning'} testId="listing-side">
      {t(side === 'supply' ? 'listing.side.supply' : 'listing.side.demand')}
    </Badge>
  );
}

/** 一口价, or 竞价 with its closing time. */
export function ModeLabel({ listing }: { listing: Pick<Listing, 'mode' | 'closesAt'> }) {
  const { t, lang } = useI18n();
  if (listing.mode === 'fixed') return <span data-testid="listing-mode">{t('listing.mode.fixed')}</span>;
  return (
    <span data-testid="listing-mode">
      {t('listing.mode.auction')}
      {listing.closesAt && (
        <span className="muted small block">{t('listing.closesAt', { at: formatDateTime(listing.closesAt, lang) })}</span>
      )}
    </span>
  );
}

export function HazardBadge({ hazardous }: { hazardous: boolean }) {
  const { t } = useI18n();
  if (!hazardous) return null;
  return (
    <Badge tone="danger" testId="badge-hazardous">
      {t('badge.hazardous')}
    </Badge>
  );
}
