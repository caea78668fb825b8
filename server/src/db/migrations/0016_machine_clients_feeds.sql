-- Issue 14 items 1, 2 and 5 (ADR 0020): machine clients (OAuth 2.0 client credentials), the topic
-- feeds, and the government system's inbound changes.

-- A machine client: the government's solid-waste platform, a credit agency's system. The secret is
-- 256 random bits shown once; only its SHA-256 is kept. A rotation keeps the previous hash valid
-- until previous_valid_until (the overlap), so the other side can switch without an outage.
create table api_clients (
  id uuid primary key,
  name text not null,
  scopes text[] not null,
  secret_hash text not null,
  previous_secret_hash text,
  previous_valid_until timestamptz,
  created_by uuid not null,
  created_at timestamptz not null default now(),
  rotated_at timestamptz,
  revoked_at timestamptz
);

-- Audit rows name the machine client that acted (a user acts through actor_user_id).
alter table audit_log add column actor_client_id uuid;

-- The topic feeds (trades, manifests, licences, alerts; credit keeps credit_feed). A row is written in
-- the transaction that causes it, without a position; the sequencer (one at a time, holding the
-- feed_sequencer row) gives committed rows their position and per-subject seq, so positions become
-- visible in order and a consumer reading `after` never skips a row that commits late.
create table feed_events (
  id bigserial primary key,
  event_id uuid not null unique,
  topic text not null check (topic in ('trades', 'manifests', 'licences', 'alerts')),
  type text not null,
  schema_version integer not null default 1,
  subject_type text not null,
  subject_id text not null,
  -- What makes the event the same event when it is announced twice (a replayed step).
  dedupe_key text not null,
  data jsonb not null,
  occurred_at timestamptz not null,
  seq integer check (seq >= 1),
  position bigint unique,
  unique (topic, dedupe_key)
);
create index feed_events_unsequenced_idx on feed_events(id) where position is null;
create index feed_events_topic_position_idx on feed_events(topic, position) where position is not null;
create trigger feed_events_no_delete before delete on feed_events
  for each row execute function refuse_change();

create table feed_sequencer (
  name text primary key,
  position bigint not null
);
insert into feed_sequencer(name, position) values ('feeds', 0);

-- One row per inbound change a client sent, keyed by the client's own source id: the same source id
-- again answers the first result and changes nothing.
create table inbound_changes (
  client_id uuid not null references api_clients(id),
  source_id text not null,
  kind text not null,
  request_hash text not null,
  result jsonb not null,
  created_at timestamptz not null default now(),
  primary key (client_id, source_id)
);

-- The enterprise registry's confirmation of an org's USCC (set by the government system, orgs:verify).
alter table orgs add column uscc_verified_at timestamptz;
alter table orgs add column uscc_verified_by uuid;
