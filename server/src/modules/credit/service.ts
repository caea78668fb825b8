/**
 * Credit (DESIGN §5 step 8, §6.7, §7; RELIABILITY J3, M4; docs/credit-model.md).
 *
 *   inputs    credit_events, one row per org × kind × subject, recorded by the module where each
 *             thing happens (recordCreditEvent, events.ts) in the same transaction; a trigger writes
 *             the `credit.recompute` outbox job with it.
 *   recompute the job: the org's inputs → the pure model (model.ts) → a new row in the append-only
 *             history (credit_scores) when the inputs or the result changed; when the score or level
 *             changed, also a feed row (credit_feed) and one delivery + `credit.deliver` job per active
 *             subscription, and `credit.changed` to the org's room — one transaction.
 *   decay     the `credit.nightly` job (02:00 Asia/Shanghai; it schedules its next run when it
 *             finishes) records licence lapses and enqueues a recompute of every org with credit.
 *   webhooks  `credit.deliver` sends one delivery (webhooks.ts); failures are retried by re-enqueuing
 *             the job with availableAt = now + base × 2^(attempt − 1) (CREDIT_WEBHOOK_BACKOFF_MS),
 *             the attempt count kept on the delivery; after CREDIT_WEBHOOK_MAX_ATTEMPTS it moves to
 *             credit_dead_letters and raises a `delivery_dead` alert.
 */
import { sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Clock, Ids } from '../../clock.js';
import type { Config } from '../../config.js';
import type { Db, DbOrTx, Tx } from '../../db/client.js';
import { advisoryXactLock, dbNow, inTransaction, one } from '../../db/tx.js';
import { enqueue, markDone } from '../../jobs/outbox.js';
import { publishEvent } from '../../realtime/publish.js';
import { AppError, ErrorCodes } from '../../../../shared/src/errors.js';
import { Rooms } from '../../../../shared/src/realtime.js';
import { shanghaiDate } from '../../../../shared/src/calendar.js';
import { cursorInstant, cursorUuid, decodeCursor, encodeCursor, type TPage } from '../../../../shared/src/schemas/common.js';
import type {
  TCreateSanctionRequest,
  TCreateSubscriptionRequest,
  TCreditFactor,
  TCreditFeedPage,
  TCreditFeedQuery,
  TCreditHistoryEntry,
  TCreditHistoryQuery,
  TCreditScore,
  TDeliveriesQuery,
  TDelivery,
  TSanction,
  TSubscription,
  TSubscriptionList,
} from '../../../../shared/src/schemas/credit.js';
import type { Actor } from '../auth/tokens.js';
import { raiseAlert } from '../alerts/service.js';
import { getOrgRow, oversees } from '../orgs/service.js';
import { haveTraded } from '../trades/service.js';
import { computeCredit, levelForScore, NEUTRAL_SCORE, SCORING_MODEL } from './model.js';
import { readCredit } from './read-model.js';
import { recordCreditEvent } from './events.js';
import { deliveryBody, toFeedEvent } from './feed.js';
import { UnsafeUrlError, validateWebhookUrl, type LookupAll } from './ssrf.js';
import { sendWebhook } from './webhooks.js';
import * as repo from './repo.js';

export { recordCreditEvent, type CreditEventInput } from './events.js';
export type CreditService = ReturnType<typeof createCreditService>;

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
}

/** Active subscriptions one credit agency may hold. */
export const MAX_SUBSCRIPTIONS_PER_ORG = 10;
/** The longest wait between two attempts, however large the backoff grows. */
const MAX_BACKOFF_MS = 6 * 3_600_000;
/** The nightly pass runs at this hour, Asia/Shanghai (UTC+8 all year). */
const NIGHTLY_HOUR_SHANGHAI = 2;

const notFound = (what = 'no such organisation') => new AppError(ErrorCodes.NOT_FOUND, what);

