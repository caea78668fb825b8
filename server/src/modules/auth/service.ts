import { createHash, randomBytes } from 'node:crypto';
import { recordAudit } from '../../db/audit.js';
import type { AppContext } from '../../context.js';
import type { DbOrTx } from '../../db/client.js';
import { inTransaction } from '../../db/tx.js';
import { AppError, ErrorCodes } from '../../../../shared/src/errors.js';
import { TRADING_ROLES, type Role } from '../../../../shared/src/roles.js';
import type {
  TAuthResponse,
  TDisabledUser,
  TMe,
  TPasswordResetIssued,
  TRegisterRequest,
} from '../../../../shared/src/schemas/auth.js';
import { readCredit } from '../credit/index.js';
import { assertOrgFree, createOrgRow, getOrgRow, toOrg, type OrgRow } from '../orgs/index.js';
import { ACCESS_TOKEN_TTL_SECONDS, signAccessToken, verifyAccessToken, type VerifiedToken } from './tokens.js';
import type { UserActor } from '../../http/actor.js';
import { createSubjectVersions } from './subjects.js';
import * as repo from './repo.js';
import {
  assertEmailFree,
  burnPasswordCheck,
  conflictFromUnique,
  createUserRow,
  findUserByEmail,
  findUserById,
  hashNewUserPassword,
  hashPassword,
  insertUserIfAbsent,
  toUser,
  verifyPassword,
  type UserRow,
} from '../users/index.js';

export type AuthService = ReturnType<typeof createAuthService>;

export const REFRESH_TOKEN_TTL_MS = 30 * 24 * 3600 * 1000;
/** How long an admin-issued password reset stays usable (once). */
export const PASSWORD_RESET_TTL_MS = 24 * 3600 * 1000;

/** A session as issued: the refresh token is always present here; the route decides where it goes. */
export type Session = TAuthResponse & { refreshToken: string };

/** The roles a user acts with: its org's roles, plus `admin` for the platform operator. */
export function rolesOf(user: UserRow, org: OrgRow | null): Role[] {
  return [...(user.isAdmin ? (['admin'] as Role[]) : []), ...((org?.roles ?? []) as Role[])];
}

export function actorOf(user: UserRow, org: OrgRow | null): UserActor {
  return {
    userId: user.id,
    orgId: user.orgId,
    roles: rolesOf(user, org),
    orgRole: user.orgRole,
    scope: org?.roles.includes('regulator') ? (org.scope ?? null) : null,
  };
}

/** Refresh tokens are stored only as this hash, so a database leak does not hand out sessions. */
export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

const UNAUTHENTICATED_REFRESH = 'the refresh token is invalid, expired or revoked; sign in again';

