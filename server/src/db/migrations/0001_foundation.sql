-- Foundation: organisations, users, tokens, licences, catalogue, outbox, idempotency, alerts, audit.
create extension if not exists pg_trgm;

create table orgs (
  id uuid primary key,
  name text not null,
  uscc text not null unique,
  district text not null,
  roles text[] not null,
  scope jsonb,
  created_at timestamptz not null default now()
);

create table users (
  id uuid primary key,
  org_id uuid references orgs(id),
  email text not null unique,
  password_hash text not null,
  name text not null,
  org_role text not null check (org_role in ('owner', 'member')),
  is_admin boolean not null default false,
  created_at timestamptz not null default now()
);
create index users_org_idx on users(org_id);

create table refresh_tokens (
  id uuid primary key,
  user_id uuid not null references users(id),
  family_id uuid not null,
  token_hash text not null unique,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz,
  revoked_at timestamptz
);
create index refresh_tokens_family_idx on refresh_tokens(family_id);

create table licences (
  id uuid primary key,
  org_id uuid not null references orgs(id),
  number text not null,
  kind text not null check (kind in ('disposal', 'transport')),
  waste_codes text[] not null,
  annual_capacity_kg bigint not null check (annual_capacity_kg > 0),
  valid_from date not null,
  valid_to date not null check (valid_to >= valid_from),
  status text not null check (status in ('pending', 'approved', 'suspended', 'expired')),
  decided_by uuid,
  decided_at timestamptz,
  created_at timestamptz not null default now(),
  unique (org_id, number)
);
create index licences_org_idx on licences(org_id);

create table materials (
  code text primary key,
  edition text,
  stream text not null,
  category text not null,
  name_zh text not null,
  name_en text not null,
  hazardous boolean,
  tradeable boolean not null,
  standardised_grade boolean not null default false,
  verification text not null,
  note text
);
create index materials_name_trgm on materials using gin (name_zh gin_trgm_ops);

create table hazardous_categories (
  code text primary key,
  name_zh text not null
);

create table price_bands (
  material_code text primary key references materials(code),
  low_fen bigint not null,
  median_fen bigint not null,
  high_fen bigint not null,
  source text not null check (source in ('seed', 'pinned')),
  note text,
  pinned_by uuid,
  pinned_at timestamptz,
  check (low_fen <= median_fen and median_fen <= high_fen)
);

-- Work that must happen after a commit is written here in the same transaction (DESIGN §3).
create table outbox (
  id bigserial primary key,
  topic text not null,
  payload jsonb not null,
  available_at timestamptz not null default now(),
  created_at timestamptz not null default now(),
  dispatched_at timestamptz,
  dispatch_count integer not null default 0,
  done_at timestamptz,
  attempts integer not null default 0,
  last_error text
);
create index outbox_pending_idx on outbox(available_at, id) where done_at is null;

-- Per-room realtime sequence, allocated with the outbox row so it holds across processes (DESIGN §8).
create table room_seq (
  room text primary key,
  seq bigint not null
);

create table idempotency_keys (
  user_id uuid not null,
  route text not null,
  key text not null,
  request_hash text not null,
  status_code integer,
  response jsonb,
  created_at timestamptz not null default now(),
  primary key (user_id, route, key)
);
create index idempotency_keys_created_idx on idempotency_keys(created_at);

create table alerts (
  id uuid primary key,
  kind text not null,
  district text,
  subject_type text,
  subject_id text,
  dedupe_key text not null unique,
  message text not null,
  details jsonb not null,
  status text not null default 'open' check (status in ('open', 'resolved')),
  created_at timestamptz not null default now(),
  resolved_by uuid,
  resolved_at timestamptz,
  resolution_note text
);
create index alerts_status_idx on alerts(status, created_at desc);

create table audit_log (
  id bigserial primary key,
  actor_user_id uuid,
  actor_org_id uuid,
  action text not null,
  subject_type text not null,
  subject_id text not null,
  details jsonb not null,
  at timestamptz not null default now()
);
create index audit_log_subject_idx on audit_log(subject_type, subject_id);

-- Append-only records: a trigger refuses UPDATE and DELETE (RELIABILITY M4). Later tables reuse it.
create function refuse_change() returns trigger language plpgsql as $$
begin
  raise exception 'table % is append-only', tg_table_name using errcode = '55000';
end;
$$;
create trigger audit_log_append_only before update or delete on audit_log
  for each row execute function refuse_change();
