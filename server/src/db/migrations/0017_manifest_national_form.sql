-- Issue 14 item 3: the manifest as complete as the national form (危险废物转移管理办法 2021).
-- Every new column is the projection of events (model.ts), and every one has a value that an old
-- history replays to, so manifests opened before this migration keep verifying: an old `open` event
-- carries no form, and replays to the empty form the default below writes.

-- A draft the shipper withdrew (a `cancel` event in its chain).
alter table manifests drop constraint manifests_status_check;
alter table manifests add constraint manifests_status_check
  check (status in ('draft', 'issued', 'loaded', 'in_transit', 'arrived', 'received', 'rejected', 'closed', 'cancelled'));
alter table manifests add column cancelled_at timestamptz;
alter table manifests add column cancel_reason text;

-- The form's further fields: addresses, contacts of the three parties, the driver's certificate, the
-- vehicle's permit, main hazardous constituents, packages, management-plan reference and the planned
-- method code. One jsonb: they are read and exported together, never filtered on.
alter table manifests add column form jsonb not null default
  '{"pickupAddress": null, "destinationAddress": null, "shipperContact": null, "carrierContact": null,
    "receiverContact": null, "driverCertificateNumber": null, "vehiclePermitNumber": null,
    "hazardousConstituents": null, "packageCount": null, "managementPlanRef": null, "plannedMethodCode": null}'::jsonb;

-- A trip entered after an outage from its paper manifest: { paperNumber, shippedOn, reason, enterBy }.
alter table manifests add column paper jsonb;

-- The national method code reported at disposal (disposal_method keeps its label, which the
-- regulator rollup classifies: it starts with the code).
alter table manifests add column disposal_method_code text;

-- The export reads a range of opening dates, city-wide or by district.
create index manifests_created_idx on manifests(created_at, seq);
