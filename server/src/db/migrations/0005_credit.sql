-- Credit: sanctions, scores (append-only history), the credit feed, webhook subscriptions, deliveries
-- and their dead letters (DESIGN §5.8, §6.7, §7; RELIABILITY J3, M4; docs/credit-model.md).
--
-- Every credit input lands in credit_events (created with the manifests, 0004): one row per org, kind
-- and subject. This migration adds the rest and makes each input enqueue a recompute of its org.

-- Whoever writes an input (the credit module's recordCreditEvent, or a module inserting directly), the
-- recompute job is written to the outbox in the same transaction (RELIABILITY R1).
create function credit_events_enqueue_recompute() returns trigger language plpgsql as $$
begin
  insert into outbox(topic, payload) values ('credit.recompute', jsonb_build_object('orgId', new.org_id));
  return null;
end;
$$;
create trigger credit_events_recompute after insert on credit_events
  for each row execute function credit_events_enqueue_recompute();
create index credit_events_org_kind_idx on credit_events(org_id, kind, occurred_at);

-- Regulators' decisions (POST /regulator/sanctions); each also lands in credit_events as sanction_<severity>.
create table sanctions (
  id uuid primary key,
  org_id uuid not null references orgs(id),
  severity text not null check (severity in ('minor', 'major', 'serious')),
  reason text not null,
  decided_at timestamptz not null,
  decided_by_user uuid not null,
  decided_by_org uuid not null references orgs(id),
  created_at timestamptz not null default now()
);
create index sanctions_org_idx on sanctions(org_id, decided_at desc);
create trigger sanctions_append_only before update or delete on sanctions
  for each row execute function refuse_change();
create trigger sanctions_no_truncate before truncate on sanctions
  for each statement execute function refuse_change();

-- Every stored evaluation of an org: the score, the model that made it, its factor contributions and
-- the inputs it was computed from (so it can be recomputed and explained). The newest row per org is
-- the org's current score; there is no mutable copy.
create table credit_scores (
  id bigserial primary key,
  org_id uuid not null references orgs(id),
  seq integer not null check (seq >= 1),
  score integer not null check (score between 0 and 100),
  level text not null check (level in ('green', 'blue', 'yellow', 'red', 'black')),
  level_reason text not null check (level_reason in ('score', 'serious_sanction')),
  previous_score integer not null check (previous_score between 0 and 100),
  previous_level text not null check (previous_level in ('green', 'blue', 'yellow', 'red', 'black')),
  scoring_model text not null,
  factors jsonb not null,
  inputs jsonb not null,
  input_count integer not null,
  last_event_id bigint,
  trigger text not null check (trigger in ('event', 'decay')),
  computed_at timestamptz not null,
  unique (org_id, seq)
);
create trigger credit_scores_append_only before update or delete on credit_scores
  for each row execute function refuse_change();
create trigger credit_scores_no_truncate before truncate on credit_scores
  for each statement execute function refuse_change();

-- The feed: one row per change of an org's score or level. id orders the whole feed (rows are written
-- under one transaction-scoped lock, so they commit in id order and a reader never skips one);
-- seq counts each org's changes without gaps; event_id is what consumers dedupe on.
create table credit_feed (
  id bigserial primary key,
  event_id uuid not null unique,
  org_id uuid not null references orgs(id),
  seq integer not null check (seq >= 1),
  score_id bigint not null references credit_scores(id),
  score integer not null,
  level text not null,
  previous_score integer not null,
  previous_level text not null,
  level_reason text not null,
  scoring_model text not null,
  trigger text not null,
  computed_at timestamptz not null,
  created_at timestamptz not null default now(),
  unique (org_id, seq)
);
create trigger credit_feed_append_only before update or delete on credit_feed
  for each row execute function refuse_change();
create trigger credit_feed_no_truncate before truncate on credit_feed
  for each statement execute function refuse_change();

-- Credit agencies' webhooks. The secret signs deliveries, so it is kept as given and never returned.
create table credit_subscriptions (
  id uuid primary key,
  org_id uuid not null references orgs(id),
  url text not null,
  secret text not null,
  created_by uuid not null,
  created_at timestamptz not null default now(),
  deleted_at timestamptz
);
create index credit_subscriptions_org_idx on credit_subscriptions(org_id, created_at desc);
create index credit_subscriptions_active_idx on credit_subscriptions(created_at) where deleted_at is null;

-- One delivery per subscription and feed event, written with the feed row; its state is bookkeeping of
-- the sends (at-least-once, attempts counted, backoff between them).
create table credit_deliveries (
  id uuid primary key,
  subscription_id uuid not null references credit_subscriptions(id),
  feed_id bigint not null references credit_feed(id),
  status text not null default 'pending' check (status in ('pending', 'delivered', 'dead', 'cancelled')),
  attempts integer not null default 0 check (attempts >= 0),
  max_attempts integer not null check (max_attempts >= 1),
  last_status_code integer,
  last_error text,
  next_attempt_at timestamptz,
  delivered_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (subscription_id, feed_id)
);
create index credit_deliveries_subscription_idx on credit_deliveries(subscription_id, created_at desc, id);

-- Deliveries that failed their last attempt, with the body that was sent (a delivery_dead alert goes with each).
create table credit_dead_letters (
  id bigserial primary key,
  delivery_id uuid not null unique references credit_deliveries(id),
  subscription_id uuid not null references credit_subscriptions(id),
  event_id uuid not null,
  attempts integer not null,
  last_status_code integer,
  last_error text,
  body jsonb not null,
  created_at timestamptz not null default now()
);
create trigger credit_dead_letters_append_only before update or delete on credit_dead_letters
  for each row execute function refuse_change();
create trigger credit_dead_letters_no_truncate before truncate on credit_dead_letters
  for each statement execute function refuse_change();
