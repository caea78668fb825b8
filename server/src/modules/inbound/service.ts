/**
 * The government system's inbound changes (issue 14 item 5, ADR 0020). Each change names its own
 * source id; the first time it is applied in one transaction with its inbound_changes row, and the
 * same source id again answers the stored result without changing anything (replayed: true). A
 * source id reused for a different change is 409 IDEMPOTENCY_MISMATCH. The changes themselves are
 * the orgs module's (upsert a licence by number, confirm a USCC), audited with the client's id.
 */
import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { AppError, ErrorCodes } from '../../../../shared/src/errors.js';
import type {
  TOfficialNumberRequest,
  TInboundLicenceRequest,
  TInboundSanctionRequest,
  TUsccVerificationRequest,
} from '../../../../shared/src/schemas/clients.js';
import type { Db, Tx } from '../../db/client.js';
import { inboundChanges } from '../../db/schema.js';
import { inTransaction } from '../../db/tx.js';
import type { ClientActor } from '../../http/actor.js';
import { orgIdByUscc, type OrgsService } from '../orgs/index.js';
import type { CreditService } from '../credit/index.js';
import type { ClientsService } from '../clients/index.js';
import type { ManifestsService } from '../manifests/index.js';

export interface InboundResult {
  sourceId: string;
  replayed: boolean;
  result: Record<string, unknown>;
}

export type InboundService = ReturnType<typeof createInboundService>;

export function createInboundService(ctx: {
  db: Db;
  orgs: OrgsService;
  credit: CreditService;
  clients: ClientsService;
  manifests: ManifestsService;
}) {
  /** Applies `change` once per (client, source id), in one transaction with its record. */
  async function once(
    client: ClientActor,
    sourceId: string,
    kind: string,
    request: unknown,
    change: (tx: Tx) => Promise<Record<string, unknown>>,
  ): Promise<InboundResult> {
    const hash = createHash('sha256')
      .update(JSON.stringify([kind, request]))
      .digest('hex');
    return inTransaction(ctx.db, async (tx) => {
      const where = and(eq(inboundChanges.clientId, client.clientId), eq(inboundChanges.sourceId, sourceId));
      const claimed = await tx
        .insert(inboundChanges)
        .values({ clientId: client.clientId, sourceId, kind, requestHash: hash, result: {} })
        .onConflictDoNothing()
        .returning();
      if (claimed.length === 0) {
        const [prior] = await tx.select().from(inboundChanges).where(where);
        if (!prior || prior.requestHash !== hash)
          throw new AppError(ErrorCodes.IDEMPOTENCY_MISMATCH, 'this sourceId was used for a different change', { sourceId });
        return { sourceId, replayed: true, result: prior.result };
      }
      const result = await change(tx);
      await tx.update(inboundChanges).set({ result }).where(where);
      return { sourceId, replayed: false, result };
    });
  }

  return {
    /** PUT /inbound/licences/:number (licences:write). */
    upsertLicence: (client: ClientActor, number: string, input: TInboundLicenceRequest) =>
      once(client, input.sourceId, 'licence.upsert', { number, ...input }, async (tx) => {
        const r = await ctx.orgs.upsertLicenceFromRegister(tx, client, number, input);
        return { licence: r.licence, created: r.created, previousStatus: r.from };
      }),

    /** POST /inbound/sanctions (sanctions:write): as the regulator org the client acts for would record it. */
    async recordSanction(client: ClientActor, input: TInboundSanctionRequest): Promise<InboundResult> {
      const authority = await ctx.clients.actingOrgOf(client.clientId);
      if (!authority)
        throw new AppError(ErrorCodes.FORBIDDEN_ROLE, 'this client acts for no regulator org; the admin registers it with one');
      return once(client, input.sourceId, 'sanction.record', input, async (tx) => {
        const { sourceId: _sourceId, uscc, ...rest } = input;
        const orgId = await orgIdByUscc(tx, uscc);
        const sanction = await ctx.credit.recordSanctionFromClient(tx, client, authority, { ...rest, orgId });
        return { sanction };
      });
    },

    /** PUT /inbound/manifests/:id/official-number (manifests:write-official): an event on the trip's chain. */
    async setOfficialNumber(client: ClientActor, manifestId: string, input: TOfficialNumberRequest): Promise<InboundResult> {
      const actingOrg = await ctx.clients.actingOrgOf(client.clientId);
      return once(client, input.sourceId, 'manifest.official_number', { manifestId, ...input }, async (tx) =>
        ctx.manifests.setOfficialNumber(tx, client, manifestId, input.officialNumber, actingOrg),
      );
    },

    /** POST /inbound/orgs/:id/uscc-verification (orgs:verify). */
    verifyUscc: (client: ClientActor, orgId: string, input: TUsccVerificationRequest) =>
      once(client, input.sourceId, 'org.verify_uscc', { orgId, ...input }, (tx) =>
        ctx.orgs.markUsccVerified(tx, client, orgId, input.uscc),
      ),
  };
}
