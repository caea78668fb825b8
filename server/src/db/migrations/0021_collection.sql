-- Issue 18: collection services for small producers (小箱进大箱), consolidation and fallback disposal (兜底处置).
-- A collection licence is a third licence kind; a collection intake's transfer record is a manifest of kind
-- `collection`, numbered from the same series and chained like any other.
alter table licences drop constraint licences_kind_check;
alter table licences add constraint licences_kind_check check (kind in ('disposal', 'transport', 'collection'));
alter table manifests drop constraint manifests_kind_check;
alter table manifests add constraint manifests_kind_check check (kind in ('hazardous', 'general', 'collection'));

-- A collector's collection points: where small producers bring their lots.
create table collection_points (
  id uuid primary key,
  org_id uuid not null references orgs(id),
  name text not null,
  address text not null,
  district text not null,
  fee_per_tonne_fen bigint not null check (fee_per_tonne_fen >= 0),
  created_at timestamptz not null default now()
);
create index collection_points_org_idx on collection_points(org_id);

-- A consolidated lot: intakes of one waste code put together and sold through an ordinary listing.
create table consolidated_lots (
  id uuid primary key,
  collector_org_id uuid not null references orgs(id),
  material_code text not null,
  waste_code text not null,
  quantity_kg bigint not null check (quantity_kg > 0),
  listing_id uuid references listings(id),
  created_at timestamptz not null default now()
);

-- One small lot declared by a producer at a collection point; accepted, it becomes a trade (the
-- producer pays the collection fee through escrow) with its own collection manifest.
create table intakes (
  id uuid primary key,
  point_id uuid not null references collection_points(id),
  collector_org_id uuid not null references orgs(id),
  producer_org_id uuid not null references orgs(id),
  material_code text not null,
  waste_code text not null,
  category text not null,
  hazardous boolean not null,
  quantity_kg bigint not null check (quantity_kg > 0),
  fee_per_tonne_fen bigint not null,
  status text not null default 'declared' check (status in ('declared', 'accepted', 'refused', 'withdrawn')),
  refusal_code text,
  refusal_reason text,
  trade_id uuid references trades(id),
  lot_id uuid references consolidated_lots(id),
  created_at timestamptz not null default now(),
  decided_at timestamptz
);
create index intakes_collector_idx on intakes(collector_org_id, created_at desc);
create index intakes_producer_idx on intakes(producer_org_id, created_at desc);
create unique index intakes_trade_idx on intakes(trade_id) where trade_id is not null;

-- Disposers of last resort designated by a city-scope regulator, per code or HW category, with a
-- regulated tariff (fen per tonne the producer pays), effective from a date.
create table fallback_designations (
  id uuid primary key,
  waste_code text not null,
  disposer_org_id uuid not null references orgs(id),
  fee_per_tonne_fen bigint not null check (fee_per_tonne_fen >= 0),
  effective_from date not null,
  designated_by uuid not null,
  source text not null,
  created_at timestamptz not null default now()
);
create index fallback_designations_code_idx on fallback_designations(waste_code, effective_from desc);

-- A producer's request to send a lot to fallback: made only with the tariff it accepted.
create table fallback_requests (
  id uuid primary key,
  listing_id uuid not null references listings(id),
  producer_org_id uuid not null references orgs(id),
  designation_id uuid not null references fallback_designations(id),
  disposer_org_id uuid not null references orgs(id),
  material_code text not null,
  waste_code text not null,
  quantity_kg bigint not null check (quantity_kg > 0),
  fee_per_tonne_fen bigint not null,
  tariff_accepted_at timestamptz not null,
  accepted_by uuid not null,
  status text not null default 'pending' check (status in ('pending', 'accepted', 'declined')),
  respond_by timestamptz not null,
  reason text,
  trade_id uuid references trades(id),
  created_at timestamptz not null default now(),
  decided_at timestamptz
);
create index fallback_requests_pending_idx on fallback_requests(status, respond_by);
create unique index fallback_requests_open_idx on fallback_requests(listing_id) where status <> 'declined';
