/** The notifications module's tables (0013_notifications.sql). */
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { one, rows } from '../../db/tx.js';
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

/** The org's active users who have not turned this kind off. */
export async function recipients(dbx: DbOrTx, orgId: string, kind: TNotificationKind): Promise<string[]> {
  const r = await rows<{ id: string }>(
    dbx,
    sql`select u.id from users u
        where u.org_id = ${orgId} and u.disabled_at is null
          and not exists (select 1 from notification_preferences p where p.user_id = u.id and p.kind = ${kind} and not p.enabled)
        order by u.id`,
  );
  return r.map((x) => x.id);
}

/** One notification, unless this user already has one from this source: then null. */
export async function insertOnce(
  dbx: DbOrTx,
  n: {
    id: string;
    userId: string;
    orgId: string;
    kind: TNotificationKind;
    key: string;
    subjectType: string;
    subjectId: string;
    data: Record<string, unknown>;
    at: string;
  },
): Promise<string | null> {
  const r = await one<{ id: string }>(
    dbx,
    sql`insert into notifications (id, user_id, org_id, kind, source_key, subject_type, subject_id, data, created_at)
        values (${n.id}, ${n.userId}, ${n.orgId}, ${n.kind}, ${n.key}, ${n.subjectType}, ${n.subjectId}, ${JSON.stringify(n.data)}::jsonb, ${n.at}::timestamptz)
        on conflict (user_id, source_key) do nothing
        returning id`,
  );
  return r?.id ?? null;
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
