-- Trading core: listings, bids, trades (DESIGN §5.1–5.4, §7).

create table listings (
  id uuid primary key,
  -- Page order and cursor key: strictly increasing, unlike created_at which can tie.
  seq bigserial not null unique,
  org_id uuid not null references orgs(id),
  created_by uuid,
  side text not null check (side in ('supply', 'demand')),
  material_code text not null references materials(code),
  -- WS-CLASSIFIED only: the code from the generator's classification or test report.
  classified_code text,
  -- The code that decides hazard and licence scope (classified_code, else material_code), and its category.
  waste_code text not null,
  category text not null,
  hazardous boolean not null,
  quantity_kg bigint not null check (quantity_kg between 1 and 1000000000),
  remaining_kg bigint not null check (remaining_kg >= 0 and remaining_kg <= quantity_kg),
  min_lot_kg bigint not null check (min_lot_kg >= 1 and min_lot_kg <= quantity_kg),
  price_per_tonne_fen bigint not null check (price_per_tonne_fen between -100000000 and 100000000),
  justification text,
  price_check jsonb not null,
  mode text not null check (mode in ('fixed', 'auction')),
  closes_at timestamptz,
  pickup_from timestamptz not null,
  pickup_to timestamptz not null check (pickup_to >= pickup_from),
  district text not null,
  address text,
  hazard jsonb,
  analysis jsonb,
  description text,
  status text not null default 'open' check (status in ('open', 'matched', 'closed', 'cancelled', 'expired')),
  -- Bids placed and not withdrawn; public, also on a sealed auction.
  bid_count integer not null default 0 check (bid_count >= 0),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  closed_at timestamptz,
  check ((mode = 'auction') = (closes_at is not null))
);
create index listings_seq_idx on listings(seq desc);
create index listings_status_seq_idx on listings(status, seq desc);
create index listings_material_idx on listings(material_code, seq desc);
create index listings_org_idx on listings(org_id, seq desc);
-- Chinese substring search (q) runs as ILIKE, which pg_trgm's GIN index serves.
create index listings_description_trgm on listings using gin (description gin_trgm_ops);
create index materials_name_en_trgm on materials using gin (name_en gin_trgm_ops);

create table bids (
  id uuid primary key,
  -- Time priority for auctions and the cursor of "my bids".
  seq bigserial not null unique,
  listing_id uuid not null references listings(id),
  org_id uuid not null references orgs(id),
  user_id uuid,
  price_per_tonne_fen bigint not null check (price_per_tonne_fen between -100000000 and 100000000),
  quantity_kg bigint not null check (quantity_kg between 1 and 1000000000),
  filled_kg bigint not null default 0 check (filled_kg >= 0 and filled_kg <= quantity_kg),
  justification text,
  price_check jsonb not null,
  status text not null default 'active' check (status in ('active', 'won', 'lost', 'withdrawn')),
  created_at timestamptz not null default now(),
  decided_at timestamptz
);
create index bids_listing_idx on bids(listing_id, seq);
create index bids_org_idx on bids(org_id, seq desc);

create table trades (
  id uuid primary key,
  seq bigserial not null unique,
  listing_id uuid references listings(id),
  bid_id uuid references bids(id),
  -- Continuous markets (a later issue): the two orders that crossed.
  order_ids uuid[],
  generator_org_id uuid not null references orgs(id),
  receiver_org_id uuid not null references orgs(id),
  payer_org_id uuid references orgs(id),
  payee_org_id uuid references orgs(id),
  material_code text not null references materials(code),
  classified_code text,
  waste_code text not null,
  category text not null,
  hazardous boolean not null,
  quantity_kg bigint not null check (quantity_kg between 1 and 1000000000),
  price_per_tonne_fen bigint not null check (price_per_tonne_fen between -100000000 and 100000000),
  amount_fen bigint not null check (amount_fen >= 0),
  platform_fee_fen bigint not null check (platform_fee_fen >= 0),
  eco_compensation_fen bigint not null check (eco_compensation_fen >= 0),
  status text not null check (status in ('awaiting_payment', 'funded', 'in_transit', 'delivered', 'disputed', 'settled', 'cancelled')),
  accepted_kg bigint not null default 0 check (accepted_kg >= 0),
  origin_district text not null,
  destination_district text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- Set by settlement; the reference band and the price index read settled trades by this time.
  settled_at timestamptz,
  check (generator_org_id <> receiver_org_id),
  check ((price_per_tonne_fen = 0) = (payer_org_id is null)),
  check ((payer_org_id is null) = (payee_org_id is null))
);
-- A bid fills at most once (fixed: one fill; auction: one allocation): the last guard against a double close.
create unique index trades_bid_uq on trades(bid_id) where bid_id is not null;
create index trades_listing_idx on trades(listing_id);
create index trades_generator_idx on trades(generator_org_id, seq desc);
create index trades_receiver_idx on trades(receiver_org_id, seq desc);
create index trades_origin_idx on trades(origin_district, seq desc);
create index trades_destination_idx on trades(destination_district, seq desc);
-- Licence capacity: hazardous intake per receiver and year.
create index trades_receiver_hazardous_idx on trades(receiver_org_id, created_at) where hazardous and status <> 'cancelled';
-- Reference bands and the price index: settled trades per material by settlement time.
create index trades_settled_idx on trades(material_code, settled_at) where status = 'settled';
