-- Settlement: a double-entry ledger in fen, payments through providers, Stripe events, refunds
-- (DESIGN §5.5, §5.7, §7; RELIABILITY M1–M5).

-- ── Ledger ───────────────────────────────────────────────────────────────────────────────────
-- Accounts have deterministic ids, so a use case names the accounts it touches without a lookup:
--   escrow:<org>     money an org paid in, held for its open trades
--   payable:<org>    what the platform owes the org (proceeds, bank-transfer refunds); negative when
--                    the org owes the platform (a generator's eco fee larger than its proceeds)
--   platform:fees    the platform's fee income
--   fund:<district>  a district's ecological compensation fund
--   clearing:<provider>  the outside world as seen through one payment provider: money in is a debit,
--                    money out (refunds, payouts) a credit, so it is never above zero
create table ledger_accounts (
  id text primary key,
  kind text not null check (kind in ('escrow', 'payable', 'platform_fee', 'eco_fund', 'clearing')),
  org_id uuid references orgs(id),
  district text,
  provider text,
  -- Kept equal to the sum of the account's entries by the trigger below, in the same transaction.
  balance_fen bigint not null default 0,
  created_at timestamptz not null default now(),
  check ((kind in ('escrow', 'payable')) = (org_id is not null)),
  check ((kind = 'eco_fund') = (district is not null)),
  check ((kind = 'clearing') = (provider is not null)),
  -- What may not be negative is refused by the database, under any concurrency.
  constraint ledger_accounts_not_negative check (kind = 'payable' or kind = 'clearing' or balance_fen >= 0),
  constraint ledger_accounts_clearing_not_positive check (kind <> 'clearing' or balance_fen <= 0)
);
create index ledger_accounts_org_idx on ledger_accounts(org_id) where org_id is not null;

-- One transfer per business operation (operation_id, e.g. trade:<id>:fund, trade:<id>:settle).
create table ledger_transfers (
  id uuid primary key,
  seq bigserial not null unique,
  operation_id text not null unique,
  kind text not null check (kind in ('fund', 'settle', 'reversal', 'adjustment')),
  trade_id uuid references trades(id),
  -- A correction names the transfer it reverses; the original is never touched.
  reverses_transfer_id uuid references ledger_transfers(id),
  description text not null,
  details jsonb not null default '{}'::jsonb,
  created_by uuid,
  created_at timestamptz not null default now()
);
create index ledger_transfers_trade_idx on ledger_transfers(trade_id, seq) where trade_id is not null;
create unique index ledger_transfers_reverses_uq on ledger_transfers(reverses_transfer_id) where reverses_transfer_id is not null;

create table ledger_entries (
  id bigserial primary key,
  transfer_id uuid not null references ledger_transfers(id),
  account_id text not null references ledger_accounts(id),
  amount_fen bigint not null check (amount_fen <> 0),
  unique (transfer_id, account_id)
);
create index ledger_entries_account_idx on ledger_entries(account_id);

-- Append-only (RELIABILITY M4): refuse_change() comes from 0001.
create trigger ledger_transfers_append_only before update or delete on ledger_transfers
  for each row execute function refuse_change();
create trigger ledger_entries_append_only before update or delete on ledger_entries
  for each row execute function refuse_change();
create trigger ledger_transfers_no_truncate before truncate on ledger_transfers
  for each statement execute function refuse_change();
create trigger ledger_entries_no_truncate before truncate on ledger_entries
  for each statement execute function refuse_change();
create trigger ledger_accounts_no_delete before delete on ledger_accounts
  for each row execute function refuse_change();
create trigger ledger_accounts_no_truncate before truncate on ledger_accounts
  for each statement execute function refuse_change();

-- Each entry moves its account's balance in the inserting transaction; the balance row lock
-- serialises transfers on one account, and the check constraints above refuse an overdraft.
create function ledger_apply_entry() returns trigger language plpgsql as $$
begin
  update ledger_accounts set balance_fen = balance_fen + new.amount_fen where id = new.account_id;
  if not found then
    raise exception 'ledger account % does not exist', new.account_id using errcode = '23503';
  end if;
  return new;
end;
$$;
create trigger ledger_entries_apply after insert on ledger_entries
  for each row execute function ledger_apply_entry();

-- The balance changes only through entries: a direct UPDATE of balance_fen (trigger depth 1) is refused.
create function ledger_guard_balance() returns trigger language plpgsql as $$
begin
  if new.balance_fen is distinct from old.balance_fen and pg_trigger_depth() < 2 then
    raise exception 'ledger balances change only through entries' using errcode = '55000';
  end if;
  if new.id <> old.id or new.kind <> old.kind or new.org_id is distinct from old.org_id
     or new.district is distinct from old.district or new.provider is distinct from old.provider then
    raise exception 'ledger accounts are not renamed' using errcode = '55000';
  end if;
  return new;
end;
$$;
create trigger ledger_accounts_guard before update on ledger_accounts
  for each row execute function ledger_guard_balance();

-- Every transfer balances, checked at commit (deferred), so entries may be inserted one by one.
create function ledger_check_transfer() returns trigger language plpgsql as $$
declare
  tid uuid;
  total numeric;
  n integer;
begin
  -- Planned per statement, so each branch names only the fields of its own table.
  if tg_table_name = 'ledger_transfers' then
    tid := new.id;
  else
    tid := new.transfer_id;
  end if;
  select coalesce(sum(amount_fen), 0), count(*) into total, n from ledger_entries where transfer_id = tid;
  if n < 2 then
    raise exception 'ledger transfer % has % entries; at least two are needed', tid, n using errcode = '23514';
  end if;
  if total <> 0 then
    raise exception 'ledger transfer % does not balance (sum %)', tid, total using errcode = '23514';
  end if;
  return null;
end;
$$;
create constraint trigger ledger_transfers_balanced after insert on ledger_transfers
  deferrable initially deferred for each row execute function ledger_check_transfer();
create constraint trigger ledger_entries_balanced after insert on ledger_entries
  deferrable initially deferred for each row execute function ledger_check_transfer();

-- ── Payments ─────────────────────────────────────────────────────────────────────────────────
-- One payment per trade: the payer's money into escrow. The idempotency key is stored before any
-- call to the provider, so every retry (ours, the SDK's, the reconciler's) sends the same key.
create table payments (
  id uuid primary key,
  trade_id uuid not null unique references trades(id),
  provider text not null check (provider in ('simulated', 'stripe', 'bank_transfer')),
  payer_org_id uuid not null references orgs(id),
  amount_fen bigint not null check (amount_fen > 0),
  currency text not null default 'cny',
  -- Moves forward only: pending → processing → succeeded; pending|processing → canceled.
  status text not null check (status in ('pending', 'processing', 'succeeded', 'canceled')),
  idempotency_key text not null unique,
  -- What was (or will be) sent with that key, replayed verbatim on every retry.
  request jsonb not null,
  -- Stripe: the PaymentIntent id, once the create call answered.
  provider_ref text unique,
  -- bank_transfer: the reference the payer quotes on the transfer.
  reference text unique,
  confirmed_by uuid,
  confirmed_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check ((provider = 'bank_transfer') = (reference is not null))
);
create index payments_open_idx on payments(provider, created_at) where status in ('pending', 'processing');

-- The refund of a trade's remainder at settlement, through the provider that funded it. At most one
-- per trade; the key is stored before the call and every attempt sends it.
create table payment_refunds (
  id uuid primary key,
  trade_id uuid not null unique references trades(id),
  payment_id uuid not null references payments(id),
  provider text not null,
  amount_fen bigint not null check (amount_fen > 0),
  idempotency_key text not null unique,
  request jsonb not null,
  provider_ref text unique,
  status text not null check (status in ('pending', 'succeeded', 'failed', 'canceled')),
  attempts integer not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- Stripe events applied, stored in the transaction of their effect: a repeat applies nothing.
create table stripe_events (
  id text primary key,
  type text not null,
  object_id text,
  received_at timestamptz not null default now()
);
