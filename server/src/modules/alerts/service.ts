/**
 * Regulator alerts (DESIGN §7 regulator, §8): raised by the module that sees the cause, in that
 * module's transaction, once per dedupe key, and announced live as `alert.raised` in the regulator
 * rooms of the alert's district. Regulators list them in scope and resolve them with a note; the
 * resolution records who and why and is audited.
 *
 * Who raises which kind (the dedupe key in brackets; default kind:subjectType:subjectId):
 *   price_flagged     prices/listings/bids: a justified price outside the band   [price_flagged:listing|bid:<id>]
 *   price_rejected    prices: a price beyond the flagged range, refused           [price_rejected:<subject>_attempt:<attempt id>]
 *   red_party         trades: a party at credit level red on a new trade          [red_party:trade:<trade>:<org>]
 *   capacity_high     alerts/capacity.ts, called where trades are created: a disposer's hazardous
 *                     intake passes 90 % of its licensed annual capacity           [capacity_high:<org>:<year>]
 *   weight_gap        manifests: |loaded − received| / loaded above WEIGHT_TOLERANCE_BP
 *   load_rejected     manifests: the receiver rejects a load
 *   receipt_overdue   manifests (deadline sweep): no receipt decision by receiptDueAt
 *   disposal_overdue  manifests (deadline sweep): no disposal report by disposalDueAt
 *   transit_stuck     manifests (deadline sweep): loaded but not arrived after TRANSIT_STUCK_HOURS
 *   delivery_dead     credit feeds: a webhook delivery landed in the dead-letter table
 *   origin_misattributed  migration 0009 (SQL, once): demand-side trades that recorded the receiver's
 *                     district as origin                                   [origin_misattributed:migration:0009_demand_origin]
 */
