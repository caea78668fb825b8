-- Regulator monitoring (DESIGN §5 step 9, §7 regulator, issue 7): rollups of flows and indicator
-- inputs, kept by triggers in the transaction of every trade and manifest change, so the regulator's
-- reads (flows, indicators, capacity) aggregate thousands of rollup rows instead of a million trades.
-- docs/indicators.md defines every figure; docs/benchmarks.md measures the queries.

-- ── Calendar and classification helpers ─────────────────────────────────────────────────────────
-- Shanghai calendar days (UTC+8 all year since 1991; shared/src/calendar.ts uses the same fixed offset).
-- A fixed interval, not a zone name, so the functions are immutable and can back an index.
create function zwx_sh_day(ts timestamptz) returns date language sql immutable parallel safe
  as $$ select (ts at time zone interval '+08:00')::date $$;
create function zwx_sh_month(ts timestamptz) returns date language sql immutable parallel safe
  as $$ select date_trunc('month', ts at time zone interval '+08:00')::date $$;

-- The utilisation or disposal method a receiver reports (manifest report_disposal, free text such as
-- "R15 …", "D10 焚烧") as one of: utilisation (R codes, or words for reuse, recycling, recovery),
-- landfill (D1, or 填埋/landfill), disposal (other D codes, incineration, treatment), other.
-- A code at the start decides; words decide only without a code.
create function zwx_method_class(method text) returns text language sql immutable parallel safe as $$
  select case
    when method is null or btrim(method) = '' then null
    when method ~* '^\s*R\s*\d' then 'utilisation'
    when method ~* '^\s*D\s*0*1(\D|$)' then 'landfill'
    when method ~* '^\s*D\s*\d' then 'disposal'
    when method ~* '(填埋|landfill)' then 'landfill'
    when method ~* '(利用|回收|再生|资源化|还田|堆肥|recycl|recover|reuse|re-use|utili[sz])' then 'utilisation'
    when method ~* '(焚烧|处置|处理|incinerat|dispos|treat)' then 'disposal'
    else 'other'
  end
$$;

-- The stream a trade counts under: hazardous when the lot is hazardous; a non-hazardous lot of a
-- hazardous-stream material (WS-CLASSIFIED classified as SW) counts as general industrial waste.
create function zwx_trade_stream(p_material text, p_hazardous boolean) returns text language sql stable as $$
  select case when p_hazardous then 'hazardous'
    else coalesce(nullif((select stream from materials where code = p_material), 'hazardous'), 'general_industrial') end
$$;

-- ── The rollup ──────────────────────────────────────────────────────────────────────────────────
-- One row per grain (day, month, year) × period start × origin × destination × material × category ×
-- hazard, attributed to the Shanghai day the trade was made. A range query reads whole years, then
-- whole months, then the days at its edges (server/src/modules/regulator/flows.ts splitRange).
-- Manifest figures are attributed to their trade's day, so "received" means: of the trades made then.
create table regulator_flow_rollup (
  grain text not null check (grain in ('day', 'month', 'year')),
  period date not null,
  origin_district text not null,
  destination_district text not null,
  material_code text not null,
  category text not null,
  hazardous boolean not null,
  stream text not null,
  -- Trades not cancelled, and their contracted kg.
  trades bigint not null default 0,
  contracted_kg bigint not null default 0,
  -- Trades that came from a listing, and the sum of (trade time − listing time) in milliseconds.
  listed_trades bigint not null default 0,
  listing_to_trade_ms bigint not null default 0,
  -- Manifests: kg accepted on receipt (received or closed trips).
  received_kg bigint not null default 0,
  -- Loaded kg of trips with a receipt decision (received, rejected, closed).
  decided_loaded_kg bigint not null default 0,
  -- Accepted kg of closed trips (method reported), and how much of it went to utilisation / landfill.
  reported_kg bigint not null default 0,
  utilised_kg bigint not null default 0,
  landfilled_kg bigint not null default 0,
  -- Trips closed (or rejected) with every step on time, and trips with a step late or overdue.
  manifests_on_time bigint not null default 0,
  manifests_late bigint not null default 0,
  primary key (grain, period, origin_district, destination_district, material_code, category, hazardous)
) with (fillfactor = 70);
-- fillfactor: the triggers update rows in place; free room on each page keeps those updates HOT (no
-- index writes) and a period's rows together on few pages, which is what range reads scan.

