import { and, asc, desc, eq, gt, isNull, lt, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { rows } from '../../db/tx.js';
import {
  creditDeadLetters,
  creditDeliveries,
  creditFeed,
  creditScores,
  creditSubscriptions,
  orgs,
  sanctions,
} from '../../db/schema.js';

export type ScoreRow = typeof creditScores.$inferSelect;
export type FeedRow = typeof creditFeed.$inferSelect;
export type SubscriptionRow = typeof creditSubscriptions.$inferSelect;
export type DeliveryRow = typeof creditDeliveries.$inferSelect;
export type SanctionRow = typeof sanctions.$inferSelect;

export interface EventRow {
  id: number;
  kind: string;
  subjectType: string;
  subjectId: string;
  occurredAt: Date;
}

// ── Inputs ──────────────────────────────────────────────────────────────────────────────────

export async function eventsOf(dbx: DbOrTx, orgId: string): Promise<EventRow[]> {
  const r = await rows<{
    id: string | number;
    kind: string;
    subject_type: string;
    subject_id: string;
    occurred_at: Date | string;
  }>(dbx, sql`select id, kind, subject_type, subject_id, occurred_at from credit_events where org_id = ${orgId} order by id`);
  return r.map((e) => ({
    id: Number(e.id),
    kind: e.kind,
    subjectType: e.subject_type,
    subjectId: e.subject_id,
    occurredAt: new Date(e.occurred_at),
  }));
}

/** Orgs among `orgIds` with a serious sanction recorded after their newest stored score (not scored yet). */
export async function unscoredSeriousSanctions(dbx: DbOrTx, orgIds: string[]): Promise<Set<string>> {
  if (orgIds.length === 0) return new Set();
  const list = sql.join(
    orgIds.map((id) => sql`${id}::uuid`),
    sql`, `,
  );
  const r = await rows<{ org_id: string }>(
    dbx,
    sql`select distinct e.org_id from credit_events e
        where e.kind = 'sanction_serious' and e.org_id in (${list})
          and e.id > coalesce((select s.last_event_id from credit_scores s where s.org_id = e.org_id order by s.seq desc limit 1), 0)`,
  );
  return new Set(r.map((x) => x.org_id));
}

/** Every org with an input or a stored score: the nightly pass recomputes these (decay). */
export async function orgsWithCredit(dbx: DbOrTx): Promise<string[]> {
  const r = await rows<{ org_id: string }>(dbx, sql`select org_id from credit_events union select org_id from credit_scores`);
  return r.map((x) => x.org_id).sort();
}

/**
 * Approved licences past their validTo (a Shanghai date) whose org holds no other approved licence of
 * the kind valid on `today`, and which have not been recorded as lapsed yet.
 */
export async function lapsedLicences(
  dbx: DbOrTx,
  today: string,
): Promise<{ id: string; orgId: string; kind: string; number: string; validTo: string }[]> {
  const r = await rows<{ id: string; org_id: string; kind: string; number: string; valid_to: string | Date }>(
    dbx,
    sql`select l.id, l.org_id, l.kind, l.number, l.valid_to::text as valid_to from licences l
        where l.status = 'approved' and l.valid_to < ${today}::date
          and not exists (select 1 from licences o where o.org_id = l.org_id and o.kind = l.kind and o.status = 'approved'
                          and o.valid_from <= ${today}::date and o.valid_to >= ${today}::date)
          and not exists (select 1 from credit_events e where e.org_id = l.org_id and e.kind = 'licence_expired'
                          and e.subject_type = 'licence' and e.subject_id = l.id::text)
        order by l.id`,
  );
  return r.map((x) => ({ id: x.id, orgId: x.org_id, kind: x.kind, number: x.number, validTo: String(x.valid_to).slice(0, 10) }));
}

// ── Scores ──────────────────────────────────────────────────────────────────────────────────

export async function latestScore(dbx: DbOrTx, orgId: string): Promise<ScoreRow | null> {
  const [row] = await dbx
    .select()
    .from(creditScores)
    .where(eq(creditScores.orgId, orgId))
    .orderBy(desc(creditScores.seq))
    .limit(1);
  return row ?? null;
}

export async function latestLevels(dbx: DbOrTx, orgIds: string[]): Promise<Map<string, ScoreRow['level']>> {
  if (orgIds.length === 0) return new Map();
  const r = await rows<{ org_id: string; level: ScoreRow['level'] }>(
    dbx,
    sql`select distinct on (org_id) org_id, level from credit_scores
        where org_id in (${sql.join(
          orgIds.map((id) => sql`${id}::uuid`),
          sql`, `,
        )}) order by org_id, seq desc`,
  );
  return new Map(r.map((x) => [x.org_id, x.level]));
}

export async function insertScore(dbx: DbOrTx, row: typeof creditScores.$inferInsert): Promise<ScoreRow> {
  const [r] = await dbx.insert(creditScores).values(row).returning();
  return r!;
}

export function scoreHistory(dbx: DbOrTx, orgId: string, o: { beforeSeq?: number; limit: number }): Promise<ScoreRow[]> {
  return dbx
    .select()
    .from(creditScores)
    .where(and(eq(creditScores.orgId, orgId), o.beforeSeq !== undefined ? lt(creditScores.seq, o.beforeSeq) : undefined))
    .orderBy(desc(creditScores.seq))
    .limit(o.limit);
}

// ── Feed ────────────────────────────────────────────────────────────────────────────────────

export async function nextFeedSeq(dbx: DbOrTx, orgId: string): Promise<number> {
  const r = await rows<{ n: number }>(
    dbx,
    sql`select coalesce(max(seq), 0)::int + 1 as n from credit_feed where org_id = ${orgId}`,
  );
  return r[0]!.n;
}

export async function insertFeed(dbx: DbOrTx, row: typeof creditFeed.$inferInsert): Promise<FeedRow> {
  const [r] = await dbx.insert(creditFeed).values(row).returning();
  return r!;
}

export type FeedWithOrg = FeedRow & { orgName: string; uscc: string };

export async function feedAfter(dbx: DbOrTx, afterId: number, limit: number): Promise<FeedWithOrg[]> {
  const r = await dbx
    .select({ feed: creditFeed, orgName: orgs.name, uscc: orgs.uscc })
    .from(creditFeed)
    .innerJoin(orgs, eq(orgs.id, creditFeed.orgId))
    .where(gt(creditFeed.id, afterId))
    .orderBy(asc(creditFeed.id))
    .limit(limit);
  return r.map((x) => ({ ...x.feed, orgName: x.orgName, uscc: x.uscc }));
}

export async function feedById(dbx: DbOrTx, id: number): Promise<FeedWithOrg | null> {
  const [x] = await dbx
    .select({ feed: creditFeed, orgName: orgs.name, uscc: orgs.uscc })
    .from(creditFeed)
    .innerJoin(orgs, eq(orgs.id, creditFeed.orgId))
    .where(eq(creditFeed.id, id));
  return x ? { ...x.feed, orgName: x.orgName, uscc: x.uscc } : null;
}

// ── Subscriptions and deliveries ────────────────────────────────────────────────────────────

export function activeSubscriptions(dbx: DbOrTx): Promise<SubscriptionRow[]> {
  return dbx
    .select()
    .from(creditSubscriptions)
    .where(isNull(creditSubscriptions.deletedAt))
    .orderBy(asc(creditSubscriptions.createdAt));
}

export async function countActiveSubscriptions(dbx: DbOrTx, orgId: string): Promise<number> {
  const r = await rows<{ n: number }>(
    dbx,
    sql`select count(*)::int as n from credit_subscriptions where org_id = ${orgId} and deleted_at is null`,
  );
  return r[0]!.n;
}

export async function insertSubscription(dbx: DbOrTx, row: typeof creditSubscriptions.$inferInsert): Promise<SubscriptionRow> {
  const [r] = await dbx.insert(creditSubscriptions).values(row).returning();
  return r!;
}

export async function findSubscription(dbx: DbOrTx, id: string, forUpdate = false): Promise<SubscriptionRow | null> {
  const q = dbx.select().from(creditSubscriptions).where(eq(creditSubscriptions.id, id));
  const [r] = forUpdate ? await q.for('update') : await q;
  return r ?? null;
}

export function subscriptionsOf(dbx: DbOrTx, orgId: string): Promise<SubscriptionRow[]> {
  return dbx
    .select()
    .from(creditSubscriptions)
    .where(eq(creditSubscriptions.orgId, orgId))
    .orderBy(desc(creditSubscriptions.createdAt));
}

export async function markSubscriptionDeleted(dbx: DbOrTx, id: string, at: Date): Promise<SubscriptionRow> {
  const [r] = await dbx.update(creditSubscriptions).set({ deletedAt: at }).where(eq(creditSubscriptions.id, id)).returning();
  await dbx
    .update(creditDeliveries)
    .set({ status: 'cancelled', nextAttemptAt: null, updatedAt: sql`now()` })
    .where(and(eq(creditDeliveries.subscriptionId, id), eq(creditDeliveries.status, 'pending')));
  return r!;
}

export async function deliveryCounts(
  dbx: DbOrTx,
  subscriptionIds: string[],
): Promise<Map<string, { status: string; n: number; last: Date | null }[]>> {
  const out = new Map<string, { status: string; n: number; last: Date | null }[]>();
  if (subscriptionIds.length === 0) return out;
  const r = await rows<{ subscription_id: string; status: string; n: number; last: Date | string | null }>(
    dbx,
    sql`select subscription_id, status, count(*)::int as n, max(coalesce(delivered_at, updated_at)) as last
        from credit_deliveries where subscription_id in (${sql.join(
          subscriptionIds.map((id) => sql`${id}::uuid`),
          sql`, `,
        )})
        group by subscription_id, status`,
  );
  for (const x of r) {
    const list = out.get(x.subscription_id) ?? [];
    list.push({ status: x.status, n: x.n, last: x.last ? new Date(x.last) : null });
    out.set(x.subscription_id, list);
  }
  return out;
}

export async function insertDelivery(dbx: DbOrTx, row: typeof creditDeliveries.$inferInsert): Promise<DeliveryRow> {
  const [r] = await dbx.insert(creditDeliveries).values(row).returning();
  return r!;
}

export async function findDelivery(dbx: DbOrTx, id: string, forUpdate = false): Promise<DeliveryRow | null> {
  const q = dbx.select().from(creditDeliveries).where(eq(creditDeliveries.id, id));
  const [r] = forUpdate ? await q.for('update') : await q;
  return r ?? null;
}

export async function updateDelivery(dbx: DbOrTx, id: string, set: Partial<typeof creditDeliveries.$inferInsert>): Promise<void> {
  await dbx
    .update(creditDeliveries)
    .set({ ...set, updatedAt: sql`now()` })
    .where(eq(creditDeliveries.id, id));
}

export type DeliveryWithEvent = DeliveryRow & { eventId: string; orgId: string };

export async function deliveriesOf(
  dbx: DbOrTx,
  o: {
    orgId: string;
    subscriptionId?: string;
    status?: DeliveryRow['status'];
    before?: { createdAt: Date; id: string };
    limit: number;
  },
): Promise<DeliveryWithEvent[]> {
  const r = await dbx
    .select({ d: creditDeliveries, eventId: creditFeed.eventId, orgId: creditFeed.orgId })
    .from(creditDeliveries)
    .innerJoin(creditSubscriptions, eq(creditSubscriptions.id, creditDeliveries.subscriptionId))
    .innerJoin(creditFeed, eq(creditFeed.id, creditDeliveries.feedId))
    .where(
      and(
        eq(creditSubscriptions.orgId, o.orgId),
        o.subscriptionId ? eq(creditDeliveries.subscriptionId, o.subscriptionId) : undefined,
        o.status ? eq(creditDeliveries.status, o.status) : undefined,
        o.before
          ? or(
              lt(creditDeliveries.createdAt, o.before.createdAt),
              and(eq(creditDeliveries.createdAt, o.before.createdAt), lt(creditDeliveries.id, o.before.id)),
            )
          : undefined,
      ),
    )
    .orderBy(desc(creditDeliveries.createdAt), desc(creditDeliveries.id))
    .limit(o.limit);
  return r.map((x) => ({ ...x.d, eventId: x.eventId, orgId: x.orgId }));
}

export async function insertDeadLetter(dbx: DbOrTx, row: typeof creditDeadLetters.$inferInsert): Promise<void> {
  await dbx.insert(creditDeadLetters).values(row).onConflictDoNothing();
}

// ── Sanctions and audit ─────────────────────────────────────────────────────────────────────

/** Sanctions newest first, optionally of one org and of orgs in some districts; keyset after a sanction id. */
export async function listSanctions(
  dbx: DbOrTx,
  f: { orgId?: string; districts?: string[]; afterId?: string; limit: number },
): Promise<SanctionRow[]> {
  if (f.districts && f.districts.length === 0) return [];
  const conds = [
    f.orgId ? eq(sanctions.orgId, f.orgId) : undefined,
    f.districts
      ? sql`${sanctions.orgId} in (select o.id from orgs o where o.district in (${sql.join(
          f.districts.map((d) => sql`${d}`),
          sql`, `,
        )}))`
      : undefined,
    f.afterId
      ? sql`(${sanctions.createdAt}, ${sanctions.id}) < (select s2.created_at, s2.id from sanctions s2 where s2.id = ${f.afterId})`
      : undefined,
  ].filter((c) => c !== undefined);
  return dbx
    .select()
    .from(sanctions)
    .where(conds.length ? and(...conds) : undefined)
    .orderBy(desc(sanctions.createdAt), desc(sanctions.id))
    .limit(f.limit);
}

export async function insertSanction(dbx: DbOrTx, row: typeof sanctions.$inferInsert): Promise<SanctionRow> {
  const [r] = await dbx.insert(sanctions).values(row).returning();
  return r!;
}
