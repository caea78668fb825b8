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