-- Per receiver and Shanghai calendar year: hazardous intake, the figure licence capacity is checked against.
create table regulator_receiver_year (
  year integer not null,
  receiver_org_id uuid not null,
  hazardous_trades bigint not null default 0,
  hazardous_contracted_kg bigint not null default 0,
  hazardous_received_kg bigint not null default 0,
  primary key (year, receiver_org_id)
);

create function regulator_rollup_apply(
  p_day date, p_origin text, p_dest text, p_material text, p_category text, p_hazardous boolean,
  d_trades bigint, d_contracted bigint, d_listed bigint, d_listing_ms bigint,
  d_received bigint, d_decided_loaded bigint, d_reported bigint, d_utilised bigint, d_landfilled bigint,
  d_on_time bigint, d_late bigint
) returns void language plpgsql as $$
declare
  v_stream text := zwx_trade_stream(p_material, p_hazardous);
begin
  -- Rows are touched in a fixed order (day, month, year) so two transactions cannot deadlock on them.
  insert into regulator_flow_rollup as r (
    grain, period, origin_district, destination_district, material_code, category, hazardous, stream,
    trades, contracted_kg, listed_trades, listing_to_trade_ms, received_kg, decided_loaded_kg,
    reported_kg, utilised_kg, landfilled_kg, manifests_on_time, manifests_late)
  select g.grain, g.period, p_origin, p_dest, p_material, p_category, p_hazardous, v_stream,
    d_trades, d_contracted, d_listed, d_listing_ms, d_received, d_decided_loaded,
    d_reported, d_utilised, d_landfilled, d_on_time, d_late
  from (values
    ('day', p_day),
    ('month', date_trunc('month', p_day::timestamp)::date),
    ('year', date_trunc('year', p_day::timestamp)::date)) as g(grain, period)
  on conflict (grain, period, origin_district, destination_district, material_code, category, hazardous) do update set
    trades = r.trades + excluded.trades,
    contracted_kg = r.contracted_kg + excluded.contracted_kg,
    listed_trades = r.listed_trades + excluded.listed_trades,
    listing_to_trade_ms = r.listing_to_trade_ms + excluded.listing_to_trade_ms,
    received_kg = r.received_kg + excluded.received_kg,
    decided_loaded_kg = r.decided_loaded_kg + excluded.decided_loaded_kg,
    reported_kg = r.reported_kg + excluded.reported_kg,
    utilised_kg = r.utilised_kg + excluded.utilised_kg,
    landfilled_kg = r.landfilled_kg + excluded.landfilled_kg,
    manifests_on_time = r.manifests_on_time + excluded.manifests_on_time,
    manifests_late = r.manifests_late + excluded.manifests_late;
end;
$$;

create function regulator_receiver_apply(p_day date, p_receiver uuid, d_trades bigint, d_contracted bigint, d_received bigint)
returns void language plpgsql as $$
begin
  insert into regulator_receiver_year as r (year, receiver_org_id, hazardous_trades, hazardous_contracted_kg, hazardous_received_kg)
  values (extract(year from p_day)::integer, p_receiver, d_trades, d_contracted, d_received)
  on conflict (year, receiver_org_id) do update set
    hazardous_trades = r.hazardous_trades + excluded.hazardous_trades,
    hazardous_contracted_kg = r.hazardous_contracted_kg + excluded.hazardous_contracted_kg,
    hazardous_received_kg = r.hazardous_received_kg + excluded.hazardous_received_kg;
end;
$$;

-- A trade's own contribution (sign +1 adds it, −1 takes it back).
create function regulator_trade_delta(t trades, sign integer) returns void language plpgsql as $$
declare
  v_listed timestamptz;
  v_day date := zwx_sh_day(t.created_at);
begin
  if t.listing_id is not null then
    select created_at into v_listed from listings where id = t.listing_id;
  end if;
  perform regulator_rollup_apply(v_day, t.origin_district, t.destination_district, t.material_code, t.category, t.hazardous,
    sign, sign * t.quantity_kg,
    case when v_listed is null then 0 else sign end,
    case when v_listed is null then 0 else sign * round(extract(epoch from (t.created_at - v_listed)) * 1000)::bigint end,
    0, 0, 0, 0, 0, 0, 0);
  if t.hazardous then
    perform regulator_receiver_apply(v_day, t.receiver_org_id, sign, sign * t.quantity_kg, 0);
  end if;
end;
$$;

create function regulator_trades_rollup() returns trigger language plpgsql as $$
declare
  was_live boolean := false;
  is_live boolean := false;