function invalid(path: string, message: string): AppError {
  return new AppError(ErrorCodes.VALIDATION_FAILED, `invalid request: ${path}`, { fields: [{ path, message }] });
}

function cursorValue(cursor: string | undefined, check: (v: unknown[]) => boolean): unknown[] | undefined {
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

function toHistoryEntry(r: repo.ScoreRow): TCreditHistoryEntry {
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

function toSanction(r: repo.SanctionRow): TSanction {
  return {
    id: r.id,
    orgId: r.orgId,
    severity: r.severity,
    reason: r.reason,
    decidedAt: r.decidedAt.toISOString(),
    decidedByOrgId: r.decidedByOrg,
    createdAt: r.createdAt.toISOString(),
  };
}

function toDelivery(d: repo.DeliveryWithEvent): TDelivery {
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

export function createCreditService(deps: CreditDeps) {
  const { db, ids, clock, logger, config } = deps;
  const urlPolicy = { allowLoopback: config.WEBHOOK_ALLOW_LOOPBACK, ...(deps.lookup ? { lookup: deps.lookup } : {}) };

  /**
   * Who may read an org's credit (policy rule 'party'): the org itself, the parties to a trade with
   * it, regulators, credit agencies and the admin. Anyone else learns nothing, not even that it exists.
   */
  async function assertMayRead(actor: Actor, orgId: string): Promise<void> {
    const org = await getOrgRow(db, orgId);
    if (!org) throw notFound();
    if (actor.orgId === orgId) return;
    if (actor.roles.some((r) => r === 'regulator' || r === 'credit_agency' || r === 'admin')) return;
    if (actor.orgId && (await haveTraded(db, actor.orgId, orgId))) return;
    throw notFound();
  }

  async function ownSubscription(actor: Actor, id: string, tx: DbOrTx = db, forUpdate = false): Promise<repo.SubscriptionRow> {
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
      { orgId: score.orgId, score: score.score, level: score.level, previousScore: score.previousScore, previousLevel: score.previousLevel, eventId: feed.eventId },
      score.computedAt,
    );
    return feed;
  }

  async function scheduleNightly(tx: Tx, currentOutboxId: number | null): Promise<void> {
    await advisoryXactLock(tx, 'credit', 'nightly');
    const pending = await one<{ n: number }>(
      tx,
      sql`select count(*)::int as n from outbox where topic = 'credit.nightly' and done_at is null and id <> ${currentOutboxId ?? -1}`,
    );
    if ((pending?.n ?? 0) > 0) return;
    await enqueue(tx, 'credit.nightly', {}, { availableAt: nextNightlyRun(clock.now()) });
  }

  const service = {
    // ── Reads ──────────────────────────────────────────────────────────────────────────────

    /** GET /credit/orgs/:id */
    async getScore(actor: Actor, orgId: string): Promise<TCreditScore> {
      await assertMayRead(actor, orgId);
      const r = await readCredit(db, orgId);
      return {
        orgId,
        score: r.score,
        level: r.level,
        levelReason: r.levelReason,
        factors: r.factors,
        scoringModel: r.scoringModel,
        neutralScore: r.neutralScore,
        computedAt: r.computedAt,
      };
    },

    /** GET /credit/orgs/:id/history: stored evaluations, newest first. */
    async getHistory(actor: Actor, orgId: string, q: TCreditHistoryQuery): Promise<TPage<TCreditHistoryEntry>> {
      await assertMayRead(actor, orgId);
      const before = cursorValue(q.cursor, (v) => Number.isSafeInteger(v[0]));
      const rows = await repo.scoreHistory(db, orgId, { ...(before ? { beforeSeq: before[0] as number } : {}), limit: q.limit + 1 });
      const page = rows.slice(0, q.limit);
      return { items: page.map(toHistoryEntry), nextCursor: rows.length > q.limit ? encodeCursor([page.at(-1)!.seq]) : null };
    },

    /** GET /credit/feed?after=&limit=: changes in feed order. */
    async getFeed(q: TCreditFeedQuery): Promise<TCreditFeedPage> {
      const after = q.after ? Number(q.after) : 0;
      if (!Number.isSafeInteger(after)) throw invalid('after', 'the after value of a previous page');
      const rows = await repo.feedAfter(db, after, q.limit + 1);
      const page = rows.slice(0, q.limit);
      return { items: page.map(toFeedEvent), after: String(page.at(-1)?.id ?? after), hasMore: rows.length > q.limit };
    },

    // ── Sanctions ──────────────────────────────────────────────────────────────────────────

    /** POST /regulator/sanctions: a regulator whose scope covers the org's district; audited. */
    async createSanction(actor: Actor, body: TCreateSanctionRequest): Promise<TSanction> {
      if (!actor.roles.includes('regulator') || !actor.orgId) throw new AppError(ErrorCodes.FORBIDDEN_ROLE, 'only regulators record sanctions');
      const decidedAt = new Date(body.decidedAt);
      if (decidedAt.getTime() > clock.now().getTime() + 5 * 60_000) throw invalid('decidedAt', 'a sanction cannot be decided in the future');
      return inTransaction(db, async (tx) => {
        const org = await getOrgRow(tx, body.orgId);
        // A regulator outside the org's district does not learn it exists.
        if (!org || !oversees(actor, org.district)) throw notFound();
        if (!org.roles.some((r) => r === 'generator' || r === 'recycler' || r === 'carrier'))
          throw invalid('orgId', 'sanctions apply to trading organisations');
        const sanction = await repo.insertSanction(tx, {
          id: ids.uuid(),
          orgId: org.id,
          severity: body.severity,
          reason: body.reason,
          decidedAt,
          decidedByUser: actor.userId,
          decidedByOrg: actor.orgId!,
        });
        await recordCreditEvent(tx, {
          orgId: org.id,
          kind: `sanction_${body.severity}`,
          subjectType: 'sanction',
          subjectId: sanction.id,
          occurredAt: decidedAt,
          details: { severity: body.severity, regulatorOrgId: actor.orgId },
        });
        await repo.insertAudit(tx, {
          actorUserId: actor.userId,
          actorOrgId: actor.orgId,
          action: 'sanction.create',
          subjectType: 'org',
          subjectId: org.id,
          details: { sanctionId: sanction.id, severity: body.severity, reason: body.reason, decidedAt: decidedAt.toISOString() },
        });
        logger.info({ orgId: org.id, sanctionId: sanction.id, severity: body.severity }, 'sanction recorded');
        return toSanction(sanction);
      });
    },

    // ── Subscriptions ──────────────────────────────────────────────────────────────────────

    /** POST /credit/subscriptions (credit agencies): the URL is checked before anything is stored. */
    async createSubscription(actor: Actor, body: TCreateSubscriptionRequest): Promise<TSubscription> {
      if (!actor.orgId || !actor.roles.includes('credit_agency'))
        throw new AppError(ErrorCodes.FORBIDDEN_ROLE, 'only credit agencies subscribe to the credit feed');
      try {
        await validateWebhookUrl(body.url, urlPolicy);
      } catch (err) {
        if (err instanceof UnsafeUrlError) throw invalid('url', err.message);
        throw err;
      }
      const row = await inTransaction(db, async (tx) => {
        await advisoryXactLock(tx, 'credit-subscriptions', actor.orgId!);
        if ((await repo.countActiveSubscriptions(tx, actor.orgId!)) >= MAX_SUBSCRIPTIONS_PER_ORG)
          throw new AppError(ErrorCodes.CONFLICT, `at most ${MAX_SUBSCRIPTIONS_PER_ORG} active subscriptions per organisation; delete one first`);
        const s = await repo.insertSubscription(tx, { id: ids.uuid(), orgId: actor.orgId!, url: body.url, secret: body.secret, createdBy: actor.userId });
        await repo.insertAudit(tx, {
          actorUserId: actor.userId,
          actorOrgId: actor.orgId,
          action: 'credit_subscription.create',
          subjectType: 'credit_subscription',
          subjectId: s.id,
          details: { url: s.url },
        });
        return s;
      });
      return (await service.subscriptionViews([row]))[0]!;
    },

    async subscriptionViews(rows: repo.SubscriptionRow[]): Promise<TSubscription[]> {
      const counts = await repo.deliveryCounts(db, rows.map((r) => r.id));
      return rows.map((s) => {
        const c = counts.get(s.id) ?? [];
        const n = (status: string) => c.find((x) => x.status === status)?.n ?? 0;
        const last = c.map((x) => x.last).filter((d): d is Date => !!d).sort((a, b) => b.getTime() - a.getTime())[0];
        return {
          id: s.id,
          url: s.url,
          status: s.deletedAt ? 'deleted' : 'active',
          createdAt: s.createdAt.toISOString(),
          deletedAt: s.deletedAt?.toISOString() ?? null,
          deliveries: { pending: n('pending'), delivered: n('delivered'), dead: n('dead'), cancelled: n('cancelled') },
          lastDeliveryAt: last?.toISOString() ?? null,
        };
      });
    },

    /** GET /credit/subscriptions: the caller's org's subscriptions, deleted ones included. */
    async listSubscriptions(actor: Actor): Promise<TSubscriptionList> {
      if (!actor.orgId) return { items: [] };
      return { items: await service.subscriptionViews(await repo.subscriptionsOf(db, actor.orgId)) };
    },

    /** DELETE /credit/subscriptions/:id: stops it; deliveries not yet made are cancelled. Repeating it is harmless. */
    async deleteSubscription(actor: Actor, id: string): Promise<TSubscription> {
      const row = await inTransaction(db, async (tx) => {
        const s = await ownSubscription(actor, id, tx, true);
        if (s.deletedAt) return s;
        const deleted = await repo.markSubscriptionDeleted(tx, id, clock.now());
        await repo.insertAudit(tx, {
          actorUserId: actor.userId,
          actorOrgId: actor.orgId,
          action: 'credit_subscription.delete',
          subjectType: 'credit_subscription',
          subjectId: id,
          details: { url: s.url },
        });
        return deleted;
      });
      return (await service.subscriptionViews([row]))[0]!;
    },

    /** GET /credit/deliveries: the caller's org's deliveries, newest first. */
    async listDeliveries(actor: Actor, q: TDeliveriesQuery): Promise<TPage<TDelivery>> {
      if (!actor.orgId) return { items: [], nextCursor: null };
      const c = cursorValue(q.cursor, (v) => cursorInstant(v[0]) !== null && cursorUuid(v[1]) !== null);
      const rows = await repo.deliveriesOf(db, {
        orgId: actor.orgId,
        ...(q.subscriptionId ? { subscriptionId: q.subscriptionId } : {}),
        ...(q.status ? { status: q.status } : {}),
        ...(c ? { before: { createdAt: new Date(c[0] as string), id: c[1] as string } } : {}),
        limit: q.limit + 1,
      });
      const page = rows.slice(0, q.limit);
      const last = page.at(-1);
      return {
        items: page.map(toDelivery),
        nextCursor: rows.length > q.limit && last ? encodeCursor([last.createdAt.toISOString(), last.id]) : null,
      };
    },

    // ── Jobs ───────────────────────────────────────────────────────────────────────────────

    /**
     * Job `credit.recompute`: scores the org from all its inputs at clock.now(). Stores a history row
     * when the inputs or the result changed, and a feed entry (with deliveries) when the score or
     * level changed. Exactly once per outbox row (markDone in the same transaction); running it
     * again with nothing new stores nothing.
     */
    async recompute(orgId: string, outboxId?: number): Promise<{ stored: boolean; changed: boolean }> {
      return inTransaction(db, async (tx) => {
        if (outboxId !== undefined && !(await markDone(tx, outboxId))) return { stored: false, changed: false };
        await advisoryXactLock(tx, 'credit', orgId);
        if (!(await getOrgRow(tx, orgId))) return { stored: false, changed: false };
        const events = await repo.eventsOf(tx, orgId);
        const latest = await repo.latestScore(tx, orgId);
        const now = clock.now();
        const r = computeCredit(
          events.map((e) => ({ kind: e.kind, occurredAt: e.occurredAt, subjectId: `${e.subjectType}:${e.subjectId}` })),
          now,
        );
        const lastEventId = events.length ? events[events.length - 1]!.id : null;
        const previousScore = latest?.score ?? NEUTRAL_SCORE;
        const previousLevel = latest?.level ?? levelForScore(NEUTRAL_SCORE);
        const inputsChanged = (latest?.lastEventId ?? null) !== lastEventId || (latest?.inputCount ?? 0) !== events.length;
        const changed = r.score !== previousScore || r.level !== previousLevel;
        const modelChanged = !!latest && latest.scoringModel !== SCORING_MODEL;
        if (!inputsChanged && !changed && !modelChanged) return { stored: false, changed: false };

        const score = await repo.insertScore(tx, {
          orgId,
          seq: (latest?.seq ?? 0) + 1,
          score: r.score,
          level: r.level,
          levelReason: r.levelReason,
          previousScore,
          previousLevel,
          scoringModel: r.scoringModel,
          factors: r.factors,
          inputs: events.map((e) => ({ id: e.id, kind: e.kind, subjectType: e.subjectType, subjectId: e.subjectId, occurredAt: e.occurredAt.toISOString() })),
          inputCount: events.length,
          lastEventId,
          trigger: inputsChanged ? 'event' : 'decay',
          computedAt: now,
        });
        if (changed) {
          const feed = await publishChange(tx, score);
          logger.info({ orgId, score: r.score, level: r.level, previousScore, previousLevel, eventId: feed.eventId }, 'credit changed');
        }
        return { stored: true, changed };
      });
    },

    /**
     * Job `credit.nightly`: records licences that lapsed (an input like any other), enqueues a
     * recompute of every org with credit (time decay), and schedules the next run. Exactly once.
     */
    async runNightly(outboxId?: number): Promise<{ orgs: number; lapsed: number }> {
      return inTransaction(db, async (tx) => {
        if (outboxId !== undefined && !(await markDone(tx, outboxId))) return { orgs: 0, lapsed: 0 };
        const now = clock.now();
        const lapsed = await repo.lapsedLicences(tx, shanghaiDate(now));
        for (const l of lapsed)
          await recordCreditEvent(tx, {
            orgId: l.orgId,
            kind: 'licence_expired',
            subjectType: 'licence',
            subjectId: l.id,
            occurredAt: now,
            details: { number: l.number, kind: l.kind, validTo: l.validTo },
          });
        const orgIds = await repo.orgsWithCredit(tx);
        for (const orgId of orgIds) await enqueue(tx, 'credit.recompute', { orgId });
        if (outboxId !== undefined) await scheduleNightly(tx, outboxId);
        logger.info({ orgs: orgIds.length, lapsed: lapsed.length }, 'credit nightly pass');
        return { orgs: orgIds.length, lapsed: lapsed.length };
      });
    },

    /** At start-up: make sure a nightly pass is scheduled (one between all processes). */
    async ensureNightlyScheduled(): Promise<void> {
      await inTransaction(db, (tx) => scheduleNightly(tx, null));
    },

    /**
     * Job `credit.deliver`: one attempt of one delivery. The send happens outside any transaction;
     * its outcome, the outbox row and the next attempt (or the dead letter) commit together.
     * A crash between send and commit sends again later: deliveries are at-least-once.
     */
    async deliver(deliveryId: string, outboxId?: number): Promise<'delivered' | 'retry' | 'dead' | 'skipped'> {
      const d = await repo.findDelivery(db, deliveryId);
      const sub = d ? await repo.findSubscription(db, d.subscriptionId) : null;
      const feed = d ? await repo.feedById(db, d.feedId) : null;
      const finishWith = async (result: 'skipped') => {
        if (outboxId !== undefined) await inTransaction(db, (tx) => markDone(tx, outboxId));
        return result;
      };
      if (!d || !sub || !feed || d.status !== 'pending') return finishWith('skipped');
      if (sub.deletedAt) {
        await inTransaction(db, async (tx) => {
          if (outboxId !== undefined && !(await markDone(tx, outboxId))) return;
          await repo.updateDelivery(tx, d.id, { status: 'cancelled', nextAttemptAt: null });
        });
        return 'skipped';
      }

      const body = deliveryBody(feed);
      const attempt = d.attempts + 1;
      const result = await sendWebhook(
        { url: sub.url, secret: sub.secret, body, eventId: feed.eventId, attempt, t: Math.floor(clock.now().getTime() / 1000) },
        { ...urlPolicy, ...(deps.webhookTimeoutMs ? { timeoutMs: deps.webhookTimeoutMs } : {}) },
      );
      const log = logger.child({ deliveryId, eventId: feed.eventId, subscriptionId: sub.id, attempt });

      return inTransaction(db, async (tx) => {
        if (outboxId !== undefined && !(await markDone(tx, outboxId))) return 'skipped' as const;
        const cur = await repo.findDelivery(tx, deliveryId, true);
        if (!cur || cur.status !== 'pending') return 'skipped' as const;
        const attempts = cur.attempts + 1;
        const base = { attempts, lastStatusCode: result.statusCode, lastError: result.error?.slice(0, 1000) ?? null };
        if (result.ok) {
          await repo.updateDelivery(tx, deliveryId, { ...base, status: 'delivered', deliveredAt: clock.now(), nextAttemptAt: null });
          log.info({ statusCode: result.statusCode }, 'credit webhook delivered');
          return 'delivered' as const;
        }
        if (attempts >= cur.maxAttempts) {
          await repo.updateDelivery(tx, deliveryId, { ...base, status: 'dead', nextAttemptAt: null });
          await repo.insertDeadLetter(tx, {
            deliveryId,
            subscriptionId: sub.id,
            eventId: feed.eventId,
            attempts,
            lastStatusCode: result.statusCode,
            lastError: base.lastError,
            body: JSON.parse(body) as Record<string, unknown>,
          });
          await raiseAlert(tx, ids, {
            kind: 'delivery_dead',
            district: null,
            subjectType: 'credit_delivery',
            subjectId: deliveryId,
            message: `credit webhook event ${feed.eventId} to ${new URL(sub.url).host} failed ${attempts} times and was moved to the dead-letter table (${base.lastError ?? 'no answer'})`,
            details: { subscriptionId: sub.id, agencyOrgId: sub.orgId, eventId: feed.eventId, attempts, lastStatusCode: result.statusCode, lastError: base.lastError },
          });
          log.warn({ error: result.error }, 'credit webhook dead after its last attempt');
          return 'dead' as const;
        }
        // The database clock decides when the retry is due (the relay compares with it).
        const next = new Date((await dbNow(tx)).getTime() + backoffMs(config.CREDIT_WEBHOOK_BACKOFF_MS, attempts));
        await repo.updateDelivery(tx, deliveryId, { ...base, nextAttemptAt: next });
        await enqueue(tx, 'credit.deliver', { deliveryId }, { availableAt: next });
        log.info({ error: result.error, next: next.toISOString() }, 'credit webhook failed; will retry');
        return 'retry' as const;
      });
    },
  };
  return service;
}
