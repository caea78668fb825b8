-- Sessions end when they should (issue 10, items 1 and 10; docs/decisions/0006-token-versions-and-secrets.md).
-- Every access token carries its user's token_version; bumping it (logout, family revoke, disable,
-- password change or reset) refuses every access token issued before, at once.
alter table users add column token_version integer not null default 0;
-- Set by POST /admin/users/:id/disable: no sign-in, no refresh, no access token accepted.
alter table users add column disabled_at timestamptz;

-- Admin-issued one-time password resets: only the sha256 of the token is stored; a row is used once.
create table password_resets (
  id uuid primary key,
  user_id uuid not null references users(id),
  token_hash text not null unique,
  created_by uuid not null references users(id),
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz
);
create index password_resets_user_idx on password_resets(user_id) where used_at is null;
create index refresh_tokens_user_live_idx on refresh_tokens(user_id) where revoked_at is null;
