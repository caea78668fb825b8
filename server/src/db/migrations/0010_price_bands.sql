-- Bands from trades, precomputed (issue 12 item 3, DESIGN §6.3). The prices module refreshes a
-- material's row in the `prices.refreshBand` job that settlement enqueues with each settled trade,
-- and the price check of every listing and bid reads it with one primary-key lookup: no bid scans
-- trade history. price_bands keeps the seeded and pinned bands as before.
create table trade_bands (
  material_code text primary key references materials(code),
  -- p10 / p50 / p90 over the pair-week observations; null unless the window has at least 3 distinct
  -- generators and 3 distinct receivers. Stored as computed: the minimum width is applied on read,
  -- against the seed in force.
  low_fen bigint,
  median_fen bigint,
  high_fen bigint,
  -- (generator, receiver, Shanghai week) groups of settled trades in the window.
  observations integer not null,
  trades integer not null,
  generators integer not null,
  receivers integer not null,
  window_days integer not null,
  computed_at timestamptz not null,
  check ((low_fen is null) = (median_fen is null) and (median_fen is null) = (high_fen is null)),
  check (low_fen <= median_fen and median_fen <= high_fen)
);

-- An existing installation starts with the bands its settled trades already make (the same rule as
-- refreshTradeBand in server/src/modules/prices/repo.ts, window 180 days, 3 generators and 3
-- receivers); afterwards each settlement refreshes its material.
insert into trade_bands (material_code, low_fen, median_fen, high_fen, observations, trades, generators, receivers, window_days, computed_at)
with w as (
  select material_code as m, generator_org_id as g, receiver_org_id as r, price_per_tonne_fen as p, quantity_kg as kg,
         date_trunc('week', settled_at at time zone 'Asia/Shanghai') as wk
    from trades
   where status = 'settled' and settled_at >= now() - make_interval(days => 180)
), obs as (
  select m, sum(p::numeric * kg) / sum(kg) as price from w group by m, g, r, wk
), parties as (
  select m, count(*) as trades, count(distinct g) as generators, count(distinct r) as receivers from w group by m
), pct as (
  select m, count(*) as observations,
         percentile_cont(0.1) within group (order by price) as p10,
         percentile_cont(0.5) within group (order by price) as p50,
         percentile_cont(0.9) within group (order by price) as p90
    from obs group by m
)
select p.m,
       case when p.generators >= 3 and p.receivers >= 3 then round(c.p10)::bigint end,
       case when p.generators >= 3 and p.receivers >= 3 then round(c.p50)::bigint end,
       case when p.generators >= 3 and p.receivers >= 3 then round(c.p90)::bigint end,
       c.observations, p.trades, p.generators, p.receivers, 180, now()
  from parties p join pct c using (m);
