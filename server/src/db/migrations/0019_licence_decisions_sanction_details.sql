-- Issue 13 items 1 and 2 (DESIGN §7): the whole licence state machine and sanction details.
-- Licences: pending → approved | rejected; approved → suspended → approved (reinstate);
-- approved | suspended → revoked. The last decision's note (a rejection's reason) is shown to the holder.
alter table licences drop constraint licences_status_check;
alter table licences add constraint licences_status_check
  check (status in ('pending', 'approved', 'rejected', 'suspended', 'revoked', 'expired'));
alter table licences add column decision_note text;

-- Sanctions: what kind of measure it is and a reference to the evidence (a case or document number).
alter table sanctions add column kind text not null default 'other'
  check (kind in ('warning', 'fine', 'rectification', 'suspension', 'other'));
alter table sanctions add column evidence_ref text;