import { recordAudit } from '../../db/audit.js';
import { and, desc, eq, inArray, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import { alerts, orgs, users } from '../../db/schema.js';
import type { Db, DbOrTx } from '../../db/client.js';
import { inTransaction } from '../../db/tx.js';
import { publishEvent, regulatorRooms } from '../../realtime/publish.js';
import type { Clock, Ids } from '../../clock.js';
import { AppError, ErrorCodes } from '../../../../shared/src/errors.js';
import { cursorInstant, decodeCursor, encodeCursor, type TPage } from '../../../../shared/src/schemas/common.js';
import { ALERT_KIND_VALUES, type TAlert, type TAlertsQuery } from '../../../../shared/src/schemas/regulator.js';
import type { UserActor } from '../../http/actor.js';
import { overseenDistricts } from '../orgs/index.js';

/** Alert kinds of DESIGN §7 (regulator), plus transit_stuck (manifests). */
export const ALERT_KINDS = ALERT_KIND_VALUES;
export type AlertKind = (typeof ALERT_KINDS)[number];

export interface RaiseAlert {
  kind: AlertKind;
  /** The district whose regulators see it (null: city regulators only). */
  district: string | null;
  subjectType: string;
  subjectId: string;
  /** Same key → one alert; defaults to kind:subjectType:subjectId. */
  dedupeKey?: string;
  message: string;
  details?: Record<string, unknown>;
}

/**
 * Raises a regulator alert in the caller's transaction, once per dedupe key, and announces it live
 * as `alert.raised` in the regulator rooms of its district. Returns the alert id, or null when an
 * alert with the same key exists (open or resolved: a resolved cause does not alert again).
 */
export async function raiseAlert(tx: DbOrTx, ids: Ids, a: RaiseAlert): Promise<string | null> {
  const id = ids.uuid();
  const dedupeKey = a.dedupeKey ?? `${a.kind}:${a.subjectType}:${a.subjectId}`;
  const inserted = await tx
    .insert(alerts)
    .values({
      id,
      kind: a.kind,
      district: a.district,
      subjectType: a.subjectType,
      subjectId: a.subjectId,
      dedupeKey,
      message: a.message,
      details: a.details ?? {},
    })
    .onConflictDoNothing({ target: alerts.dedupeKey })
    .returning({ id: alerts.id, createdAt: alerts.createdAt });
  if (inserted.length === 0) return null;
  const createdAt = inserted[0]!.createdAt;
  // alertId, kind and district are what clients rely on (shared/src/realtime.ts); `alert` lets a
  // dashboard show the row without a refetch.
  await publishEvent(
    tx,
    regulatorRooms(a.district),
    'alert.raised',
    {
      alertId: id,
      kind: a.kind,
      district: a.district,
      alert: {
        id,
        kind: a.kind,
        district: a.district,
        subjectType: a.subjectType,
        subjectId: a.subjectId,
        message: a.message,
        details: a.details ?? {},
        status: 'open',
        createdAt: createdAt.toISOString(),
        resolvedAt: null,
        resolutionNote: null,
        resolvedBy: null,
      },
    },
    createdAt,
  );
  return id;
}

// ── Reading and resolving (regulators) ──────────────────────────────────────────────────────────

type AlertRow = typeof alerts.$inferSelect;
interface Resolver {
  userId: string;
  name: string;
  orgId: string | null;
  orgName: string | null;
}

function toAlert(row: AlertRow, resolver: Resolver | null): TAlert {
  return {
    id: row.id,
    kind: row.kind,
    district: row.district,
    subjectType: row.subjectType,
    subjectId: row.subjectId,
    message: row.message,
    details: row.details,
    status: row.status,
    createdAt: row.createdAt.toISOString(),
    resolvedAt: row.resolvedAt?.toISOString() ?? null,
    resolutionNote: row.resolutionNote,
    resolvedBy: resolver,
  };
}

/** Which alerts the actor sees: a city regulator all of them (also those without a district); a district regulator its districts'. */
function visibleTo(actor: UserActor): SQL | null {
  const districts = overseenDistricts(actor);
  if (districts === null) return sql`true`;
  if (districts.length === 0) return null;
  return inArray(alerts.district, districts);
}

function canSee(actor: UserActor, row: Pick<AlertRow, 'district'>): boolean {
  const districts = overseenDistricts(actor);
  if (districts === null) return true;
  return row.district !== null && districts.includes(row.district);
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function cursorOf(cursor: string | undefined): { at: Date; id: string } | null {
  if (!cursor) return null;
  const v = decodeCursor(cursor);
  const instant = cursorInstant(v?.[0]);
  const at = instant === null ? null : new Date(instant);
  const id = v?.[1];
  if (!at || typeof id !== 'string' || !UUID_RE.test(id))
    throw new AppError(ErrorCodes.VALIDATION_FAILED, 'invalid cursor', {
      fields: [{ path: 'cursor', message: 'invalid cursor' }],
    });
  return { at, id };
}

async function resolversOf(dbx: DbOrTx, userIds: string[]): Promise<Map<string, Resolver>> {
  if (userIds.length === 0) return new Map();
  const found = await dbx
    .select({ userId: users.id, name: users.name, orgId: users.orgId, orgName: orgs.name })
    .from(users)
    .leftJoin(orgs, eq(orgs.id, users.orgId))
    .where(inArray(users.id, [...new Set(userIds)]));
  return new Map(found.map((r) => [r.userId, r]));
}

export type AlertsService = ReturnType<typeof createAlertsService>;

export function createAlertsService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;
  return {
    /** GET /regulator/alerts: newest first, filtered in the query to the actor's scope. */
    async listAlerts(actor: UserActor, q: TAlertsQuery): Promise<TPage<TAlert>> {
      const visible = visibleTo(actor);
      if (!visible) return { items: [], nextCursor: null };
      const conds: SQL[] = [visible];
      if (q.status) conds.push(eq(alerts.status, q.status));
      if (q.kind) conds.push(eq(alerts.kind, q.kind));
      if (q.district) conds.push(eq(alerts.district, q.district));
      const after = cursorOf(q.cursor);
      if (after) conds.push(or(lt(alerts.createdAt, after.at), and(eq(alerts.createdAt, after.at), lt(alerts.id, after.id)))!);
      const found = await db
        .select()
        .from(alerts)
        .where(and(...conds))
        .orderBy(desc(alerts.createdAt), desc(alerts.id))
        .limit(q.limit + 1);
      const page = found.slice(0, q.limit);
      const resolvers = await resolversOf(
        db,
        page.flatMap((r) => (r.resolvedBy ? [r.resolvedBy] : [])),
      );
      const last = page.at(-1);
      return {
        items: page.map((r) => toAlert(r, r.resolvedBy ? (resolvers.get(r.resolvedBy) ?? null) : null)),
        nextCursor: found.length > q.limit && last ? encodeCursor([last.createdAt.toISOString(), last.id]) : null,
      };
    },

    /**
     * POST /regulator/alerts/:id/resolve: closes an open alert in the actor's scope with the note
     * saying why; records who, when and why on the alert and in the audit log, in one transaction.
     */
    async resolveAlert(actor: UserActor, id: string, note: string): Promise<TAlert> {
      return inTransaction(db, async (tx) => {
        const [row] = await tx.select().from(alerts).where(eq(alerts.id, id)).for('update');
        // Outside the scope the alert does not exist for the caller.
        if (!row || !canSee(actor, row)) throw new AppError(ErrorCodes.NOT_FOUND, 'no such alert');
        if (row.status !== 'open')
          throw new AppError(ErrorCodes.INVALID_STATE, `the alert was already resolved at ${row.resolvedAt?.toISOString()}`, {
            status: row.status,
            allowed: [],
          });
        const at = clock.now();
        const [updated] = await tx
          .update(alerts)
          .set({ status: 'resolved', resolvedBy: actor.userId, resolvedAt: at, resolutionNote: note })
          .where(and(eq(alerts.id, id), eq(alerts.status, 'open'), isNull(alerts.resolvedAt)))
          .returning();
        await recordAudit(tx, actor, {
          action: 'alert.resolve',
          subjectType: 'alert',
          subjectId: id,
          details: { kind: row.kind, district: row.district, subjectType: row.subjectType, subjectId: row.subjectId, note },
        });
        const resolvers = await resolversOf(tx, [actor.userId]);
        return toAlert(updated!, resolvers.get(actor.userId) ?? null);
      });
    },
  };
}
