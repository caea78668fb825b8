-- Transfer manifests (转移联单): one per vehicle trip, their hash-chained events, the per-year number
-- counter, shipment closures and credit inputs (DESIGN §5.6, §6.8, §7; RELIABILITY R2, M4).

-- One row per year: the last serial given out. Incremented in the transaction that opens a manifest,
-- so numbers are unique and gap-free (a rolled-back opening gives its serial back).
create table manifest_counters (
  year integer primary key check (year between 2000 and 9999),
  last_serial integer not null check (last_serial between 1 and 999999)
);

-- The manifest row is the projection of its events (manifest_events), updated in the same transaction
-- as each event is appended. Parties, lines and emergency measures are a snapshot taken when the trip
-- was opened, as the paper form records them.
create table manifests (
  id uuid primary key,
  seq bigserial not null unique,
  number text not null unique check (number ~ '^[0-9]{4}3306[0-9]{6}$'),
  official_number text unique,
  trade_id uuid not null references trades(id),
  kind text not null check (kind in ('hazardous', 'general')),
  status text not null check (status in ('draft', 'issued', 'loaded', 'in_transit', 'arrived', 'received', 'rejected', 'closed')),
  shipper_org_id uuid not null references orgs(id),
  carrier_org_id uuid not null references orgs(id),
  receiver_org_id uuid not null references orgs(id),
  parties jsonb not null,
  vehicle_plate text not null,
  driver_name text not null,
  material_code text not null,
  waste_code text not null,
  category text not null,
  lines jsonb not null,
  emergency_measures text not null,
  origin_district text not null,
  destination_district text not null,
  declared_kg bigint not null check (declared_kg between 1 and 1000000000),
  loaded_kg bigint check (loaded_kg between 1 and 3000000000),
  received_kg bigint check (received_kg between 1 and 3000000000),
  accepted_kg bigint check (accepted_kg >= 0 and accepted_kg <= declared_kg),
  decision text check (decision in ('accept', 'partial', 'reject')),
  decision_note text,
  disposal_method text,
  disposal_date date,
  issued_at timestamptz,
  loaded_at timestamptz,
  departed_at timestamptz,
  arrived_at timestamptz,
  received_at timestamptz,
  closed_at timestamptz,
  receipt_due_at timestamptz,
  disposal_due_at timestamptz,
  -- Bookkeeping of the deadline sweep (not part of the record): when each alert was raised.
  transit_alerted_at timestamptz,
  receipt_alerted_at timestamptz,
  disposal_alerted_at timestamptz,
  event_count integer not null default 0,
  last_hash text not null,
  created_by uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check ((status = 'rejected') = (decision is not null and decision = 'reject'))
);
create index manifests_trade_idx on manifests(trade_id, seq);
create index manifests_shipper_idx on manifests(shipper_org_id, seq desc);
create index manifests_carrier_idx on manifests(carrier_org_id, seq desc);
create index manifests_receiver_idx on manifests(receiver_org_id, seq desc);
create index manifests_origin_idx on manifests(origin_district, seq desc);
create index manifests_destination_idx on manifests(destination_district, seq desc);
-- The deadline sweep looks only at trips still waiting for a step.
create index manifests_open_idx on manifests(status) where status in ('loaded', 'in_transit', 'arrived', 'received');

-- Append-only, hash-chained (DESIGN §6.8): hash = sha256(prev_hash || canonical(event)).
create table manifest_events (
  id bigserial primary key,
  manifest_id uuid not null references manifests(id),
  seq integer not null check (seq >= 1),
  v integer not null,
  type text not null,
  at timestamptz not null,
  actor_org_id uuid,
  actor_user_id uuid,
  data jsonb not null,
  prev_hash text not null check (prev_hash ~ '^[0-9a-f]{64}$'),
  hash text not null check (hash ~ '^[0-9a-f]{64}$'),
  unique (manifest_id, seq)
);
create trigger manifest_events_append_only before update or delete on manifest_events
  for each row execute function refuse_change();
create trigger manifest_events_no_truncate before truncate on manifest_events
  for each statement execute function refuse_change();

-- The shipper's statement that no more trips will come for a trade (POST /trades/:id/close-shipments).
create table shipment_closures (
  trade_id uuid primary key references trades(id),
  closed_by uuid,
  closed_by_org uuid not null references orgs(id),
  closed_at timestamptz not null default now(),
  declared_kg bigint not null
);
create trigger shipment_closures_append_only before update or delete on shipment_closures
  for each row execute function refuse_change();

-- Inputs to the credit score (issue: credit), append-only: one row per org, kind and subject.
-- Manifests write receipt_overdue, disposal_overdue and late_pickup; the credit module reads them.
create table credit_events (
  id bigserial primary key,
  org_id uuid not null references orgs(id),
  kind text not null,
  subject_type text not null,
  subject_id text not null,
  occurred_at timestamptz not null,
  details jsonb not null default '{}'::jsonb,
  recorded_at timestamptz not null default now(),
  unique (org_id, kind, subject_type, subject_id)
);
create index credit_events_org_idx on credit_events(org_id, id);
create trigger credit_events_append_only before update or delete on credit_events
  for each row execute function refuse_change();
create trigger credit_events_no_truncate before truncate on credit_events
  for each statement execute function refuse_change();
