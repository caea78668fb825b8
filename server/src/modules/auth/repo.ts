import { and, eq, isNull } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../../db/client.js';
import { refreshTokens, users } from '../../db/schema.js';

export type UserRow = typeof users.$inferSelect;
export type RefreshTokenRow = typeof refreshTokens.$inferSelect;

export async function findUserByEmail(dbx: DbOrTx, email: string): Promise<UserRow | null> {
  const [row] = await dbx.select().from(users).where(eq(users.email, email));
  return row ?? null;
}

export async function findUserById(dbx: DbOrTx, id: string): Promise<UserRow | null> {
  const [row] = await dbx.select().from(users).where(eq(users.id, id));
  return row ?? null;
}

/** Inserts a user; a taken email surfaces as a unique violation for the caller to map. */
export async function insertUser(dbx: DbOrTx, row: typeof users.$inferInsert): Promise<UserRow> {
  const [inserted] = await dbx.insert(users).values(row).returning();
  return inserted!;
}

/** For boot-time seeding that several processes may race on: false when the email exists. */
export async function insertUserIfAbsent(dbx: DbOrTx, row: typeof users.$inferInsert): Promise<boolean> {
  const inserted = await dbx.insert(users).values(row).onConflictDoNothing({ target: users.email }).returning({ id: users.id });
  return inserted.length > 0;
}

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
