import type { Clock } from '../../clock.js';

/**
 * The current token version of each subject (a user), or null when it no longer exists or is
 * disabled: the check every access token passes besides its signature. Read from the database
 * once per subject and then served from memory, so a request from a known subject costs no query.
 *
 * Changes made by this process (logout, revoke, disable, password change) invalidate the entry at
 * once. Other API processes sharing the database see the change when their entry expires, after at
 * most SUBJECT_CACHE_TTL_MS (docs/decisions/0006-token-versions-and-secrets.md: a short TTL rather
 * than a broadcast, because it needs no Redis and cannot lose a message).
 */
export const SUBJECT_CACHE_TTL_MS = 5_000;
const MAX_ENTRIES = 10_000;

export interface SubjectVersions {
  /** The subject's current version, or null (absent or disabled). */
  current(userId: string): Promise<number | null>;
  /** Forget a subject after a change has committed; the next request reads it again. */
  invalidate(userId: string): void;
}

export function createSubjectVersions(
  load: (userId: string) => Promise<number | null>,
  clock: Clock,
  ttlMs = SUBJECT_CACHE_TTL_MS,
): SubjectVersions {
  const entries = new Map<string, { version: number | null; loadedAt: number }>();
  // Bumped by every invalidation: a load that started before one must not store what it read.
  let generation = 0;

  return {
    async current(userId) {
      const now = clock.now().getTime();
      const hit = entries.get(userId);
      if (hit && now - hit.loadedAt < ttlMs && now >= hit.loadedAt) return hit.version;
      const started = generation;
      const version = await load(userId);
      if (started === generation) {
        entries.delete(userId);
        if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value!);
        entries.set(userId, { version, loadedAt: now });
      }
      return version;
    },
    invalidate(userId) {
      generation++;
      entries.delete(userId);
    },
  };
}
