import { useState } from 'react';
import { Link } from 'react-router';
import { ErrorAlert } from '../../components/LoadError';
import { PagedListError, PagedListFooter } from '../../components/PagedListChrome';
import { useI18n } from '../../i18n';
import { formatDateTime } from '../../lib/units';
import { usePagedQuery } from '../../lib/query';
import { RequireSignIn } from '../auth/components/RequireSignIn';
import { notificationKeys, notificationsApi, useMarkRead, type Notification } from './api';
import { describeNotification, linkOf } from './describe';
import { useNotificationsText } from './messages';
import './notifications.css';

export function NotificationsPage() {
  return <RequireSignIn>{() => <Notifications />}</RequireSignIn>;
}

/** The notification centre: newest first, unread marked, one click to the subject (which also marks it read). */
function Notifications() {
  const { t, lang } = useI18n();
  const nt = useNotificationsText();
  const [unreadOnly, setUnreadOnly] = useState(false);
  const list = usePagedQuery<Notification>({
    queryKey: notificationKeys.list(unreadOnly),
    label: unreadOnly ? 'unread' : 'all',
    fetchPage: (cursor, signal) => notificationsApi.page({ unreadOnly, cursor }, signal),
  });
  const markRead = useMarkRead();
  const { items, status } = list.state;

  return (
    <div className="page notifications" data-testid="notifications-page">
      <div className="notifications__head">
        <h1>{nt('title')}</h1>
        <Link
          to="/notifications/preferences"
          className="btn btn--secondary btn--small"
          data-testid="notification-preferences-link"
        >
          {nt('preferences')}
        </Link>
      </div>
      <p className="muted">{nt('intro')}</p>
      <div className="tabs" role="group" aria-label={nt('title')}>
        {([false, true] as const).map((u) => (
          <button
            key={String(u)}
            type="button"
            className={`btn btn--small ${u === unreadOnly ? 'btn--primary' : 'btn--secondary'}`}
            aria-pressed={u === unreadOnly}
            onClick={() => setUnreadOnly(u)}
            data-testid={u ? 'filter-unread' : 'filter-all'}
          >
            {nt(u ? 'filter.unread' : 'filter.all')}
          </button>
        ))}
      </div>
      {markRead.error && <ErrorAlert error={markRead.error} />}
      <PagedListError state={list.state} onRetry={list.reload} />
      {status !== 'loading' && status !== 'error' && items.length === 0 && (
        <p data-testid="notifications-empty">{nt(unreadOnly ? 'emptyUnread' : 'empty')}</p>
      )}
      {items.length > 0 && (
        <ul className="notification-list" data-testid="notification-list">
          {items.map((n) => {
            const to = linkOf(n);
            const unread = !n.readAt;
            return (
              <li
                key={n.id}
                className={`notification${unread ? ' notification--unread' : ''}`}
                data-testid="notification"
                data-kind={n.kind}
                data-unread={unread}
              >
                <div className="notification__meta">
                  <span className="notification__kind">{nt(`kind.${n.kind}`)}</span>
                  <time className="muted small" dateTime={n.createdAt}>
                    {formatDateTime(n.createdAt, lang)}
                  </time>
                  {unread && <span className="visually-hidden">{nt('unread')}</span>}
                </div>
                <p className="notification__text">{describeNotification(n, nt, t, lang)}</p>
                <div className="notification__actions">
                  {to && (
                    <Link
                      to={to}
                      className="btn btn--ghost btn--small"
                      onClick={() => unread && markRead.mutate(n.id)}
                      data-testid="notification-open"
                    >
                      {nt('open')}
                    </Link>
                  )}
                  {unread && (
                    <button
                      type="button"
                      className="btn btn--secondary btn--small"
                      disabled={markRead.isPending}
                      onClick={() => markRead.mutate(n.id)}
                      data-testid="notification-mark-read"
                    >
                      {nt('markRead')}
                    </button>
                  )}
                </div>
              </li>
            );
          })}
        </ul>
      )}
      <PagedListFooter state={list.state} busy={status === 'loading'} onMore={() => list.loadMore()} />
    </div>
  );
}
