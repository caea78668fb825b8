-- Continuous markets and watchlists (issue 16, ADR 0026). server/src/modules/markets owns the market
-- tables, server/src/modules/watches the watch tables.

-- A standardised grade's market terms, from the catalogue data (shared/data/waste-codes.json):
-- the smallest order and fill (a 1 kg fill must not become a trade with escrow and a manifest) and
-- the price step. Null on materials that have no continuous market.
alter table materials add column market_min_lot_kg bigint check (market_min_lot_kg >= 1);
alter table materials add column market_price_tick_fen bigint check (market_price_tick_fen >= 1);

-- One row per order; the open ones (ordered by seq) are the book. Matching happens only under the
-- market's advisory lock, so seq (allocated at insert, under that lock) increases along each market.
create table market_orders (
  id uuid primary key,
  seq bigserial not null unique,
  market_code text not null references materials(code),
  org_id uuid not null references orgs(id),
  user_id uuid references users(id),
  side text not null check (side in ('buy', 'sell')),
  price_per_tonne_fen bigint not null check (price_per_tonne_fen between -100000000 and 100000000),
  quantity_kg bigint not null check (quantity_kg between 1 and 1000000000),
  remaining_kg bigint not null check (remaining_kg >= 0),
  filled_kg bigint not null default 0 check (filled_kg >= 0),
  cancelled_kg bigint not null default 0 check (cancelled_kg >= 0),
  district text not null,
  pickup_from timestamptz not null,
  pickup_to timestamptz not null,
  justification text,
  price_check jsonb not null,
  status text not null check (status in ('open', 'filled', 'cancelled')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (filled_kg + remaining_kg + cancelled_kg = quantity_kg),
  check ((status = 'open') = (remaining_kg > 0))
);
create index market_orders_open_idx on market_orders(market_code, seq) where status = 'open';
create index market_orders_org_idx on market_orders(org_id, seq desc);

-- The engine's journal per market (add, fill, cancel; numbered by op): a process whose in-memory book
-- is behind replays the entries after its lastOp when it takes the market's lock (ADR 0026).
create table market_journal (
  market_code text not null references materials(code),
  op bigint not null,
  entry jsonb not null,
  created_at timestamptz not null default now(),
  primary key (market_code, op)
);

-- Prints: one per fill, public without the parties.
create table market_prints (
  id uuid primary key,
  seq bigserial not null unique,
  market_code text not null references materials(code),
  trade_id uuid not null references trades(id),
  buy_order_id uuid not null references market_orders(id),
  sell_order_id uuid not null references market_orders(id),
  price_per_tonne_fen bigint not null,
  quantity_kg bigint not null,
  taker_side text not null check (taker_side in ('buy', 'sell')),
  created_at timestamptz not null default now()
);
create index market_prints_market_idx on market_prints(market_code, seq desc);
create index market_prints_buy_idx on market_prints(buy_order_id);
create index market_prints_sell_idx on market_prints(sell_order_id);

-- Watchlists and price alerts: a user watches a material, optionally in one district and within price
-- limits; a new listing, order or print that matches notifies that user once (notification key).
create table watches (
  id uuid primary key,
  user_id uuid not null references users(id),
  org_id uuid references orgs(id),
  material_code text not null references materials(code),
  district text,
  min_price_per_tonne_fen bigint,
  max_price_per_tonne_fen bigint,
  created_at timestamptz not null default now(),
  check (min_price_per_tonne_fen is null or max_price_per_tonne_fen is null or min_price_per_tonne_fen <= max_price_per_tonne_fen)
);
create index watches_material_idx on watches(material_code);
create index watches_user_idx on watches(user_id, created_at desc);
