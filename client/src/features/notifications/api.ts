import { useQuery, type QueryClient } from '@tanstack/react-query';
import { api } from '../../lib/api';
import { markStale, useWrite } from '../../lib/query';
import type {
  TNotification,
  TNotificationPreferences,
  TNotificationsPage,
} from '../../../../shared/src/schemas/notifications.js';
import type { TNotificationKind } from '../../../../shared/src/notification-kinds.js';

export type Notification = TNotification;
export type NotificationPreferences = TNotificationPreferences;
export { NOTIFICATION_KINDS } from '../../../../shared/src/notification-kinds.js';
export type { TNotificationKind };

/** Query keys (lib/query.ts); the live `notification.created` event invalidates ['notifications']. */
export const notificationKeys = {
  unread: () => ['notifications', 'unread'] as const,
  list: (unreadOnly: boolean) => ['notifications', 'list', unreadOnly] as const,
  preferences: () => ['notifications', 'preferences'] as const,
};

export const notificationsApi = {
  page: (q: { unreadOnly: boolean; cursor: string | null; limit?: number }, signal?: AbortSignal) =>
    api.get<TNotificationsPage>('/notifications', {
      query: { unread: q.unreadOnly ? 'true' : undefined, cursor: q.cursor, limit: q.limit ?? 20 },
      signal,
    }),
  markRead: (id: string) => api.post<Notification>(`/notifications/${encodeURIComponent(id)}/read`, {}),
  preferences: (signal?: AbortSignal) => api.get<NotificationPreferences>('/notifications/preferences', { signal }),
  setPreferences: (enabled: Partial<Record<TNotificationKind, boolean>>) =>
    api.put<NotificationPreferences>('/notifications/preferences', { enabled }),
};

/** The header badge: the unread count (one row fetched; the count comes with it). */
export function useUnreadCount(enabled: boolean) {
  return useQuery({
    queryKey: notificationKeys.unread(),
    queryFn: ({ signal }) => notificationsApi.page({ unreadOnly: true, cursor: null, limit: 1 }, signal),
    enabled,
    select: (p) => p.unreadCount,
  });
}

export function usePreferences() {
  return useQuery({ queryKey: notificationKeys.preferences(), queryFn: ({ signal }) => notificationsApi.preferences(signal) });
}

const allNotifications = (client: QueryClient) => markStale(client, [['notifications']]);
export const useMarkRead = () => useWrite(notificationsApi.markRead, allNotifications);
export const useSetPreferences = () =>
  useWrite(notificationsApi.setPreferences, (client, result) => {
    client.setQueryData(notificationKeys.preferences(), result);
  });
