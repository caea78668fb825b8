/**
 * Machine clients (issue 14 item 1, ADR 0020): the admin registers a system with scopes and hands its
 * secret over once; the system trades the secret for a short-lived token (OAuth 2.0 client
 * credentials, RFC 6749 §4.4) at POST /oauth/token. Rotation keeps the old secret working for an
 * overlap; revocation ends the client's tokens at once (every request looks the client up).
 */
import { eq, desc } from 'drizzle-orm';
import { AppError, ErrorCodes } from '../../../../shared/src/errors.js';
import type {
  TClient,
  TClientWithSecret,
  TRegisterClientRequest,
  TRotateClientRequest,
} from '../../../../shared/src/schemas/clients.js';
import type { AppContext } from '../../context.js';
import type { ClientActor, UserActor } from '../../http/actor.js';
import { recordAudit } from '../../db/audit.js';
import { inTransaction } from '../../db/tx.js';
import { apiClients, orgs } from '../../db/schema.js';
import {
  CLIENT_TOKEN_TTL_SECONDS,
  hashClientSecret,
  newClientSecret,
  secretMatches,
  signClientToken,
  verifyClientToken,
} from './tokens.js';

type ClientRow = typeof apiClients.$inferSelect;

/** An OAuth error (RFC 6749 §5.2): the token endpoint answers it as `{ error, error_description }`. */
export class OAuthError extends Error {
  constructor(
    readonly error: 'invalid_request' | 'invalid_client' | 'unsupported_grant_type' | 'invalid_scope',
    readonly description: string,
  ) {
    super(description);
  }
  get status(): number {
    return this.error === 'invalid_client' ? 401 : 400;
  }
}

export interface TokenGrant {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
}

