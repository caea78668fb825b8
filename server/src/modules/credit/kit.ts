/** What the credit use cases share: the deps, the limits, the API projections, who may read a score, the feed publisher. */
import type { Logger } from 'pino';
import type { Clock, Ids } from '../../clock.js';
import type { Config } from '../../config.js';
import type { Db, DbOrTx, Tx } from '../../db/client.js';
import { advisoryXactLock } from '../../db/tx.js';
import { enqueue } from '../../jobs/outbox.js';
import { scheduleNextRun } from '../../jobs/periodic.js';
import { publishEvent } from '../../realtime/publish.js';
import { AppError, ErrorCodes } from '../../../../shared/src/errors.js';
import { Rooms } from '../../../../shared/src/realtime.js';
import { decodeCursor } from '../../../../shared/src/schemas/common.js';
import type { TCreditFactor, TCreditHistoryEntry, TDelivery, TSanction } from '../../../../shared/src/schemas/credit.js';
import type { UserActor } from '../../http/actor.js';
import { getOrgRow } from '../orgs/index.js';
import { type LookupAll } from './ssrf.js';
import * as repo from './repo.js';

export interface CreditDeps {
  db: Db;
  ids: Ids;
  clock: Clock;
  logger: Logger;
  config: Pick<Config, 'WEBHOOK_ALLOW_LOOPBACK' | 'CREDIT_WEBHOOK_BACKOFF_MS' | 'CREDIT_WEBHOOK_MAX_ATTEMPTS'>;
  /** Host name resolution for webhook URLs (tests inject one; default dns.lookup). */
  lookup?: LookupAll;
  /** Per-send time cap (default 5 s; tests shorten it). */
  webhookTimeoutMs?: number;
  /** The trades module (a port: trades reads the credit model, so credit never imports trades). */
  trades: { haveTraded(a: string, b: string): Promise<boolean> };
}

/** Active subscriptions one credit agency may hold. */
export const MAX_SUBSCRIPTIONS_PER_ORG = 10;
/** The longest wait between two attempts, however large the backoff grows. */
const MAX_BACKOFF_MS = 6 * 3_600_000;
/** The nightly pass runs at this hour, Asia/Shanghai (UTC+8 all year). */
const NIGHTLY_HOUR_SHANGHAI = 2;

export const notFound = (what = 'no such organisation') => new AppError(ErrorCodes.NOT_FOUND, what);

export function invalid(path: string, message: string): AppError {
  return new AppError(ErrorCodes.VALIDATION_FAILED, `invalid request: ${path}`, { fields: [{ path, message }] });
}

export function cursorValue(cursor: string | undefined, check: (v: unknown[]) => boolean): unknown[] | undefined {
  if (!cursor) return undefined;
  const v = decodeCursor(cursor);
  if (!v || !check(v)) throw invalid('cursor', 'invalid cursor');
  return v;
}

/** The next 02:00 Asia/Shanghai strictly after `now`. */
export function nextNightlyRun(now: Date): Date {
  const utcHour = (NIGHTLY_HOUR_SHANGHAI - 8 + 24) % 24;
  const t = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), utcHour));
  while (t.getTime() <= now.getTime()) t.setUTCDate(t.getUTCDate() + 1);
  return t;
}

/** Delay before attempt `attempt + 1`, after `attempt` failed (attempt ≥ 1). */
export function backoffMs(baseMs: number, attempt: number): number {
  return Math.min(baseMs * 2 ** (attempt - 1), MAX_BACKOFF_MS);
}

export function toHistoryEntry(r: repo.ScoreRow): TCreditHistoryEntry {
  return {
    seq: r.seq,
    score: r.score,
    level: r.level,
    levelReason: r.levelReason,
    previousScore: r.previousScore,
    previousLevel: r.previousLevel,
    factors: r.factors as TCreditFactor[],
    scoringModel: r.scoringModel,
    trigger: r.trigger,
    inputs: { count: r.inputCount, lastEventId: r.lastEventId },
    computedAt: r.computedAt.toISOString(),
  };
}

