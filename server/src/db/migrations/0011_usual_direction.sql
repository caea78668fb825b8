-- The usual direction of each material (issue 12 item 4, DESIGN §6.3): fee (the generator pays),
-- price (the receiver pays) or either. The catalogue loader (server/src/modules/catalog/direction.ts)
-- sets it from the rule per stream and category and the per-code overrides at every start; the
-- default only covers the moment between this migration and the first load.
alter table materials add column usual_direction text not null default 'either'
  check (usual_direction in ('fee', 'price', 'either'));

-- Every stored price check carries reasons[]. Checks stored before this change knew only the band,
-- so a flagged one was flagged by it: below or above [low, high] (rejected checks are never stored).
create function pg_temp.band_reasons(check_ jsonb, price bigint) returns jsonb language sql immutable as $$
  select case
    when check_->>'status' = 'flagged' and jsonb_typeof(check_->'band') = 'object' then
      jsonb_build_array(jsonb_build_object(
        'code', case when price < (check_->'band'->>'lowFen')::bigint then 'BELOW_BAND' else 'ABOVE_BAND' end,
        'lowFen', (check_->'band'->>'lowFen')::bigint,
        'highFen', (check_->'band'->>'highFen')::bigint,
        'source', check_->>'source'))
    else '[]'::jsonb
  end
$$;
update listings set price_check = price_check || jsonb_build_object('reasons', pg_temp.band_reasons(price_check, price_per_tonne_fen))
 where not price_check ? 'reasons';
update bids set price_check = price_check || jsonb_build_object('reasons', pg_temp.band_reasons(price_check, price_per_tonne_fen))
 where not price_check ? 'reasons';
