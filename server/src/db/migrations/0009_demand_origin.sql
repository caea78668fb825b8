-- Demand-side trades carry the shipper's district (issue 12 items 1 and 2; DESIGN §6.3 "Origin of a
-- trade"). An offer into a demand listing states where the material is (district, pickup window) and,
-- for a hazardous code, its hazard declaration; the trade's origin and the manifest's hazard come
-- from it. Null on bids into supply listings (the listing states them) and on bids made before this.
alter table bids
  add column district text,
  add column pickup_from timestamptz,
  add column pickup_to timestamptz,
  add column hazard jsonb,
  add constraint bids_pickup_window check (pickup_to >= pickup_from);

-- Existing trades are NOT rewritten: each trade's origin is sealed in its manifests' hash chains and
-- escrow already holds the fee computed from it. Before this migration, a trade made from a demand
-- listing took the demand listing's district (the receiver's) as its origin. The trades where that
-- is visibly wrong — the seller (generator) is based in another district than the demand listing —
-- are listed once in the audit log and in one city-level regulator alert, for regulators to review.
-- The seller's home district is the best evidence left of where the material was: those offers did
-- not state one. Trades from markets (no listing) and supply listings are not affected.
create temporary table demand_origin_affected on commit drop as
  select t.id, t.seq, t.status, t.material_code, t.waste_code, t.hazardous, t.quantity_kg, t.eco_compensation_fen,
         t.origin_district as recorded_origin, g.district as seller_district, t.destination_district, t.created_at
  from trades t
  join listings l on l.id = t.listing_id
  join orgs g on g.id = t.generator_org_id
  where l.side = 'demand'
    and t.origin_district = l.district
    and g.district <> l.district;

-- Both rows are written only when some trade is affected. The alert has the shape raiseAlert writes
-- (server/src/modules/alerts/service.ts); no live event is published (nobody listens during a
-- migration): regulators find it in GET /regulator/alerts.
insert into audit_log (actor_user_id, actor_org_id, action, subject_type, subject_id, details)
select null, null, 'trade.origin_review', 'migration', '0009_demand_origin',
       jsonb_build_object(
         'reason', 'demand-side trades recorded the demand listing''s district as origin; the seller is based elsewhere; records left unchanged',
         'count', count(*),
         'trades', jsonb_agg(jsonb_build_object(
           'tradeId', a.id, 'status', a.status, 'materialCode', a.material_code, 'wasteCode', a.waste_code,
           'hazardous', a.hazardous, 'quantityKg', a.quantity_kg, 'ecoCompensationFen', a.eco_compensation_fen,
           'recordedOrigin', a.recorded_origin, 'sellerDistrict', a.seller_district,
           'destinationDistrict', a.destination_district, 'createdAt', a.created_at) order by a.seq))
from demand_origin_affected a
having count(*) > 0;

insert into alerts (id, kind, district, subject_type, subject_id, dedupe_key, message, details)
select gen_random_uuid(), 'origin_misattributed', null, 'migration', '0009_demand_origin',
       'origin_misattributed:migration:0009_demand_origin',
       count(*) || ' demand-side trade(s) recorded the receiver''s district as origin although the seller is based elsewhere; '
         || 'records unchanged (sealed in manifests, fees in escrow): ' || string_agg(a.id::text, ', ' order by a.seq),
       jsonb_build_object(
         'count', count(*),
         'tradeIds', jsonb_agg(a.id order by a.seq),
         'trades', jsonb_agg(jsonb_build_object(
           'tradeId', a.id, 'hazardous', a.hazardous, 'wasteCode', a.waste_code, 'quantityKg', a.quantity_kg,
           'recordedOrigin', a.recorded_origin, 'sellerDistrict', a.seller_district,
           'destinationDistrict', a.destination_district) order by a.seq))
from demand_origin_affected a
having count(*) > 0;
