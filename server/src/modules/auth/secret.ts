import { randomBytes } from 'node:crypto';
import { chmodSync, linkSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The file in DATA_DIR holding the embedded deployment's access-token key. */
export const JWT_SECRET_FILE = 'jwt-secret';

/**
 * The embedded deployment's access-token key: generated at random on first boot and kept in
 * DATA_DIR with mode 0600, so each installation has its own and a restart keeps sessions valid.
 * Written to a temporary file and linked into place, so a crash mid-write or two processes
 * booting at once never leave a short or mixed key: whichever link lands first wins.
 */
export function loadOrCreateJwtSecret(dataDir: string): { secret: string; created: boolean; file: string } {
  const file = path.join(dataDir, JWT_SECRET_FILE);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  let created = false;
  if (!exists(file)) {
    const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    writeFileSync(tmp, randomBytes(48).toString('base64url') + '\n', { mode: 0o600, flag: 'wx' });
    try {
      linkSync(tmp, file);
      created = true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      rmSync(tmp, { force: true });
    }
  }
  // Someone loosened it (a copy, a restore from backup): nobody else on the host may read the key.
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  const secret = readFileSync(file, 'utf8').trim();
  if (secret.length < 32)
    throw new Error(`${file} holds no usable key (fewer than 32 characters); delete it to generate a new one`);
  return { secret, created, file };
}

function exists(file: string): boolean {
  try {
    statSync(file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}