function toClient(r: ClientRow): TClient {
  return {
    id: r.id,
    name: r.name,
    scopes: r.scopes,
    orgId: r.orgId ?? null,
    createdAt: r.createdAt.toISOString(),
    rotatedAt: r.rotatedAt?.toISOString() ?? null,
    previousValidUntil: r.previousValidUntil?.toISOString() ?? null,
    revokedAt: r.revokedAt?.toISOString() ?? null,
  };
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type ClientsService = ReturnType<typeof createClientsService>;

export function createClientsService(ctx: Pick<AppContext, 'db' | 'clock' | 'ids' | 'config'>) {
  const nowSeconds = () => Math.floor(ctx.clock.now().getTime() / 1000);

  async function findClient(id: string): Promise<ClientRow | null> {
    if (!UUID_RE.test(id)) return null;
    const [r] = await ctx.db.select().from(apiClients).where(eq(apiClients.id, id));
    return r ?? null;
  }

  async function lockedClient(tx: Parameters<Parameters<typeof inTransaction>[1]>[0], id: string): Promise<ClientRow> {
    if (!UUID_RE.test(id)) throw new AppError(ErrorCodes.NOT_FOUND, 'no such client');
    const [r] = await tx.select().from(apiClients).where(eq(apiClients.id, id)).for('update');
    if (!r) throw new AppError(ErrorCodes.NOT_FOUND, 'no such client');
    if (r.revokedAt) throw new AppError(ErrorCodes.INVALID_STATE, 'this client is revoked', { status: 'revoked', allowed: [] });
    return r;
  }

  /** The secret is right: the current one, or the previous one within its overlap. */
  function secretAccepted(row: ClientRow, secret: string): boolean {
    if (secretMatches(secret, row.secretHash)) return true;
    return (
      row.previousValidUntil !== null &&
      row.previousValidUntil.getTime() > ctx.clock.now().getTime() &&
      secretMatches(secret, row.previousSecretHash)
    );
  }

  return {
    /** POST /admin/clients: a new client; its secret is in this answer only. */
    async registerClient(actor: UserActor, input: TRegisterClientRequest): Promise<TClientWithSecret> {
      const secret = newClientSecret();
      const row = await inTransaction(ctx.db, async (tx) => {
        if (input.orgId) {
          const [org] = await tx.select({ roles: orgs.roles }).from(orgs).where(eq(orgs.id, input.orgId));
          if (!org?.roles.includes('regulator'))
            throw new AppError(ErrorCodes.VALIDATION_FAILED, 'invalid request: orgId', {
              fields: [{ path: 'orgId', message: 'a client acts only for a regulator org' }],
            });
        }
        const [r] = await tx
          .insert(apiClients)
          .values({
            id: ctx.ids.uuid(),
            name: input.name,
            scopes: input.scopes,
            orgId: input.orgId ?? null,
            secretHash: hashClientSecret(secret),
            createdBy: actor.userId,
            createdAt: ctx.clock.now(),
          })
          .returning();
        await recordAudit(tx, actor, {
          action: 'client.register',
          subjectType: 'client',
          subjectId: r!.id,
          details: { name: input.name, scopes: input.scopes },
        });
        return r!;
      });
      return { ...toClient(row), clientSecret: secret };
    },

    async listClients(): Promise<{ items: TClient[] }> {
      const rows = await ctx.db.select().from(apiClients).orderBy(desc(apiClients.createdAt));
      return { items: rows.map(toClient) };
    },

    /** POST /admin/clients/:id/rotate: a new secret; the old one keeps working for `overlapSeconds`. */
    async rotateClient(actor: UserActor, id: string, input: TRotateClientRequest): Promise<TClientWithSecret> {
      const secret = newClientSecret();
      const row = await inTransaction(ctx.db, async (tx) => {
        const found = await lockedClient(tx, id);
        const now = ctx.clock.now();
        const [r] = await tx
          .update(apiClients)
          .set({
            secretHash: hashClientSecret(secret),
            previousSecretHash: found.secretHash,
            previousValidUntil: new Date(now.getTime() + input.overlapSeconds * 1000),
            rotatedAt: now,
          })
          .where(eq(apiClients.id, id))
          .returning();
        await recordAudit(tx, actor, {
          action: 'client.rotate',
          subjectType: 'client',
          subjectId: id,
          details: { overlapSeconds: input.overlapSeconds },
        });
        return r!;
      });
      return { ...toClient(row), clientSecret: secret };
    },

    /** POST /admin/clients/:id/revoke: no token from now on, and the tokens it holds stop working. */
    async revokeClient(actor: UserActor, id: string): Promise<TClient> {
      const row = await inTransaction(ctx.db, async (tx) => {
        await lockedClient(tx, id);
        const [r] = await tx.update(apiClients).set({ revokedAt: ctx.clock.now() }).where(eq(apiClients.id, id)).returning();
        await recordAudit(tx, actor, { action: 'client.revoke', subjectType: 'client', subjectId: id });
        return r!;
      });
      return toClient(row);
    },

    /** RFC 6749 §4.4: the client-credentials grant. Every failure of the credentials is the same invalid_client. */
    async issueToken(req: {
      grantType: string | undefined;
      clientId: string | undefined;
      clientSecret: string | undefined;
      scope: string | undefined;
    }): Promise<TokenGrant> {
      if (!req.grantType) throw new OAuthError('invalid_request', 'grant_type is required');
      if (!req.clientId || !req.clientSecret) throw new OAuthError('invalid_client', 'client authentication failed');
      const row = await findClient(req.clientId);
      if (!row || row.revokedAt || !secretAccepted(row, req.clientSecret))
        throw new OAuthError('invalid_client', 'client authentication failed');
      if (req.grantType !== 'client_credentials')
        throw new OAuthError('unsupported_grant_type', 'only the client_credentials grant is supported');
      const asked = req.scope?.split(' ').filter(Boolean) ?? [];
      const extra = asked.filter((s) => !row.scopes.includes(s));
      if (extra.length) throw new OAuthError('invalid_scope', `not granted to this client: ${extra.join(' ')}`);
      const scopes = asked.length ? [...new Set(asked)] : row.scopes;
      return {
        access_token: signClientToken(ctx.config.JWT_SECRET, row.id, scopes, nowSeconds()),
        token_type: 'Bearer',
        expires_in: CLIENT_TOKEN_TTL_SECONDS,
        scope: scopes.join(' '),
      };
    },

    /** The authority org a client acts for (null: none). */
    async actingOrgOf(clientId: string): Promise<string | null> {
      return (await findClient(clientId))?.orgId ?? null;
    },

    /** The actor of a client token whose client exists and is not revoked; otherwise null. */
    async authenticateClientToken(token: string): Promise<ClientActor | null> {
      const actor = verifyClientToken(ctx.config.JWT_SECRET, token, nowSeconds());
      if (!actor) return null;
      const row = await findClient(actor.clientId);
      if (!row || row.revokedAt) return null;
      // A scope taken away since the token was issued is not honoured.
      return { clientId: row.id, scopes: actor.scopes.filter((s) => row.scopes.includes(s)) };
    },
  };
}
