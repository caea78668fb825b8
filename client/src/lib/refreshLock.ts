/**
 * One refresh at a time across every tab of this origin. The server rotates the refresh token on
 * each use and treats a second use of the old one as theft (it revokes the whole session), so
 * tabs refreshing in parallel with the same cookie would sign the user out. Under the lock, each
 * tab's refresh request carries the cookie the previous holder's response set, so every rotation
 * is a legitimate one. Inside one tab, concurrent callers share one refresh.
 *
 * Web Locks (navigator.locks) exist in secure contexts (https, localhost). Without them — the
 * embedded exchange opened over plain http from another machine — refreshes are shared inside a
 * tab only, as before (docs/decisions/0006-token-versions-and-secrets.md).
 *
 * Kept free of DOM types so the unit test can drive it with a fake lock manager.
 */
export interface LockManagerLike {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
}

export const REFRESH_LOCK_NAME = 'zwx-auth-refresh';

export function createSharedRefresh(
  refresh: () => Promise<boolean>,
  locks: LockManagerLike | null | undefined,
): () => Promise<boolean> {
  let inFlight: Promise<boolean> | null = null;
  return () => {
    inFlight ??= (locks ? locks.request(REFRESH_LOCK_NAME, refresh) : refresh()).finally(() => {
      inFlight = null;
    });
    return inFlight;
  };
}
