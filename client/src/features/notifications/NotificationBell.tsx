import { NavLink } from 'react-router';
import { useNotificationsText } from './messages';
import { useUnreadCount } from './api';
import './notifications.css';

/** The header's bell: the unread count, kept current by the live `notification.created` event. */
export function NotificationBell() {
  const nt = useNotificationsText();
  const unread = useUnreadCount(true).data ?? 0;
  const label = unread > 0 ? nt('bell.unread', { count: unread }) : nt('bell.label');
  return (
    <NavLink
      to="/notifications"
      className="bell"
      aria-label={label}
      title={label}
      data-testid="notification-bell"
      data-unread={unread}
    >
      <svg className="bell__icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
        <path
          fill="currentColor"
          d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z"
        />
      </svg>
      {unread > 0 && (
        <span className="bell__badge" data-testid="notification-badge" aria-hidden="true">
          {unread > 99 ? '99+' : unread}
        </span>
      )}
    </NavLink>
  );
}
