-- Documents (issue 13 item 10): lab reports, weighbridge tickets, disposal certificates and dispute
-- evidence, stored in the database as bytea with their SHA-256 (ADR 0021). The content type is the
-- one sniffed from the bytes, never the client's name for them. Append-only, like the chain they feed.
create table documents (
  id uuid primary key,
  subject_type text not null check (subject_type in ('listing', 'manifest', 'trade')),
  subject_id uuid not null,
  kind text not null check (kind in ('lab_report', 'weighbridge_ticket', 'disposal_certificate', 'evidence')),
  content_type text not null check (content_type in ('application/pdf', 'image/jpeg', 'image/png')),
  filename text,
  size_bytes integer not null check (size_bytes > 0),
  sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
  bytes bytea not null,
  uploaded_by uuid not null references users(id),
  uploaded_by_org uuid references orgs(id),
  created_at timestamptz not null default now()
);
create index documents_subject_idx on documents(subject_type, subject_id, created_at);
create trigger documents_append_only before update or delete on documents
  for each row execute function refuse_change();

-- Dispute evidence notes (issue 13 item 3): what a party says while its trade is disputed.
create table dispute_notes (
  id uuid primary key,
  trade_id uuid not null references trades(id),
  org_id uuid references orgs(id),
  user_id uuid not null references users(id),
  note text not null check (length(note) between 1 and 2000),
  created_at timestamptz not null default now()
);
create index dispute_notes_trade_idx on dispute_notes(trade_id, created_at);
create trigger dispute_notes_append_only before update or delete on dispute_notes
  for each row execute function refuse_change();
