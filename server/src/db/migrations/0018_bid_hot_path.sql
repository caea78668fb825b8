-- The bid hot path (issue 15 item 1, ADR 0024). A resting bid (an auction on a supply listing whose
-- material is not hazardous, its price inside the band) is checked by the bids service on a snapshot of
-- the listing read without a lock, then written by this function in ONE statement, in autocommit:
-- it takes the listing's advisory and row locks, confirms the listing is still the one the checks
-- saw (else returns 'stale' and the service runs the full transactional path), inserts the bid, tells
-- the outbid leader, counts the bid, allocates the room sequences and writes the outbox rows. The
-- locks are held for the microseconds the function runs, not across a dozen network round trips.
--
-- p_listing   the listing; p_lock_ns the advisory-lock namespace of listings (LISTING_LOCK)
-- p_expect    {"version": updated_at::text, "status", "remainingKg"} as the checks saw them (updated_at
--             moves with every change of terms or state; bid_count, which concurrent bids move, is not compared)
-- p_bid       {"id", "orgId", "userId", "priceFen", "quantityKg", "justification", "priceCheck"}
-- p_rows      the outbox rows of the bid's live events, in order (server/src/realtime/publish.ts,
--             outboxRowsOfEvent): {"topic", "room", "payload"} for an event, whose seq is allocated here,
--             and {"topic", "room", "keySuffix", "payload"} for a notification keyed "<room>#<seq><suffix>";
--             a "bidCount" in a payload's data is set to the listing's count after this bid
-- p_outbid    the outbid notification, without orgId and data.bidId (filled with the leader's)
-- Returns {"outcome": "placed", "seq", "createdAt", "bidCount"} or {"outcome": "stale"}.
create function place_resting_bid(p_listing uuid, p_lock_ns text, p_expect jsonb, p_bid jsonb, p_rows jsonb, p_outbid jsonb)
returns jsonb language plpgsql as $$
declare
  l record;
  b record;
  leader record;
  cnt integer;
  r jsonb;
  s bigint;
  seqs jsonb := '{}';
  payload jsonb;
begin
  perform pg_advisory_xact_lock(hashtext(p_lock_ns), hashtext(p_listing::text));
  select updated_at::text as version, status, remaining_kg, coalesce(closes_at <= now(), false) as past_close
    into l from listings where id = p_listing for update;
  if not found
     or l.version <> p_expect->>'version'
     or l.status <> p_expect->>'status'
     or l.remaining_kg <> (p_expect->>'remainingKg')::bigint
     or l.past_close then
    return jsonb_build_object('outcome', 'stale', 'saw', to_jsonb(l));
  end if;

  insert into bids (id, listing_id, org_id, user_id, price_per_tonne_fen, quantity_kg, justification, price_check)
  values ((p_bid->>'id')::uuid, p_listing, (p_bid->>'orgId')::uuid, (p_bid->>'userId')::uuid, (p_bid->>'priceFen')::bigint,
          (p_bid->>'quantityKg')::bigint, p_bid->>'justification', p_bid->'priceCheck')
  returning seq, created_at into b;

  -- The leading bidder before this bid (highest price, then earliest) hears it was outbid.
  select id, org_id, price_per_tonne_fen into leader
    from bids
   where listing_id = p_listing and status = 'active' and id <> (p_bid->>'id')::uuid
   order by price_per_tonne_fen desc, seq asc
   limit 1;
  if found and leader.org_id <> (p_bid->>'orgId')::uuid and (p_bid->>'priceFen')::bigint > leader.price_per_tonne_fen then
    insert into outbox (topic, payload)
    values ('notifications.fanout',
            p_outbid || jsonb_build_object('orgId', leader.org_id, 'data', (p_outbid->'data') || jsonb_build_object('bidId', leader.id)));
  end if;

  update listings set bid_count = bid_count + 1 where id = p_listing returning bid_count into cnt;

  for r in select value from jsonb_array_elements(p_rows) loop
    payload := r->'payload';
    if payload->'data' ? 'bidCount' then
      payload := jsonb_set(payload, '{data,bidCount}', to_jsonb(cnt));
    end if;
    if r ? 'keySuffix' then
      payload := payload || jsonb_build_object('key', (r->>'room') || '#' || (seqs->>(r->>'room')) || (r->>'keySuffix'));
    else
      insert into room_seq (room, seq) values (r->>'room', 1)
        on conflict (room) do update set seq = room_seq.seq + 1
        returning seq into s;
      seqs := seqs || jsonb_build_object(r->>'room', s);
      payload := payload || jsonb_build_object('seq', s);
    end if;
    insert into outbox (topic, payload) values (r->>'topic', payload);
  end loop;

  return jsonb_build_object('outcome', 'placed', 'seq', b.seq, 'createdAt', b.created_at, 'bidCount', cnt);
end;
$$;

-- The leader lookup above reads the best active bid of one listing without scanning the others.
create index bids_active_price_idx on bids (listing_id, price_per_tonne_fen desc, seq) where status = 'active';

-- Group commit (ADR 0024): the resting bids that arrive within a short window (BID_GROUP_COMMIT_MS)
-- placed in ONE statement and one transaction, so they share one commit and one WAL flush. Each bid
-- runs in its own subtransaction (the exception block is a savepoint): a bid that fails leaves the
-- others, and their outbox rows, untouched, and answers 'failed' (the service then runs the full
-- transaction for it alone). Every listing of the batch is locked first, in id order, then the
-- existing room_seq rows in name order, so two batches never wait on each other in a circle.
-- p_batch: [{"listingId", "expect", "bid", "rows", "outbid"}] as place_resting_bid takes them.
-- Returns the outcomes in the batch's order.
create function place_resting_bids(p_lock_ns text, p_batch jsonb)
returns jsonb language plpgsql as $$
declare
  lid uuid;
  item jsonb;
  res jsonb;
  outcomes jsonb := '[]';
begin
  for lid in select distinct (value->>'listingId')::uuid from jsonb_array_elements(p_batch) order by 1 loop
    perform pg_advisory_xact_lock(hashtext(p_lock_ns), hashtext(lid::text));
    perform 1 from listings where id = lid for update;
  end loop;
  perform 1 from room_seq
   where room in (select r->>'room' from jsonb_array_elements(p_batch) b, jsonb_array_elements(b->'rows') r)
   order by room for update;
  for item in select value from jsonb_array_elements(p_batch) loop
    begin
      res := place_resting_bid((item->>'listingId')::uuid, p_lock_ns, item->'expect', item->'bid', item->'rows', item->'outbid');
    exception when others then
      res := jsonb_build_object('outcome', 'failed', 'sqlstate', sqlstate, 'message', sqlerrm);
    end;
    outcomes := outcomes || jsonb_build_array(res);
  end loop;
  return outcomes;
end;
$$;
