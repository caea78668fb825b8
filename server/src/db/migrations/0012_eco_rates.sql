-- Ecological compensation rates (生态补偿金; DESIGN §5.4, issue 12 item 6, docs/eco-compensation.md).
-- Replaces the single ECO_FEE_FEN_PER_TONNE setting with a table by waste stream and, optionally, by
-- the (origin, destination) pair of districts. Rows are never edited: a new row supersedes the
-- previous one from its effective date. The default rows come from shared/data/eco-rates.default.json,
-- loaded at every boot (modules/ecofees), idempotently, keyed on the partial unique index below.
create table eco_rates (
  id uuid primary key,
  -- Orders rows of the same key and date: the later one wins.
  seq bigserial not null,
  stream text not null
    check (stream in ('hazardous', 'general_industrial', 'household_recyclable', 'agricultural', 'construction')),
  -- Both null: the stream's rate for every cross-district trade. Both set: this pair only (directional).
  from_district text,
  to_district text,
  fen_per_tonne bigint not null check (fen_per_tonne >= 0 and fen_per_tonne <= 100000000),
  -- A Shanghai calendar day: the rate applies to trades created from 00:00+08:00 of that day.
  effective_from date not null,
  source text not null check (source in ('default', 'regulator')),
  set_by_user_id uuid references users(id),
  set_by_org_id uuid references orgs(id),
  note text,
  created_at timestamptz not null default now(),
  check ((from_district is null) = (to_district is null)),
  check (from_district is null or from_district <> to_district),
  check ((source = 'regulator') = (set_by_user_id is not null))
);
create unique index eco_rates_default_key on eco_rates (stream, coalesce(from_district, ''), coalesce(to_district, ''), effective_from)
  where source = 'default';
create index eco_rates_lookup_idx on eco_rates (stream, from_district, to_district, effective_from desc, seq desc);
create trigger eco_rates_append_only before update or delete on eco_rates
  for each row execute function refuse_change();

-- The rate a trade was created under, kept on the trade and used at settlement: a later rate never
-- changes a trade's fee. eco_rate_id null: no rate applied (same district, or a trade from before
-- this table, see below).
alter table trades
  add column eco_rate_id uuid references eco_rates(id),
  add column eco_fen_per_tonne bigint not null default 0 check (eco_fen_per_tonne >= 0);

-- Trades from before the table were charged ECO_FEE_FEN_PER_TONNE, whose value the database never
-- held: recover it from the fee stored on the contracted weight. Exact for trades of 1 t or more
-- (|error| ≤ 500/kg fen/t < 0.5); settlement caps the fee at the stored one in any case. No fee is
-- added to or taken from any existing trade.
update trades
   set eco_fen_per_tonne = round(eco_compensation_fen * 1000.0 / quantity_kg)::bigint
 where eco_compensation_fen > 0 and quantity_kg > 0;
