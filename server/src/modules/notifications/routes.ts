import { route } from '../../http/route.js';
import { ZIdParams } from '../../../../shared/src/schemas/common.js';
import {
  ZNotification,
  ZNotificationPreferences,
  ZNotificationsPage,
  ZNotificationsQuery,
} from '../../../../shared/src/schemas/notifications.js';
import type { NotificationsService } from './service.js';

export function notificationsRoutes({ notifications }: { notifications: NotificationsService }) {
  return [
    route({
      key: 'GET /notifications',
      summary: 'Your notifications, newest first, with the unread count (?unread=true: unread only)',
      tags: ['notifications'],
      query: ZNotificationsQuery,
      response: ZNotificationsPage,
      handle: ({ actor, query }) => notifications.listNotifications(actor, query),
    }),
    route({
      key: 'POST /notifications/:id/read',
      summary: 'Mark one of your notifications read',
      tags: ['notifications'],
      params: ZIdParams,
      response: ZNotification,
      status: 200,
      handle: ({ actor, params }) => notifications.markNotificationRead(actor, params.id),
    }),
    route({
      key: 'GET /notifications/preferences',
      summary: 'Which kinds of notification you receive',
      tags: ['notifications'],
      response: ZNotificationPreferences,
      handle: ({ actor }) => notifications.getPreferences(actor),
    }),
    route({
      key: 'PUT /notifications/preferences',
      summary: 'Turn kinds of notification on or off (any subset)',
      tags: ['notifications'],
      body: ZNotificationPreferences,
      response: ZNotificationPreferences,
      handle: ({ actor, body }) => notifications.setPreferences(actor, body),
    }),
  ];
}
