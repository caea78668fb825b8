import type { DbOrTx } from './client.js';
import { auditLog } from './schema.js';
import { isUserActor, type Actor } from '../http/actor.js';

export interface AuditEntry {
  /** What was done, `<subject>.<verb>`: 'licence.approve', 'user.disable', 'trade.resolve'. */
  action: string;
  subjectType: string;
  subjectId: string;
  details?: Record<string, unknown>;
}

/**
 * The one way to write an audit row: in the caller's transaction, so the record and the change it
 * describes commit together. `actor` null is the platform itself (a job); a machine client is
 * recorded by its client id in the details until the audit log has a column of its own.
 */
export async function recordAudit(dbx: DbOrTx, actor: Actor | null, entry: AuditEntry): Promise<void> {
  const details = entry.details ?? {};
  await dbx.insert(auditLog).values({
    actorUserId: actor && isUserActor(actor) ? actor.userId : null,
    actorOrgId: actor && isUserActor(actor) ? actor.orgId : null,
    action: entry.action,
    subjectType: entry.subjectType,
    subjectId: entry.subjectId,
    details: actor && !isUserActor(actor) ? { ...details, clientId: actor.clientId } : details,
  });
}
