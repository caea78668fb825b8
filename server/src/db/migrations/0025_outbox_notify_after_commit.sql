-- Issue 15: NOTIFY inside a transaction serialises the commits of every transaction that sends
-- one, across the whole cluster: PostgreSQL holds a global lock from the NOTIFY's queueing at
-- commit until the commit record is flushed, so those commits can no longer share a WAL flush.
-- Measured here with pgbench at 16 clients, BEGIN; INSERT; SELECT; COMMIT ran at 8,300 TPS and the
-- same with pg_notify in place of the SELECT at 3,750 TPS; with this trigger every bid paid it.
-- The committing process now wakes its own relay after commit (the in-process kick, which the bid
-- hot path calls too), and a process that runs no relay sends NOTIFY after its commit, in a
-- statement of its own (server/src/db/tx.ts), so the lock is never held across a flush.
drop trigger if exists outbox_notify on outbox;
drop function if exists outbox_notify();
