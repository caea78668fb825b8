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

-- Webhook subscriptions per topic, for machine clients: the same signing (X-Signature), retries with
-- backoff, dead letters and address checks as the credit webhooks (0005). A delivery row is written
-- when the sequencer gives an event its position, with its feeds.deliver job, in one transaction.
create table feed_subscriptions (
  id uuid primary key,
  client_id uuid not null references api_clients(id),
  topic text not null check (topic in ('trades', 'manifests', 'licences', 'alerts')),
  url text not null,
  secret text not null,
  created_at timestamptz not null default now(),
  deleted_at timestamptz
);
create index feed_subscriptions_active_idx on feed_subscriptions(topic) where deleted_at is null;

create table feed_deliveries (
  id uuid primary key,
  subscription_id uuid not null references feed_subscriptions(id),
  feed_event_id bigint not null references feed_events(id),
  status text not null default 'pending' check (status in ('pending', 'delivered', 'dead', 'cancelled')),
  attempts integer not null default 0 check (attempts >= 0),
  max_attempts integer not null check (max_attempts >= 1),
  last_status_code integer,
  last_error text,
  next_attempt_at timestamptz,
  delivered_at timestamptz,
  created_at timestamptz not null default now(),
  unique (subscription_id, feed_event_id)
);

create table feed_dead_letters (
  id bigserial primary key,
  delivery_id uuid not null unique references feed_deliveries(id),
  subscription_id uuid not null references feed_subscriptions(id),
  event_id uuid not null,
  attempts integer not null,
  last_status_code integer,
  last_error text,
  body jsonb not null,
  created_at timestamptz not null default now()
);
create trigger feed_dead_letters_append_only before update or delete on feed_dead_letters
  for each row execute function refuse_change();

-- A client may act for an authority org (the government platform for the city's regulator): its
-- sanctions are that org's, as a regulator's would be (sanctions:write needs one).
alter table api_clients add column org_id uuid references orgs(id);

-- Sanctions recorded by a machine client name it instead of a user.
alter table sanctions alter column decided_by_user drop not null;
alter table sanctions add column decided_by_client uuid references api_clients(id);
alter table sanctions add constraint sanctions_decided_by_check
  check (decided_by_user is not null or decided_by_client is not null);
