/**
 * The sign-in throttle (issue 10 item 6, ADR 0007): attempts are counted per account AND client
 * address, so a guesser is slowed down while the account's owner, signing in from elsewhere, is not
 * locked out. After `freeFailures` attempts without a success the pair is locked for `firstLockMs`,
 * doubling with each further failed attempt up to `maxLockMs`; a success resets the pair. The 429 is
 * the same whether the email has an account or not.
 *
 * The counters live in PostgreSQL (table login_throttle) so every API process shares them and they
 * survive a Redis outage. An attempt is counted when it starts, in one upsert that also places the
 * lock, so a burst of parallel guesses gets no more than `freeFailures` past the check.
 */
import { createHash } from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
import { ipKeyGenerator } from 'express-rate-limit';
import type { Clock } from '../../clock.js';
import type { DbOrTx } from '../../db/client.js';
import { one } from '../../db/tx.js';
import { AppError, ErrorCodes } from '../../../../shared/src/errors.js';

export interface ThrottlePolicy {
  /** Attempts allowed before the first lock. */
  freeFailures: number;
  firstLockMs: number;
  maxLockMs: number;
  /** A pair idle this long starts again from zero (and its row is swept). */
  forgetAfterMs: number;
}

export const LOGIN_THROTTLE: ThrottlePolicy = {
  freeFailures: 5,
  firstLockMs: 60_000,
  maxLockMs: 15 * 60_000,
  forgetAfterMs: 24 * 3600_000,
};

/** How long a pair is locked after its n-th attempt without a success: 0 below the free attempts, then doubling to the cap. */
export function lockMs(failures: number, policy: ThrottlePolicy = LOGIN_THROTTLE): number {
  if (failures < policy.freeFailures) return 0;
  return Math.min(policy.firstLockMs * 2 ** Math.min(failures - policy.freeFailures, 30), policy.maxLockMs);
}

/**
 * The stored key of an (email, client address) pair. IPv6 clients are keyed by their /56, as the
 * per-IP rate limit does, so one host cannot rotate addresses past the throttle.
 */
export function throttleKey(email: string, clientAddress: string): string {
  const client = clientAddress ? ipKeyGenerator(clientAddress) : 'unknown';
  return createHash('sha256').update(`${email.trim().toLowerCase()}\0${client}`, 'utf8').digest('hex');
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;

export function createLoginThrottle(deps: { db: DbOrTx; clock: Clock }, policy: ThrottlePolicy = LOGIN_THROTTLE) {
  const { db, clock } = deps;
  const iso = (ms: number) => new Date(ms).toISOString();

  /** `locked_until` for a pair after `n` attempts, as SQL over the new count (the lock doubles in the statement). */
  const lockAfter = (n: SQL, now: number) => sql`case when ${n} >= ${policy.freeFailures}
      then ${iso(now)}::timestamptz + make_interval(secs => least(
        ${policy.firstLockMs / 1000}::float8 * power(2, least(${n} - ${policy.freeFailures}, 30)), ${policy.maxLockMs / 1000}::float8))
      end`;

  /** Counts one attempt unless the pair is locked; returns the lock end when it is. */
  async function reserve(key: string, now: number): Promise<{ lockedUntil: Date | null }> {
    const next = sql`(case when t.updated_at < ${iso(now - policy.forgetAfterMs)}::timestamptz then 1 else t.failures + 1 end)`;
    const counted = await one<{ failures: number }>(
      db,
      sql`insert into login_throttle as t (key, failures, locked_until, updated_at)
          values (${key}, 1, ${lockAfter(sql`1`, now)}, ${iso(now)}::timestamptz)
          on conflict (key) do update set failures = ${next}, locked_until = ${lockAfter(next, now)}, updated_at = excluded.updated_at
          where t.locked_until is null or t.locked_until <= ${iso(now)}::timestamptz
          returning failures`,
    );
    if (counted) return { lockedUntil: null };
    const row = await one<{ locked_until: Date | string | null }>(
      db,
      sql`select locked_until from login_throttle where key = ${key}`,
    );
    // The row went between the two statements (a success reset it): refuse this once, briefly.
    return { lockedUntil: row?.locked_until ? new Date(row.locked_until) : new Date(now + 1000) };
  }

  /** A success: the pair starts again; rows idle past forgetAfterMs are swept in the same statement. */
  async function reset(key: string, now: number): Promise<void> {
    await db.execute(
      sql`delete from login_throttle where key = ${key} or updated_at < ${iso(now - policy.forgetAfterMs)}::timestamptz`,
    );
  }

  return {
    /**
     * Runs one sign-in for this email from this client address under the throttle: refused with
     * 429 RATE_LIMITED (Retry-After) while the pair is locked, without looking the email up. A
     * sign-in that throws stays counted; one that returns resets the pair.
     */
    async attempt<T>(who: { email: string; clientAddress: string }, signIn: () => Promise<T>): Promise<T> {
      const key = throttleKey(who.email, who.clientAddress);
      const now = clock.now().getTime();
      const { lockedUntil } = await reserve(key, now);
      if (lockedUntil) {
        const retryAfterSeconds = Math.max(1, Math.ceil((lockedUntil.getTime() - now) / 1000));
        throw new AppError(
          ErrorCodes.RATE_LIMITED,
          'too many sign-in attempts for this account from this address; try again later',
          {
            retryAfterSeconds,
          },
        );
      }
      const result = await signIn();
      await reset(key, clock.now().getTime());
      return result;
    },
  };
}
