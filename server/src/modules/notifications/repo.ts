/** The notifications module's tables (0013_notifications.sql). */
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { one, rows } from '../../db/tx.js';
import type { JobPayloads } from '../../jobs/definitions.js';
import type { TNotification, TNotificationKind, TNotificationSubject } from '../../../../shared/src/schemas/notifications.js';

interface NotificationRow {
  id: string;
  kind: TNotificationKind;
  subject_type: TNotificationSubject;
  subject_id: string;
  data: Record<string, unknown>;
  created_at: Date | string;
  read_at: Date | string | null;
}

const iso = (v: Date | string) => new Date(v).toISOString();

export function toNotification(r: NotificationRow): TNotification {
  return {
    id: r.id,
    kind: r.kind,
    subjectType: r.subject_type,
    subjectId: r.subject_id,
    data: r.data,
    createdAt: iso(r.created_at),
    readAt: r.read_at ? iso(r.read_at) : null,
  };
}

/**
 * The `notifications.fanout` job in one statement (migration 0026): marks the job's outbox row done,
 * writes one notification per recipient (the org's active users who have not turned the kind off,
 * or only `userId`) unless that user has one with this key, and a `notification.created` live event
 * for each. Returns how many it wrote; 0 when the row was already done (a redelivery).
 */
export async function fanOut(dbx: DbOrTx, p: JobPayloads['notifications.fanout'], outboxId: number): Promise<number> {
  const r = await one<{ n: number | string }>(
    dbx,
    sql`select notifications_fanout(${JSON.stringify(p)}::jsonb, ${outboxId}) as n`,
  );
  return Number(r?.n ?? 0);
}

export function listForUser(
  dbx: DbOrTx,
  userId: string,
  q: { unreadOnly: boolean; before: { createdAt: string; id: string } | null; limit: number },
): Promise<NotificationRow[]> {
  return rows<NotificationRow>(
    dbx,
    sql`select id, kind, subject_type, subject_id, data, created_at, read_at from notifications
        where user_id = ${userId}
          ${q.unreadOnly ? sql`and read_at is null` : sql``}
          ${q.before ? sql`and (created_at, id) < (${q.before.createdAt}::timestamptz, ${q.before.id}::uuid)` : sql``}
        order by created_at desc, id desc
        limit ${q.limit}`,
  );
}

export async function unreadCount(dbx: DbOrTx, userId: string): Promise<number> {
  return (
    (
      await one<{ n: number }>(
        dbx,
        sql`select count(*)::int as n from notifications where user_id = ${userId} and read_at is null`,
      )
    )?.n ?? 0
  );
}

/** Marks the user's own notification read (first time wins); null when it is not theirs or does not exist. */
export function markRead(dbx: DbOrTx, userId: string, id: string, at: Date): Promise<NotificationRow | undefined> {
  return one<NotificationRow>(
    dbx,
    sql`update notifications set read_at = coalesce(read_at, ${at.toISOString()}::timestamptz)
        where id = ${id} and user_id = ${userId}
        returning id, kind, subject_type, subject_id, data, created_at, read_at`,
  );
}

export async function preferences(dbx: DbOrTx, userId: string): Promise<Map<string, boolean>> {
  const r = await rows<{ kind: string; enabled: boolean }>(
    dbx,
    sql`select kind, enabled from notification_preferences where user_id = ${userId}`,
  );
  return new Map(r.map((x) => [x.kind, x.enabled]));
}

export async function setPreference(dbx: DbOrTx, userId: string, kind: TNotificationKind, enabled: boolean): Promise<void> {
  await dbx.execute(
    sql`insert into notification_preferences (user_id, kind, enabled) values (${userId}, ${kind}, ${enabled})
        on conflict (user_id, kind) do update set enabled = excluded.enabled`,
  );
}

/** Claims a reminder for (manifest, deadline, due time); false when it was already sent. */
export async function claimReminder(dbx: DbOrTx, manifestId: string, which: string, dueAt: Date, at: Date): Promise<boolean> {
  const r = await one<{ manifest_id: string }>(
    dbx,
    sql`insert into notification_reminders (manifest_id, which, due_at, reminded_at)
        values (${manifestId}, ${which}, ${dueAt.toISOString()}::timestamptz, ${at.toISOString()}::timestamptz)
        on conflict do nothing returning manifest_id`,
  );
  return !!r;
}
