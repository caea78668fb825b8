-- Issue 15: the relay's claim (server/src/jobs/relay.ts) asks for rows that are due and not yet
-- handed out, in id order. outbox_pending_idx also holds the rows handed out and not yet done
-- (jobs in flight), so under load every claim walked the whole in-flight backlog: measured with
-- pg_stat_statements under 16 bidding clients, the claim was the most expensive statement of the
-- database (6.9 ms mean, more in total than the bids themselves). This index holds only the rows
-- a claim can take; the claim sorts those few by id.
create index outbox_due_idx on outbox (available_at, id) where done_at is null and dispatched_at is null;
