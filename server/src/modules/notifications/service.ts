/**
 * The notification centre (issue 13 item 7, ADR 0017). Notifications are written only by jobs, never
 * by the request that caused them:
 *
 *  - `notifications.fanout`: one announcement for an org (a live event to `org:<id>` through
 *    publishEvent, or notifyOrg for things that are not live events) becomes one row per active user of
 *    that org who has not turned the kind off. (user, source key) is unique and the rows, the live
 *    `notification.created` events and the outbox row's done mark commit together, so a redelivered
 *    job adds nothing and a lost one is retried by the relay.
 *  - `notifications.sweep`: reminds the receiver DEADLINE_REMINDER_HOURS before a receipt or disposal
 *    deadline, once per manifest, deadline and due time (notification_reminders); it reschedules itself
 *    every MANIFEST_SWEEP_SECONDS.
 */
import type { Logger } from 'pino';
import type { Clock } from '../../clock.js';
import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import { inTransaction, noteOutboxWrite } from '../../db/tx.js';
import type { UserActor } from '../../http/actor.js';
import type { JobMeta, JobPayloads } from '../../jobs/definitions.js';
import { afterOnDbClock, ensureScheduled, finishRun } from '../../jobs/periodic.js';
import { notifyOrg } from '../../realtime/publish.js';
import { upcomingDeadlines } from '../manifests/index.js';
import { AppError, ErrorCodes } from '../../../../shared/src/errors.js';
import { cursorInstant, cursorUuid, decodeCursor, encodeCursor } from '../../../../shared/src/schemas/common.js';
import {
  NOTIFICATION_KINDS,
  type TNotification,
  type TNotificationPreferences,
  type TNotificationsPage,
  type TNotificationsQuery,
} from '../../../../shared/src/schemas/notifications.js';
import * as repo from './repo.js';

export interface NotificationsDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  config: Pick<Config, 'DEADLINE_REMINDER_HOURS' | 'MANIFEST_SWEEP_SECONDS'>;
}

export type NotificationsService = ReturnType<typeof createNotificationsService>;

const notFound = () => new AppError(ErrorCodes.NOT_FOUND, 'no such notification');

export function createNotificationsService(deps: NotificationsDeps) {
  const { db, clock, logger, config } = deps;

  const service = {
    async listNotifications(actor: UserActor, q: TNotificationsQuery): Promise<TNotificationsPage> {
      let before: { createdAt: string; id: string } | null = null;
      if (q.cursor) {
        const v = decodeCursor(q.cursor);
        const createdAt = v ? cursorInstant(v[0]) : null;
        const id = v ? cursorUuid(v[1]) : null;
        if (!createdAt || !id)
          throw new AppError(ErrorCodes.VALIDATION_FAILED, 'invalid request: cursor', {
            fields: [{ path: 'cursor', message: 'invalid cursor' }],
          });
        before = { createdAt, id };
      }
      const found = await repo.listForUser(db, actor.userId, { unreadOnly: q.unread === 'true', before, limit: q.limit + 1 });
      const items = found.slice(0, q.limit).map(repo.toNotification);
      const last = items.at(-1);
      return {
        items,
        nextCursor: found.length > q.limit && last ? encodeCursor([last.createdAt, last.id]) : null,
        unreadCount: await repo.unreadCount(db, actor.userId),
      };
    },

    /** Another user's notification does not exist for the caller (404, not 403). */
    async markNotificationRead(actor: UserActor, id: string): Promise<TNotification> {
      const row = await repo.markRead(db, actor.userId, id, clock.now());
      if (!row) throw notFound();
      return repo.toNotification(row);
    },

    async getPreferences(actor: UserActor): Promise<TNotificationPreferences> {
      const stored = await repo.preferences(db, actor.userId);
      return {
        enabled: Object.fromEntries(
          NOTIFICATION_KINDS.map((k) => [k, stored.get(k) ?? true]),
        ) as TNotificationPreferences['enabled'],
      };
    },

    async setPreferences(
      actor: UserActor,
      body: { enabled: Partial<Record<(typeof NOTIFICATION_KINDS)[number], boolean>> },
    ): Promise<TNotificationPreferences> {
      await inTransaction(db, async (tx) => {
        for (const kind of NOTIFICATION_KINDS) {
          const on = body.enabled[kind];
          if (typeof on === 'boolean') await repo.setPreference(tx, actor.userId, kind, on);
        }
      });
      return service.getPreferences(actor);
    },

    /** The `notifications.fanout` job. */
    async fanout(p: JobPayloads['notifications.fanout'], meta: Pick<JobMeta, 'outboxId'>): Promise<number> {
      const created = await repo.fanOut(db, p, meta.outboxId);
      if (created > 0) {
        // The statement committed live events (autocommit): wake the relay (ADR 0025).
        noteOutboxWrite(db);
        logger.debug({ orgId: p.orgId, kind: p.kind, key: p.key, created }, 'notifications written');
      }
      return created;
    },

    /** One pass of the reminder sweep (the job, and tests with a moved clock): how many reminders it announced. */
    async sweepReminders(now: Date = clock.now()): Promise<number> {
      const until = new Date(now.getTime() + config.DEADLINE_REMINDER_HOURS * 3_600_000);
      let sent = 0;
      for (const d of await upcomingDeadlines(db, now, until)) {
        await inTransaction(db, async (tx) => {
          if (!(await repo.claimReminder(tx, d.manifestId, d.which, d.dueAt, now))) return;
          sent++;
          await notifyOrg(
            tx,
            d.receiverOrgId,
            `deadline:${d.which}:${d.manifestId}:${d.dueAt.toISOString()}`,
            {
              kind: 'deadline_reminder',
              subjectType: 'manifest',
              subjectId: d.manifestId,
              data: {
                which: d.which,
                dueAt: d.dueAt.toISOString(),
                number: d.number,
                tradeId: d.tradeId,
                manifestId: d.manifestId,
              },
            },
            now,
          );
        });
      }
      if (sent > 0) logger.info({ sent }, 'deadline reminders announced');
      return sent;
    },

    /** The `notifications.sweep` job: one pass, then the next one MANIFEST_SWEEP_SECONDS later. */
    async runSweepJob(outboxId: number): Promise<void> {
      await service.sweepReminders();
      await finishRun(db, 'notifications.sweep', outboxId, nextSweep);
    },

    async ensureSweepScheduled(): Promise<void> {
      await ensureScheduled(db, 'notifications.sweep', nextSweep);
    },
  };

  // On the database clock, as the manifests sweep: a test's moved clock must not make every pass due at once.
  const nextSweep = afterOnDbClock(config.MANIFEST_SWEEP_SECONDS * 1000);

  return service;
}