export function toSanction(r: repo.SanctionRow): TSanction {
  return {
    id: r.id,
    orgId: r.orgId,
    severity: r.severity,
    kind: r.kind,
    reason: r.reason,
    evidenceRef: r.evidenceRef ?? null,
    decidedAt: r.decidedAt.toISOString(),
    decidedByOrgId: r.decidedByOrg,
    createdAt: r.createdAt.toISOString(),
  };
}

export function toDelivery(d: repo.DeliveryWithEvent): TDelivery {
  return {
    id: d.id,
    subscriptionId: d.subscriptionId,
    eventId: d.eventId,
    orgId: d.orgId,
    status: d.status,
    attempts: d.attempts,
    maxAttempts: d.maxAttempts,
    lastStatusCode: d.lastStatusCode,
    lastError: d.lastError,
    nextAttemptAt: d.nextAttemptAt?.toISOString() ?? null,
    deliveredAt: d.deliveredAt?.toISOString() ?? null,
    createdAt: d.createdAt.toISOString(),
  };
}

/** The credit module's pieces the use cases share, built once per service from its deps. */
export function createCreditKit(deps: CreditDeps) {
  const { db, ids, clock, config } = deps;
  const urlPolicy = { allowLoopback: config.WEBHOOK_ALLOW_LOOPBACK, ...(deps.lookup ? { lookup: deps.lookup } : {}) };

  /**
   * Who may read an org's credit (policy rule 'party'): the org itself, the parties to a trade with
   * it, regulators, credit agencies and the admin. Anyone else learns nothing, not even that it exists.
   */
  async function assertMayRead(actor: UserActor, orgId: string): Promise<void> {
    const org = await getOrgRow(db, orgId);
    if (!org) throw notFound();
    if (actor.orgId === orgId) return;
    if (actor.roles.some((r) => r === 'regulator' || r === 'credit_agency' || r === 'admin')) return;
    if (actor.orgId && (await deps.trades.haveTraded(actor.orgId, orgId))) return;
    throw notFound();
  }

  async function ownSubscription(
    actor: UserActor,
    id: string,
    tx: DbOrTx = db,
    forUpdate = false,
  ): Promise<repo.SubscriptionRow> {
    const s = await repo.findSubscription(tx, id, forUpdate);
    if (!s || !actor.orgId || s.orgId !== actor.orgId) throw notFound('no such subscription');
    return s;
  }

  /** Writes the feed row, its deliveries and their jobs, and the live event, in the recompute's transaction. */
  async function publishChange(tx: Tx, score: repo.ScoreRow): Promise<repo.FeedRow> {
    // One writer at a time, until commit: feed ids then commit in the order they were given, so a
    // reader paging with ?after= never skips a row that commits late.
    await advisoryXactLock(tx, 'credit', 'feed');
    const feed = await repo.insertFeed(tx, {
      eventId: ids.uuid(),
      orgId: score.orgId,
      seq: await repo.nextFeedSeq(tx, score.orgId),
      scoreId: score.id,
      score: score.score,
      level: score.level,
      previousScore: score.previousScore,
      previousLevel: score.previousLevel,
      levelReason: score.levelReason,
      scoringModel: score.scoringModel,
      trigger: score.trigger,
      computedAt: score.computedAt,
    });
    for (const s of await repo.activeSubscriptions(tx)) {
      const d = await repo.insertDelivery(tx, {
        id: ids.uuid(),
        subscriptionId: s.id,
        feedId: feed.id,
        maxAttempts: config.CREDIT_WEBHOOK_MAX_ATTEMPTS,
        nextAttemptAt: null,
      });
      await enqueue(tx, 'credit.deliver', { deliveryId: d.id });
    }
    await publishEvent(
      tx,
      [Rooms.org(score.orgId)],
      'credit.changed',
      {
        orgId: score.orgId,
        score: score.score,
        level: score.level,
        previousScore: score.previousScore,
        previousLevel: score.previousLevel,
        eventId: feed.eventId,
      },
      score.computedAt,
    );
    return feed;
  }

  function scheduleNightly(tx: Tx, currentOutboxId: number | null): Promise<void> {
    return scheduleNextRun(tx, 'credit.nightly', currentOutboxId, () => nextNightlyRun(clock.now()));
  }

  return { urlPolicy, assertMayRead, ownSubscription, publishChange, scheduleNightly };
}

export type CreditKit = ReturnType<typeof createCreditKit>;
