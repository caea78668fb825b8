-- Issue 15 item 3 (ADR 0025): wake every relay the moment outbox rows commit, instead of waiting
-- for its next poll. NOTIFY inside the writing transaction is delivered only when it commits (and
-- never when it rolls back); identical notifications of one transaction are folded into one, so a
-- burst of rows costs one wake-up per commit. Statement-level: one call per INSERT, not per row.
create or replace function outbox_notify() returns trigger language plpgsql as $$
begin
  perform pg_notify('zwx_outbox', '');
  return null;
end
$$;

drop trigger if exists outbox_notify on outbox;
create trigger outbox_notify after insert on outbox for each statement execute function outbox_notify();
