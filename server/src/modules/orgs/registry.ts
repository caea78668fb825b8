/**
 * Changes the government's systems make through the inbound API (issue 14 item 5, ADR 0020): a
 * licence upserted by its number from the licensing register, and an org's USCC confirmed against
 * the enterprise registry. Each runs in the inbound change's transaction (the inbound module keeps
 * the client's source id with it) and is audited with the client's identity. A suspended or revoked
 * licence stops eligibility at once: eligibility reads the licence's status on every bid.
 */
import { and, eq } from 'drizzle-orm';
import { AppError, ErrorCodes } from '../../../../shared/src/errors.js';
import type { TInboundLicenceRequest } from '../../../../shared/src/schemas/clients.js';
import type { TLicence } from '../../../../shared/src/schemas/orgs.js';
import type { Clock, Ids } from '../../clock.js';
import type { DbOrTx } from '../../db/client.js';
import { recordAudit } from '../../db/audit.js';
import { licences, orgs } from '../../db/schema.js';
import type { ClientActor } from '../../http/actor.js';
import { notifyOrg } from '../../realtime/publish.js';
import type { CreditEventInput } from '../credit/index.js';
import * as repo from './repo.js';

interface RegistryDeps {
  clock: Clock;
  ids: Ids;
  recordCreditEvent(tx: DbOrTx, e: CreditEventInput): Promise<boolean>;
  toLicence(row: repo.LicenceRow): TLicence;
}

/** The org with this USCC, or a 400 naming the field (the government's systems know orgs by USCC). */
export async function orgIdByUscc(dbx: DbOrTx, uscc: string, field = 'uscc'): Promise<string> {
  const org = await repo.findOrgByUscc(dbx, uscc);
  if (!org)
    throw new AppError(ErrorCodes.VALIDATION_FAILED, 'no organisation on the exchange has this USCC', {
      fields: [{ path: field, message: 'no organisation on the exchange has this USCC' }],
    });
  return org.id;
}

export function createRegistrySync(deps: RegistryDeps) {
  return {
    /** PUT /inbound/licences/:number: the register's licence for the holder named by its USCC, created or brought in line. */
    async upsertLicenceFromRegister(
      tx: DbOrTx,
      client: ClientActor,
      number: string,
      input: TInboundLicenceRequest,
    ): Promise<{ licence: TLicence; created: boolean; from: string | null }> {
      const holder = await repo.findOrgByUscc(tx, input.uscc);
      if (!holder)
        throw new AppError(ErrorCodes.VALIDATION_FAILED, 'no organisation on the exchange has this USCC', {
          fields: [{ path: 'uscc', message: 'no organisation on the exchange has this USCC' }],
        });
      const now = deps.clock.now();
      const [existing] = await tx
        .select()
        .from(licences)
        .where(and(eq(licences.orgId, holder.id), eq(licences.number, number)))
        .for('update');
      const fields = {
        kind: input.kind,
        wasteCodes: input.wasteCodes,
        annualCapacityKg: input.annualCapacityKg,
        validFrom: input.validFrom,
        validTo: input.validTo,
        status: input.status,
        decidedBy: client.clientId,
        decidedAt: now,
        decisionNote: 'from the government licensing register',
      };
      const row = existing
        ? (await tx.update(licences).set(fields).where(eq(licences.id, existing.id)).returning())[0]!
        : await repo.insertLicence(tx, { id: deps.ids.uuid(), orgId: holder.id, number, createdAt: now, ...fields });
      const from = existing?.status ?? null;
      await recordAudit(tx, client, {
        action: existing ? 'licence.inbound_update' : 'licence.inbound_create',
        subjectType: 'licence',
        subjectId: row.id,
        details: { number, orgId: holder.id, from, to: input.status, sourceId: input.sourceId },
      });
      if (input.status === 'suspended' && from !== 'suspended')
        await deps.recordCreditEvent(tx, {
          orgId: holder.id,
          kind: 'licence_suspended',
          subjectType: 'licence',
          subjectId: row.id,
          occurredAt: now,
          details: { number, kind: input.kind, source: 'inbound' },
        });
      if (from !== input.status) {
        const decision =
          input.status === 'approved'
            ? from === 'suspended'
              ? 'reinstate'
              : 'approve'
            : input.status === 'suspended'
              ? 'suspend'
              : 'revoke';
        await notifyOrg(
          tx,
          holder.id,
          `licence:${row.id}:inbound:${input.sourceId}`,
          {
            kind: 'licence_decision',
            subjectType: 'licence',
            subjectId: row.id,
            data: { licenceId: row.id, number, decision, status: input.status, source: 'inbound' },
          },
          now,
        );
      }
      return { licence: deps.toLicence(row), created: !existing, from };
    },

    /** POST /inbound/orgs/:id/uscc-verification: the enterprise registry confirmed the org's USCC. */
    async markUsccVerified(
      tx: DbOrTx,
      client: ClientActor,
      orgId: string,
      uscc: string,
    ): Promise<{ orgId: string; usccVerifiedAt: string }> {
      const org = await repo.findOrg(tx, orgId);
      if (!org) throw new AppError(ErrorCodes.NOT_FOUND, 'no such organisation');
      if (org.uscc !== uscc)
        throw new AppError(ErrorCodes.VALIDATION_FAILED, "the USCC is not this organisation's", {
          fields: [{ path: 'uscc', message: "does not match the organisation's USCC" }],
        });
      const now = deps.clock.now();
      await tx.update(orgs).set({ usccVerifiedAt: now, usccVerifiedBy: client.clientId }).where(eq(orgs.id, orgId));
      await recordAudit(tx, client, { action: 'org.uscc_verified', subjectType: 'org', subjectId: orgId, details: { uscc } });
      return { orgId, usccVerifiedAt: now.toISOString() };
    },
  };
}
