/** The notifications module's public entry: the notification centre (issue 13 item 7). */
export { createNotificationsService, type NotificationsService } from './service.js';
export { notificationsRoutes } from './routes.js';
