/** Use case: a regulator records a sanction against an org in its scope. */
import { recordAudit } from '../../db/audit.js';
import { inTransaction } from '../../db/tx.js';
import { notifyOrg } from '../../realtime/publish.js';
import { AppError, ErrorCodes } from '../../../../shared/src/errors.js';
import type { TCreateSanctionRequest, TSanction, TSanctionsQuery } from '../../../../shared/src/schemas/credit.js';
import type { Actor, ClientActor, UserActor } from '../../http/actor.js';
import type { DbOrTx } from '../../db/client.js';
import { getOrgRow, overseenDistricts, oversees, type OrgRow } from '../orgs/index.js';
import { decodeCursor, encodeCursor, type TPage } from '../../../../shared/src/schemas/common.js';
import { recordCreditEvent } from './events.js';
import * as repo from './repo.js';
import { type CreditDeps, notFound, invalid, toSanction } from './kit.js';

export function createSanctions(deps: CreditDeps) {
  const { db, ids, clock, logger } = deps;

  /** The sanction, its credit input, audit row and the org's notification, in the caller's transaction. */
  async function writeSanction(
    tx: DbOrTx,
    actor: Actor,
    by: { userId: string | null; clientId: string | null; orgId: string },
    org: OrgRow,
    body: TCreateSanctionRequest,
    decidedAt: Date,
  ): Promise<TSanction> {
    if (!org.roles.some((r) => r === 'generator' || r === 'recycler' || r === 'carrier'))
      throw invalid('orgId', 'sanctions apply to trading organisations');
    const sanction = await repo.insertSanction(tx, {
      id: ids.uuid(),
      orgId: org.id,
      severity: body.severity,
      kind: body.kind,
      reason: body.reason,
      evidenceRef: body.evidenceRef ?? null,
      decidedAt,
      decidedByUser: by.userId,
      decidedByClient: by.clientId,
      decidedByOrg: by.orgId,
    });
    await recordCreditEvent(tx, {
      orgId: org.id,
      kind: `sanction_${body.severity}`,
      subjectType: 'sanction',
      subjectId: sanction.id,
      occurredAt: decidedAt,
      details: { severity: body.severity, regulatorOrgId: by.orgId, ...(by.clientId ? { clientId: by.clientId } : {}) },
    });
    await recordAudit(tx, actor, {
      action: 'sanction.create',
      subjectType: 'org',
      subjectId: org.id,
      details: {
        sanctionId: sanction.id,
        severity: body.severity,
        kind: body.kind,
        reason: body.reason,
        evidenceRef: body.evidenceRef ?? null,
        decidedAt: decidedAt.toISOString(),
      },
    });
    await notifyOrg(
      tx,
      org.id,
      `sanction:${sanction.id}`,
      {
        kind: 'sanction',
        subjectType: 'org',
        subjectId: org.id,
        data: { sanctionId: sanction.id, severity: body.severity, reason: body.reason },
      },
      clock.now(),
    );
    logger.info({ orgId: org.id, sanctionId: sanction.id, severity: body.severity }, 'sanction recorded');
    return toSanction(sanction);
  }

  const useCases = {
    // ── Sanctions ──────────────────────────────────────────────────────────────────────────

    /** POST /regulator/sanctions: a regulator whose scope covers the org's district; audited. */
    async createSanction(actor: UserActor, body: TCreateSanctionRequest): Promise<TSanction> {
      if (!actor.roles.includes('regulator') || !actor.orgId)
        throw new AppError(ErrorCodes.FORBIDDEN_ROLE, 'only regulators record sanctions');
      const decidedAt = new Date(body.decidedAt);
      if (decidedAt.getTime() > clock.now().getTime() + 5 * 60_000)
        throw invalid('decidedAt', 'a sanction cannot be decided in the future');
      return inTransaction(db, async (tx) => {
        const org = await getOrgRow(tx, body.orgId);
        // A regulator outside the org's district does not learn it exists.
        if (!org || !oversees(actor, org.district)) throw notFound();
        return writeSanction(tx, actor, { userId: actor.userId, clientId: null, orgId: actor.orgId! }, org, body, decidedAt);
      });
    },

    /**
     * Inbound (issue 14 item 5): the government system records a sanction for the authority org it
     * acts for, in the inbound change's transaction; the same effect as a regulator's.
     */
    async recordSanctionFromClient(
      tx: DbOrTx,
      client: ClientActor,
      authorityOrgId: string,
      body: TCreateSanctionRequest,
    ): Promise<TSanction> {
      const decidedAt = new Date(body.decidedAt);
      if (decidedAt.getTime() > clock.now().getTime() + 5 * 60_000)
        throw invalid('decidedAt', 'a sanction cannot be decided in the future');
      const org = await getOrgRow(tx, body.orgId);
      if (!org) throw notFound();
      return writeSanction(tx, client, { userId: null, clientId: client.clientId, orgId: authorityOrgId }, org, body, decidedAt);
    },

    /** GET /regulator/sanctions: newest first, only orgs in the regulator's scope (an org outside it lists nothing). */
    async listSanctions(actor: UserActor, q: TSanctionsQuery): Promise<TPage<TSanction>> {
      let afterId: string | undefined;
      if (q.cursor) {
        const v = decodeCursor(q.cursor)?.[0];
        if (typeof v !== 'string' || !/^[0-9a-f-]{36}$/i.test(v)) throw invalid('cursor', 'invalid cursor');
        afterId = v;
      }
      const districts = overseenDistricts(actor);
      const rows = await repo.listSanctions(db, {
        ...(q.orgId ? { orgId: q.orgId } : {}),
        ...(districts ? { districts } : {}),
        ...(afterId ? { afterId } : {}),
        limit: q.limit + 1,
      });
      const items = rows.slice(0, q.limit);
      return { items: items.map(toSanction), nextCursor: rows.length > q.limit ? encodeCursor([items.at(-1)!.id]) : null };
    },
  };

  return useCases;
}
