/**
 * Users: the people who sign in, each a member (owner or member) of one organisation, or the
 * platform admin. Rows and password hashing only; sessions and tokens are the auth module's, and
 * organisations the orgs module's. Both build on this module, which imports no other module.
 */
import type { DbOrTx } from '../../db/client.js';
import { isUniqueViolation } from '../../db/tx.js';
import type { Ids } from '../../clock.js';
import { AppError, ErrorCodes } from '../../../../shared/src/errors.js';
import type { TNewUser, TUser } from '../../../../shared/src/schemas/auth.js';
import { hashPassword } from './passwords.js';
import * as repo from './repo.js';
import type { UserRow } from './repo.js';

export function toUser(row: UserRow): TUser {
  return { id: row.id, email: row.email, name: row.name, orgRole: row.orgRole, isAdmin: row.isAdmin };
}

/** Checks that an email is free before the insert, for a clear 409; the unique index still decides races. */
export async function assertEmailFree(dbx: DbOrTx, email: string, field = 'user.email'): Promise<void> {
  if (await repo.findUserByEmail(dbx, email))
    throw new AppError(ErrorCodes.CONFLICT, 'an account with this email already exists', {
      fields: [{ path: field, message: 'already registered' }],
    });
}

/** Creates a user in the caller's transaction; the password must already be hashed. For orgs (owners, members). */
export async function createUserRow(
  dbx: DbOrTx,
  ids: Ids,
  u: { orgId: string | null; email: string; passwordHash: string; name: string; orgRole: 'owner' | 'member'; isAdmin?: boolean },
): Promise<UserRow> {
  return repo.insertUser(dbx, { id: ids.uuid(), isAdmin: false, ...u });
}

/** Hashes a new user's password (slow: do it before opening a transaction). */
export function hashNewUserPassword(u: TNewUser): Promise<string> {
  return hashPassword(u.password);
}

/** Maps a unique violation on users.email or orgs.uscc (a lost race after the pre-check) to 409. */
export function conflictFromUnique(err: unknown): never {
  if (isUniqueViolation(err))
    throw new AppError(ErrorCodes.CONFLICT, 'this email or unified social credit code is already registered');
  throw err;
}