export function createAuthService(ctx: AppContext) {
  const subjects = createSubjectVersions((userId) => repo.findSubjectVersion(ctx.db, userId), ctx.clock);

  /**
   * Ends every access token of a user at once: bumps its token version in the caller's transaction.
   * Call `subjects.invalidate` after the commit (the returned function), so this process never
   * serves the old version again; other processes follow within SUBJECT_CACHE_TTL_MS.
   */
  async function endAccessTokens(dbx: DbOrTx, userId: string): Promise<() => void> {
    await repo.bumpTokenVersion(dbx, userId);
    return () => subjects.invalidate(userId);
  }

  async function issueSession(dbx: DbOrTx, user: UserRow, org: OrgRow | null, familyId?: string): Promise<Session> {
    // Every way into a session (sign-in, refresh, registration, password change) passes here.
    if (user.disabledAt) throw new AppError(ErrorCodes.UNAUTHENTICATED, 'this account is disabled; ask the platform admin');
    const refreshToken = randomBytes(32).toString('base64url');
    const now = ctx.clock.now();
    await repo.insertRefreshToken(dbx, {
      id: ctx.ids.uuid(),
      userId: user.id,
      familyId: familyId ?? ctx.ids.uuid(),
      tokenHash: hashRefreshToken(refreshToken),
      createdAt: now,
      expiresAt: new Date(now.getTime() + REFRESH_TOKEN_TTL_MS),
    });
    return {
      accessToken: signAccessToken(ctx.config.JWT_SECRET, actorOf(user, org), ACCESS_TOKEN_TTL_SECONDS, user.tokenVersion),
      refreshToken,
      expiresIn: ACCESS_TOKEN_TTL_SECONDS,
      user: toUser(user),
      org: org ? toOrg(org) : null,
    };
  }

  return {
    /**
     * Ends every session of a user in the caller's transaction: revokes its refresh tokens and bumps
     * its token version (the orgs module calls it when an owner removes a member, through a port).
     * Call the returned function after the commit.
     */
    async endSessions(tx: DbOrTx, userId: string): Promise<{ revoked: number; done: () => void }> {
      const revoked = await repo.revokeAllRefreshTokens(tx, userId, ctx.clock.now());
      return { revoked, done: await endAccessTokens(tx, userId) };
    },

    /** A company signs itself up with one of the trading roles; its first user is the owner. */
    async register(input: TRegisterRequest): Promise<Session> {
      const barred = input.org.roles.filter((r) => !(TRADING_ROLES as readonly string[]).includes(r));
      if (barred.length)
        throw new AppError(
          ErrorCodes.FORBIDDEN_ROLE,
          `${barred.join(', ')} cannot be self-registered; the platform admin creates regulator and credit agency orgs`,
          { roles: barred },
        );
      const passwordHash = await hashNewUserPassword(input.user);
      return inTransaction(ctx.db, async (tx) => {
        await assertOrgFree(tx, input.org.uscc);
        await assertEmailFree(tx, input.user.email);
        const org = await createOrgRow(tx, ctx.ids, { ...input.org, scope: null });
        const user = await createUserRow(tx, ctx.ids, {
          orgId: org.id,
          email: input.user.email,
          passwordHash,
          name: input.user.name,
          orgRole: 'owner',
        });
        return issueSession(tx, user, org);
      }).catch(conflictFromUnique);
    },

    /** One answer for an unknown email and a wrong password, after the same hashing work. */
    async login(email: string, password: string): Promise<Session> {
      const user = await findUserByEmail(ctx.db, email.trim().toLowerCase());
      const ok = user ? await verifyPassword(user.passwordHash, password) : await burnPasswordCheck(password);
      if (!user || !ok) throw new AppError(ErrorCodes.UNAUTHENTICATED, 'wrong email or password');
      const org = user.orgId ? await getOrgRow(ctx.db, user.orgId) : null;
      return issueSession(ctx.db, user, org);
    },

    /**
     * Rotates a refresh token: the presented one is marked used and a new one joins its family.
     * Presenting a used token again means it was copied, so the whole family is revoked; that
     * revocation commits even though the request fails.
     */
    async refresh(token: string): Promise<Session> {
      const tokenHash = hashRefreshToken(token);
      const outcome = await inTransaction(ctx.db, async (tx) => {
        const row = await repo.lockRefreshToken(tx, tokenHash);
        const now = ctx.clock.now();
        if (!row || row.revokedAt) return { ok: false as const };
        if (row.usedAt) {
          await repo.revokeFamily(tx, row.familyId, now);
          // A copied token may have minted access tokens: they end with the family.
          await repo.bumpTokenVersion(tx, row.userId);
          return { ok: false as const, reuse: { userId: row.userId, familyId: row.familyId } };
        }
        if (row.expiresAt.getTime() <= now.getTime()) return { ok: false as const };
        const user = await findUserById(tx, row.userId);
        if (!user) return { ok: false as const };
        await repo.markRefreshTokenUsed(tx, row.id, now);
        const org = user.orgId ? await getOrgRow(tx, user.orgId) : null;
        return { ok: true as const, session: await issueSession(tx, user, org, row.familyId) };
      });
      if (!outcome.ok) {
        if ('reuse' in outcome && outcome.reuse) {
          subjects.invalidate(outcome.reuse.userId);
          ctx.logger.warn(outcome.reuse, 'refresh token reused; its family is revoked');
        }
        throw new AppError(ErrorCodes.UNAUTHENTICATED, UNAUTHENTICATED_REFRESH);
      }
      return outcome.session;
    },

    /**
     * Ends the session the token belongs to (its whole family) and every access token of its user,
     * at once: an access token does not say which session minted it. The user's other sessions
     * keep their refresh tokens and get a new access token on their next refresh. Unknown tokens
     * are ignored.
     */
    async logout(token: string): Promise<void> {
      const row = await repo.findRefreshToken(ctx.db, hashRefreshToken(token));
      if (!row) return;
      const done = await inTransaction(ctx.db, async (tx) => {
        await repo.revokeFamily(tx, row.familyId, ctx.clock.now());
        return endAccessTokens(tx, row.userId);
      });
      done();
    },

    /**
     * The actor of an access token that is validly signed, within its lifetime, and issued under its
     * subject's current token version (the subject exists and is enabled); otherwise null.
     */
    async authenticateAccessToken(token: string): Promise<VerifiedToken | null> {
      const verified = verifyAccessToken(ctx.config.JWT_SECRET, token);
      if (!verified) return null;
      const current = await subjects.current(verified.userId);
      return current !== null && current === verified.tokenVersion ? verified : null;
    },

    /**
     * POST /auth/password: with the current password. Every session of the user ends (all refresh
     * families, every access token); the caller gets a new session.
     */
    async changePassword(actor: UserActor, currentPassword: string, newPassword: string): Promise<Session> {
      const user = await findUserById(ctx.db, actor.userId);
      if (!user) throw new AppError(ErrorCodes.UNAUTHENTICATED, 'this account no longer exists');
      if (!(await verifyPassword(user.passwordHash, currentPassword)))
        throw new AppError(ErrorCodes.VALIDATION_FAILED, 'the current password is wrong', {
          fields: [{ path: 'currentPassword', message: 'does not match' }],
        });
      const passwordHash = await hashPassword(newPassword);
      const { session, done } = await inTransaction(ctx.db, async (tx) => {
        await repo.lockUser(tx, user.id);
        await repo.setPasswordHash(tx, user.id, passwordHash);
        await repo.revokeAllRefreshTokens(tx, user.id, ctx.clock.now());
        const done = await endAccessTokens(tx, user.id);
        const fresh = (await findUserById(tx, user.id))!;
        const org = fresh.orgId ? await getOrgRow(tx, fresh.orgId) : null;
        return { session: await issueSession(tx, fresh, org), done };
      });
      done();
      return session;
    },

    /** POST /admin/users/:id/disable: no sign-in, refresh or access token for this user from now on; audited. */
    async disableUser(actor: UserActor, userId: string, reason?: string): Promise<TDisabledUser> {
      if (userId === actor.userId)
        throw new AppError(ErrorCodes.INVALID_STATE, 'you cannot disable your own account', { allowed: [] });
      const { user, done } = await inTransaction(ctx.db, async (tx) => {
        const found = await repo.lockUser(tx, userId);
        if (!found) throw new AppError(ErrorCodes.NOT_FOUND, 'no such user');
        const now = ctx.clock.now();
        const user = found.disabledAt ? found : await repo.setDisabledAt(tx, userId, now);
        const revoked = await repo.revokeAllRefreshTokens(tx, userId, now);
        const done = await endAccessTokens(tx, userId);
        await recordAudit(tx, actor, {
          action: 'user.disable',
          subjectType: 'user',
          subjectId: userId,
          details: {
            orgId: found.orgId,
            alreadyDisabled: !!found.disabledAt,
            refreshTokensRevoked: revoked,
            ...(reason ? { reason } : {}),
          },
        });
        return { user, done };
      });
      done();
      return { user: toUser(user), disabledAt: user.disabledAt!.toISOString() };
    },

    /**
     * POST /admin/users/:id/reset: a one-time password reset for the admin to hand over (the platform
     * sends no e-mail). Only its hash is stored; it expires after PASSWORD_RESET_TTL_MS and retires
     * the user's earlier unused ones. Audited (without the token).
     */
    async issuePasswordReset(actor: UserActor, userId: string): Promise<TPasswordResetIssued> {
      const token = randomBytes(32).toString('base64url');
      const now = ctx.clock.now();
      const expiresAt = new Date(now.getTime() + PASSWORD_RESET_TTL_MS);
      await inTransaction(ctx.db, async (tx) => {
        const user = await repo.lockUser(tx, userId);
        if (!user) throw new AppError(ErrorCodes.NOT_FOUND, 'no such user');
        await repo.retirePasswordResets(tx, userId, now);
        const id = ctx.ids.uuid();
        await repo.insertPasswordReset(tx, {
          id,
          userId,
          tokenHash: hashRefreshToken(token),
          createdBy: actor.userId,
          createdAt: now,
          expiresAt,
        });
        await recordAudit(tx, actor, {
          action: 'user.password_reset_issued',
          subjectType: 'user',
          subjectId: userId,
          details: { resetId: id, expiresAt: expiresAt.toISOString() },
        });
      });
      return { token, path: `/reset-password#token=${token}`, expiresAt: expiresAt.toISOString() };
    },

    /** POST /auth/reset: sets a new password with a one-time token; every session of the user ends. */
    async resetPassword(token: string, newPassword: string): Promise<void> {
      const passwordHash = await hashPassword(newPassword);
      const done = await inTransaction(ctx.db, async (tx) => {
        const row = await repo.lockPasswordReset(tx, hashRefreshToken(token));
        const now = ctx.clock.now();
        if (!row || row.usedAt || row.expiresAt.getTime() <= now.getTime()) return null;
        await repo.markPasswordResetUsed(tx, row.id, now);
        await repo.setPasswordHash(tx, row.userId, passwordHash);
        await repo.revokeAllRefreshTokens(tx, row.userId, now);
        return endAccessTokens(tx, row.userId);
      });
      if (!done)
        throw new AppError(
          ErrorCodes.UNAUTHENTICATED,
          'this reset link is invalid, expired or already used; ask the platform admin for a new one',
        );
      done();
    },

    async me(actor: UserActor): Promise<TMe> {
      const user = await findUserById(ctx.db, actor.userId);
      if (!user) throw new AppError(ErrorCodes.UNAUTHENTICATED, 'this account no longer exists');
      const org = user.orgId ? await getOrgRow(ctx.db, user.orgId) : null;
      const credit = org ? await readCredit(ctx.db, org.id) : null;
      return { user: toUser(user), org: org ? toOrg(org) : null, roles: rolesOf(user, org), creditLevel: credit?.level ?? null };
    },

    /** The first platform admin, from ADMIN_EMAIL / ADMIN_PASSWORD at boot; an existing account is left alone. */
    async ensureAdmin(email: string, password: string): Promise<void> {
      const normalised = email.trim().toLowerCase();
      if (await findUserByEmail(ctx.db, normalised)) return;
      const created = await insertUserIfAbsent(ctx.db, {
        id: ctx.ids.uuid(),
        orgId: null,
        email: normalised,
        passwordHash: await hashPassword(password),
        name: 'Platform admin',
        orgRole: 'owner',
        isAdmin: true,
      });
      if (created) ctx.logger.info('platform admin created from ADMIN_EMAIL');
    },

    issueSession,
  };
}
