import { z } from 'zod';
import { ZPageQuery } from './common.js';

import { NOTIFICATION_KINDS, NOTIFICATION_SUBJECTS, type TNotificationKind } from '../notification-kinds.js';

export {
  NOTIFICATION_KINDS,
  NOTIFICATION_SUBJECTS,
  type TNotificationKind,
  type TNotificationSubject,
} from '../notification-kinds.js';

export const ZNotification = z.object({
  id: z.uuid(),
  kind: z.enum(NOTIFICATION_KINDS),
  subjectType: z.enum(NOTIFICATION_SUBJECTS),
  subjectId: z.string(),
  /** Facts the text is built from (status, deadline, level…); never another org's private data. */
  data: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
  readAt: z.string().nullable(),
});
export type TNotification = z.infer<typeof ZNotification>;

export const ZNotificationsQuery = ZPageQuery.extend({
  unread: z.enum(['true', 'false'], { message: 'true or false' }).optional(),
});
export type TNotificationsQuery = z.infer<typeof ZNotificationsQuery>;

export const ZNotificationsPage = z.object({
  items: z.array(ZNotification),
  nextCursor: z.string().nullable(),
  /** The caller's unread notifications in all (the badge). */
  unreadCount: z.number().int(),
});
export type TNotificationsPage = z.infer<typeof ZNotificationsPage>;

/** Every kind with whether it is on; PUT takes any subset and returns the whole set. */
export const ZNotificationPreferences = z.strictObject({
  enabled: z.partialRecord(z.enum(NOTIFICATION_KINDS), z.boolean()),
});
export type TNotificationPreferences = { enabled: Record<TNotificationKind, boolean> };
