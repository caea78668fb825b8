import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { users } from '../../db/schema.js';

export type UserRow = typeof users.$inferSelect;

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
