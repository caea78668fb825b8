-- The notification centre (issue 13 item 7, ADR 0017). server/src/modules/notifications owns these tables.
-- A notification is written by the `notifications.fanout` job, one row per user of the org it concerns;
-- (user_id, source_key) is unique so a redelivered job, or the same event announced twice, adds nothing.
create table notifications (
  id uuid primary key,
  user_id uuid not null references users(id),
  org_id uuid references orgs(id),
  kind text not null,
  -- Where it came from: `org:<id>#<seq>` for a live event, or a key the announcer chose (`outbid:<bid>`).
  source_key text not null,
  subject_type text not null,
  subject_id text not null,
  data jsonb not null default '{}'::jsonb,
  created_at timestamptz not null,
  read_at timestamptz,
  unique (user_id, source_key)
);
-- The list (newest first, keyset) and the badge (unread count).
create index notifications_user_created on notifications (user_id, created_at desc, id desc);
create index notifications_user_unread on notifications (user_id) where read_at is null;

-- Kinds a user turned off (no row: on).
create table notification_preferences (
  user_id uuid not null references users(id),
  kind text not null,
  enabled boolean not null,
  primary key (user_id, kind)
);

-- Deadline reminders already announced: once per manifest, deadline kind and due time.
create table notification_reminders (
  manifest_id uuid not null,
  which text not null check (which in ('receipt', 'disposal')),
  due_at timestamptz not null,
  reminded_at timestamptz not null,
  primary key (manifest_id, which, due_at)
);
