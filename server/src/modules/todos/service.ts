/**
 * The caller's to-do list (issue 13 item 6): read-only queries over trades, manifests, licences and
 * alerts, in the caller's scope. Nothing is stored; every item is computed from the state the other
 * modules own, so the list is never out of step with them.
 *
 *   pay              trades awaiting payment where the caller's org is the payer
 *   open_trip        funded trades without any trip where the caller's org is the shipper (generator)
 *   issue…report     manifests whose next step is done by the caller's org's part (MANIFEST_STEPS),
 *                    with the receipt or disposal deadline where the step has one
 *   approve_licence  pending licences of organisations in a regulator's scope (never its own org)
 *   handle_alert     open alerts in a regulator's scope
 */
import { and, asc, eq, inArray, ne, notExists, or, sql, type SQL } from 'drizzle-orm';
import { alerts, licences, manifests, orgs, trades } from '../../db/schema.js';
import type { Db } from '../../db/client.js';
import type { Clock } from '../../clock.js';
import type { UserActor } from '../../http/actor.js';
import { overseenDistricts } from '../orgs/index.js';
import { MANIFEST_STEPS, type TManifestStatus } from '../../../../shared/src/schemas/manifests.js';
import type { TTodo, TTodoKind, TTodos } from '../../../../shared/src/schemas/todos.js';

/** Items per kind of subject: a to-do list is read by a person; older items follow once these are done. */
const PER_KIND = 100;

export interface TodosService {
  list(actor: UserActor): Promise<TTodos>;
}

export function createTodosService({ db, clock }: { db: Db; clock: Clock }): TodosService {
  return {
    async list(actor) {
      const now = clock.now();
      const items: TTodo[] = [];
      const push = (t: Omit<TTodo, 'overdue' | 'deadline' | 'createdAt'> & { deadline: Date | null; createdAt: Date }) =>
        items.push({
          ...t,
          deadline: t.deadline?.toISOString() ?? null,
          overdue: !!t.deadline && t.deadline.getTime() < now.getTime(),
          createdAt: t.createdAt.toISOString(),
        });

      const orgId = actor.orgId;
      if (orgId) {
        const toPay = await db
          .select({ id: trades.id, materialCode: trades.materialCode, createdAt: trades.createdAt })
          .from(trades)
          .where(and(eq(trades.status, 'awaiting_payment'), eq(trades.payerOrgId, orgId)))
          .orderBy(asc(trades.createdAt))
          .limit(PER_KIND);
        for (const t of toPay)
          push({
            kind: 'pay',
            subjectType: 'trade',
            subjectId: t.id,
            reference: t.materialCode,
            deadline: null,
            href: `/trades/${t.id}`,
            createdAt: t.createdAt,
          });

        const toOpen = await db
          .select({ id: trades.id, materialCode: trades.materialCode, createdAt: trades.createdAt })
          .from(trades)
          .where(
            and(
              eq(trades.status, 'funded'),
              eq(trades.generatorOrgId, orgId),
              notExists(db.select({ one: sql`1` }).from(manifests).where(eq(manifests.tradeId, trades.id))),
            ),
          )
          .orderBy(asc(trades.createdAt))
          .limit(PER_KIND);
        for (const t of toOpen)
          push({
            kind: 'open_trip',
            subjectType: 'trade',
            subjectId: t.id,
            reference: t.materialCode,
            deadline: null,
            href: `/trades/${t.id}`,
            createdAt: t.createdAt,
          });

        // A manifest's next step is the caller's when the step's part is played by the caller's org.
        const mine: SQL[] = [];
        for (const [status, steps] of Object.entries(MANIFEST_STEPS) as [
          TManifestStatus,
          (typeof MANIFEST_STEPS)[TManifestStatus],
        ][]) {
          const step = steps[0];
          if (!step) continue;
          const column =
            step.by === 'shipper'
              ? manifests.shipperOrgId
              : step.by === 'carrier'
                ? manifests.carrierOrgId
                : manifests.receiverOrgId;
          mine.push(and(eq(manifests.status, status), eq(column, orgId))!);
        }
        const trips = await db
          .select({
            id: manifests.id,
            number: manifests.number,
            status: manifests.status,
            receiptDueAt: manifests.receiptDueAt,
            disposalDueAt: manifests.disposalDueAt,
            createdAt: manifests.createdAt,
          })
          .from(manifests)
          .where(or(...mine))
          .orderBy(asc(manifests.createdAt))
          .limit(PER_KIND);
        for (const m of trips) {
          const step = MANIFEST_STEPS[m.status][0]!;
          const deadline = step.type === 'receive' ? m.receiptDueAt : step.type === 'report_disposal' ? m.disposalDueAt : null;
          push({
            kind: step.type as TTodoKind,
            subjectType: 'manifest',
            subjectId: m.id,
            reference: m.number,
            deadline,
            href: `/manifests/${m.id}`,
            createdAt: m.createdAt,
          });
        }
      }

      if (actor.roles.includes('regulator')) {
        const districts = overseenDistricts(actor);
        const licenceScope = districts === null ? undefined : districts.length ? inArray(orgs.district, districts) : sql`false`;
        const pending = await db
          .select({ id: licences.id, number: licences.number, createdAt: licences.createdAt })
          .from(licences)
          .innerJoin(orgs, eq(orgs.id, licences.orgId))
          .where(and(eq(licences.status, 'pending'), orgId ? ne(licences.orgId, orgId) : undefined, licenceScope))
          .orderBy(asc(licences.createdAt))
          .limit(PER_KIND);
        for (const l of pending)
          push({
            kind: 'approve_licence',
            subjectType: 'licence',
            subjectId: l.id,
            reference: l.number,
            deadline: null,
            href: '/regulator',
            createdAt: l.createdAt,
          });

        // City regulators also see alerts without a district (as GET /regulator/alerts).
        const alertScope = districts === null ? undefined : districts.length ? inArray(alerts.district, districts) : sql`false`;
        const open = await db
          .select({ id: alerts.id, kind: alerts.kind, createdAt: alerts.createdAt })
          .from(alerts)
          .where(and(eq(alerts.status, 'open'), alertScope))
          .orderBy(asc(alerts.createdAt))
          .limit(PER_KIND);
        for (const a of open)
          push({
            kind: 'handle_alert',
            subjectType: 'alert',
            subjectId: a.id,
            reference: a.kind,
            deadline: null,
            href: '/regulator',
            createdAt: a.createdAt,
          });
      }

      // Soonest deadline first, then the oldest item: what is most pressing leads.
      items.sort(
        (a, b) => (a.deadline ?? '\uffff').localeCompare(b.deadline ?? '\uffff') || a.createdAt.localeCompare(b.createdAt),
      );
      return { items };
    },
  };
}
