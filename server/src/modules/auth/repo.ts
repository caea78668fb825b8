import { and, eq, isNull, sql } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../../db/client.js';
import type { UserRow } from '../users/index.js';
import { passwordResets, refreshTokens, users } from '../../db/schema.js';

export type RefreshTokenRow = typeof refreshTokens.$inferSelect;
export type PasswordResetRow = typeof passwordResets.$inferSelect;

export async function insertRefreshToken(dbx: DbOrTx, row: typeof refreshTokens.$inferInsert): Promise<void> {
  await dbx.insert(refreshTokens).values(row);
}

/**
 * The token row, locked until the transaction ends: a second refresh of the same token waits here
 * and then sees it used, so two concurrent refreshes cannot both rotate it.
 */
export async function lockRefreshToken(tx: Tx, tokenHash: string): Promise<RefreshTokenRow | null> {
  const [row] = await tx.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, tokenHash)).for('update');
  return row ?? null;
}

export async function findRefreshToken(dbx: DbOrTx, tokenHash: string): Promise<RefreshTokenRow | null> {
  const [row] = await dbx.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, tokenHash));
  return row ?? null;
}

export async function markRefreshTokenUsed(dbx: DbOrTx, id: string, at: Date): Promise<void> {
  await dbx.update(refreshTokens).set({ usedAt: at }).where(eq(refreshTokens.id, id));
}

/** Revokes every live token of a family; returns how many were live. */
export async function revokeFamily(dbx: DbOrTx, familyId: string, at: Date): Promise<number> {
  const revoked = await dbx
    .update(refreshTokens)
    .set({ revokedAt: at })
    .where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)))
    .returning({ id: refreshTokens.id });
  return revoked.length;
}

/** Every live refresh token of a user (all families): the user signs in again everywhere. */
export async function revokeAllRefreshTokens(dbx: DbOrTx, userId: string, at: Date): Promise<number> {
  const revoked = await dbx
    .update(refreshTokens)
    .set({ revokedAt: at })
    .where(and(eq(refreshTokens.userId, userId), isNull(refreshTokens.revokedAt)))
    .returning({ id: refreshTokens.id });
  return revoked.length;
}

/** The token version access tokens are checked against; null when the user is gone or disabled. */
export async function findSubjectVersion(dbx: DbOrTx, userId: string): Promise<number | null> {
  const [row] = await dbx
    .select({ version: users.tokenVersion, disabledAt: users.disabledAt })
    .from(users)
    .where(eq(users.id, userId));
  return row && !row.disabledAt ? row.version : null;
}

/** Refuses every access token issued so far to this user; returns the new version. */
export async function bumpTokenVersion(dbx: DbOrTx, userId: string): Promise<number | null> {
  const [row] = await dbx
    .update(users)
    .set({ tokenVersion: sql`${users.tokenVersion} + 1` })
    .where(eq(users.id, userId))
    .returning({ version: users.tokenVersion });
  return row?.version ?? null;
}

export async function lockUser(tx: Tx, id: string): Promise<UserRow | null> {
  const [row] = await tx.select().from(users).where(eq(users.id, id)).for('update');
  return row ?? null;
}

export async function setPasswordHash(dbx: DbOrTx, userId: string, passwordHash: string): Promise<void> {
  await dbx.update(users).set({ passwordHash }).where(eq(users.id, userId));
}

export async function setDisabledAt(dbx: DbOrTx, userId: string, at: Date): Promise<UserRow> {
  const [row] = await dbx.update(users).set({ disabledAt: at }).where(eq(users.id, userId)).returning();
  return row!;
}

export async function insertPasswordReset(dbx: DbOrTx, row: typeof passwordResets.$inferInsert): Promise<void> {
  await dbx.insert(passwordResets).values(row);
}

/** An admin issuing a new reset link retires the user's earlier unused ones. */
export async function retirePasswordResets(dbx: DbOrTx, userId: string, at: Date): Promise<void> {
  await dbx
    .update(passwordResets)
    .set({ usedAt: at })
    .where(and(eq(passwordResets.userId, userId), isNull(passwordResets.usedAt)));
}

/** Locked until the transaction ends, so two uses of one reset token cannot both succeed. */
export async function lockPasswordReset(tx: Tx, tokenHash: string): Promise<PasswordResetRow | null> {
  const [row] = await tx.select().from(passwordResets).where(eq(passwordResets.tokenHash, tokenHash)).for('update');
  return row ?? null;
}

export async function markPasswordResetUsed(dbx: DbOrTx, id: string, at: Date): Promise<void> {
  await dbx.update(passwordResets).set({ usedAt: at }).where(eq(passwordResets.id, id));
}
