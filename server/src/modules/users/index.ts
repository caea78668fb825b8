/** The users module's public entry. */
export type { UserRow } from './repo.js';
export { findUserByEmail, findUserById, insertUser, insertUserIfAbsent } from './repo.js';
export { burnPasswordCheck, hashPassword, verifyPassword } from './passwords.js';
export { assertEmailFree, conflictFromUnique, createUserRow, hashNewUserPassword, toUser } from './service.js';
