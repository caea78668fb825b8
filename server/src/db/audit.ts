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
 * recorded in actor_client_id (and, for readers of older rows, in the details).
 */
export async function recordAudit(dbx: DbOrTx, actor: Actor | null, entry: AuditEntry): Promise<void> {
  const details = entry.details ?? {};
  await dbx.insert(auditLog).values({
    actorUserId: actor && isUserActor(actor) ? actor.userId : null,
    actorOrgId: actor && isUserActor(actor) ? actor.orgId : null,
    actorClientId: actor && !isUserActor(actor) ? actor.clientId : null,
    action: entry.action,
    subjectType: entry.subjectType,
    subjectId: entry.subjectId,
    details: actor && !isUserActor(actor) ? { ...details, clientId: actor.clientId } : details,
  });
}