begin
  if tg_op <> 'INSERT' then was_live := old.status <> 'cancelled'; end if;
  if tg_op <> 'DELETE' then is_live := new.status <> 'cancelled'; end if;
  if tg_op = 'UPDATE' then
    -- Most updates move the status along (funded, in transit, settled) and change nothing counted here.
    if was_live = is_live and (not is_live or (
        old.created_at = new.created_at and old.origin_district = new.origin_district
        and old.destination_district = new.destination_district and old.material_code = new.material_code
        and old.category = new.category and old.hazardous = new.hazardous and old.quantity_kg = new.quantity_kg
        and old.receiver_org_id = new.receiver_org_id and old.listing_id is not distinct from new.listing_id)) then
      return null;
    end if;
  end if;
  if was_live then perform regulator_trade_delta(old, -1); end if;
  if is_live then perform regulator_trade_delta(new, 1); end if;
  return null;
end;
$$;
create trigger trades_regulator_rollup after insert or update or delete on trades
  for each row execute function regulator_trades_rollup();

-- Whether a trip is late: a step done after its deadline, or flagged overdue by the manifests'
-- deadline sweep (receipt_alerted_at / disposal_alerted_at).
create function regulator_manifest_late(m manifests) returns boolean language sql immutable as $$
  select coalesce(m.received_at > m.receipt_due_at or m.closed_at > m.disposal_due_at
    or m.receipt_alerted_at is not null or m.disposal_alerted_at is not null, false)
$$;

-- What one trip adds to its trade's rollup row: [received, decided loaded, reported, utilised,
-- landfilled, on time, late]. Plain expressions (no FROM), so the planner inlines it into set queries.
create function regulator_manifest_vector(m manifests) returns bigint[] language sql immutable as $$
  select array[
    case when m.status in ('received', 'closed') then coalesce(m.accepted_kg, 0) else 0 end,
    case when m.status in ('received', 'rejected', 'closed') then coalesce(m.loaded_kg, 0) else 0 end,
    case when m.status = 'closed' then coalesce(m.accepted_kg, 0) else 0 end,
    case when m.status = 'closed' and zwx_method_class(m.disposal_method) = 'utilisation' then coalesce(m.accepted_kg, 0) else 0 end,
    case when m.status = 'closed' and zwx_method_class(m.disposal_method) = 'landfill' then coalesce(m.accepted_kg, 0) else 0 end,
    case when not regulator_manifest_late(m) and m.status in ('closed', 'rejected') then 1 else 0 end,
    case when regulator_manifest_late(m) then 1 else 0 end
  ]::bigint[]
$$;

create function regulator_manifests_rollup() returns trigger language plpgsql as $$
declare
  v_old bigint[] := array[0, 0, 0, 0, 0, 0, 0]::bigint[];
  v_new bigint[] := array[0, 0, 0, 0, 0, 0, 0]::bigint[];
  d bigint[] := array[0, 0, 0, 0, 0, 0, 0]::bigint[];
  v_trade_id uuid;
  t record;
  i integer;
begin
  if tg_op <> 'INSERT' then v_old := regulator_manifest_vector(old); v_trade_id := old.trade_id; end if;
  if tg_op <> 'DELETE' then v_new := regulator_manifest_vector(new); v_trade_id := new.trade_id; end if;
  -- Issue, load, depart, arrive and most bookkeeping change nothing counted here.
  if v_old = v_new then return null; end if;
  for i in 1..7 loop d[i] := v_new[i] - v_old[i]; end loop;
  select created_at, origin_district, destination_district, material_code, category, hazardous, receiver_org_id
    into t from trades where id = v_trade_id;
  if not found then return null; end if;
  perform regulator_rollup_apply(zwx_sh_day(t.created_at), t.origin_district, t.destination_district, t.material_code,
    t.category, t.hazardous, 0, 0, 0, 0, d[1], d[2], d[3], d[4], d[5], d[6], d[7]);
  if t.hazardous and d[1] <> 0 then
    perform regulator_receiver_apply(zwx_sh_day(t.created_at), t.receiver_org_id, 0, 0, d[1]);
  end if;
  return null;
end;
$$;
create trigger manifests_regulator_rollup after insert or update or delete on manifests
  for each row execute function regulator_manifests_rollup();

