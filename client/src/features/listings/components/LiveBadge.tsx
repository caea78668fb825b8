import { useI18n } from '../../../i18n';
import type { LiveStatus } from '../../realtime/LiveFeed';

/** Whether the view is updating live: connected, connecting, down, or off (signed out). */
export function LiveBadge({ status }: { status: LiveStatus }) {
  const { t } = useI18n();
  const key =
    status === 'live' ? 'live.on' : status === 'connecting' ? 'live.connecting' : status === 'down' ? 'live.down' : 'live.off';
  return (
    <span className={`live-badge live-badge--${status}`} data-testid="live-status" data-status={status}>
      <span className="live-badge__dot" aria-hidden="true" />
      {t(key)}
    </span>
  );
}
