-- Sign-in throttle (issue 10 item 6): attempts per (account, client address), shared by every API
-- process through the database. The key is a SHA-256 of the normalised email and the client address,
-- so the table holds neither. server/src/modules/auth/throttle.ts owns this table (ADR 0007).
create table login_throttle (
  key text primary key,
  -- Attempts since the last success (an attempt counts when it starts; a success deletes the row).
  failures integer not null,
  locked_until timestamptz,
  updated_at timestamptz not null
);
-- Rows idle for a day are forgotten; successes sweep them by this index.
create index login_throttle_updated_at on login_throttle (updated_at);