-- Recomputes both rollups from the base tables, set-based: the backfill below, bulk loads (the
-- million-trade benchmark loads with the triggers off, then calls this), and a repair tool. Must
-- give what the triggers give (tests/integration/regulator-flows.test.ts checks it).
create function regulator_rollup_rebuild() returns void language plpgsql as $$
begin
  lock table trades, manifests in share mode;
  truncate regulator_flow_rollup, regulator_receiver_year;
  create temporary table regulator_rebuild_base on commit drop as
  with m as (
    select trade_id,
      sum(v[1]) received, sum(v[2]) decided_loaded, sum(v[3]) reported, sum(v[4]) utilised, sum(v[5]) landfilled,
      sum(v[6]) on_time, sum(v[7]) late
    -- offset 0: compute each trip's vector once, not once per sum below.
    from (select trade_id, regulator_manifest_vector(manifests) v from manifests offset 0) x
    group by trade_id
  )
  select zwx_sh_day(t.created_at) as day, t.origin_district, t.destination_district, t.material_code, t.category, t.hazardous,
    t.receiver_org_id,
    case when t.status <> 'cancelled' then 1 else 0 end as trades,
    case when t.status <> 'cancelled' then t.quantity_kg else 0 end as contracted_kg,
    case when t.status <> 'cancelled' and l.created_at is not null then 1 else 0 end as listed_trades,
    case when t.status <> 'cancelled' and l.created_at is not null
      then round(extract(epoch from (t.created_at - l.created_at)) * 1000)::bigint else 0 end as listing_to_trade_ms,
    coalesce(m.received, 0) as received_kg, coalesce(m.decided_loaded, 0) as decided_loaded_kg,
    coalesce(m.reported, 0) as reported_kg, coalesce(m.utilised, 0) as utilised_kg, coalesce(m.landfilled, 0) as landfilled_kg,
    coalesce(m.on_time, 0) as manifests_on_time, coalesce(m.late, 0) as manifests_late
  from trades t
  left join listings l on l.id = t.listing_id
  left join m on m.trade_id = t.id
  where t.status <> 'cancelled' or m.trade_id is not null;

  insert into regulator_flow_rollup (
    grain, period, origin_district, destination_district, material_code, category, hazardous, stream,
    trades, contracted_kg, listed_trades, listing_to_trade_ms, received_kg, decided_loaded_kg,
    reported_kg, utilised_kg, landfilled_kg, manifests_on_time, manifests_late)
  select g.grain,
    case g.grain when 'day' then b.day when 'month' then date_trunc('month', b.day::timestamp)::date
      else date_trunc('year', b.day::timestamp)::date end as period,
    b.origin_district, b.destination_district, b.material_code, b.category, b.hazardous,
    zwx_trade_stream(b.material_code, b.hazardous),
    sum(b.trades), sum(b.contracted_kg), sum(b.listed_trades), sum(b.listing_to_trade_ms), sum(b.received_kg),
    sum(b.decided_loaded_kg), sum(b.reported_kg), sum(b.utilised_kg), sum(b.landfilled_kg),
    sum(b.manifests_on_time), sum(b.manifests_late)
  from regulator_rebuild_base b cross join (values ('day'), ('month'), ('year')) as g(grain)
  group by 1, 2, 3, 4, 5, 6, 7
  -- Written in period order, so each period's rows sit together on disk.
  order by 1, 2;

  insert into regulator_receiver_year (year, receiver_org_id, hazardous_trades, hazardous_contracted_kg, hazardous_received_kg)
  select extract(year from day)::integer, receiver_org_id, sum(trades), sum(contracted_kg), sum(received_kg)
  from regulator_rebuild_base where hazardous
  group by 1, 2;

  drop table regulator_rebuild_base;
end;
$$;

select regulator_rollup_rebuild();

-- Range reads by grain and period; the scope filter works on the few rows a period has.
create index regulator_flow_rollup_period_idx on regulator_flow_rollup(grain, period);

-- Median price per material and month (indicators): each median is read by position from this index,
-- the count per material and month coming from the rollup, so no trade is sorted at query time.
-- created_at is included so the scan is index-only (PostgreSQL needs the column an expression is made of).
create index trades_material_month_price_idx on trades(material_code, zwx_sh_month(created_at), price_per_tonne_fen)
  include (origin_district, destination_district, created_at) where status <> 'cancelled';

-- Drill-down from a flow edge to its trades, newest first.
create index trades_edge_idx on trades(origin_district, destination_district, created_at desc, seq desc);

-- Alerts: the regulator's list, by district in scope, kind and status, newest first.
create index alerts_district_idx on alerts(district, created_at desc, id desc);
create index alerts_created_idx on alerts(created_at desc, id desc);
create index alerts_kind_idx on alerts(kind, created_at desc);
