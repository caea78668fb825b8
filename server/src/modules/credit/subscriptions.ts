/** Use cases of a credit agency's webhook subscriptions and their deliveries. */
import { recordAudit } from '../../db/audit.js';
import { advisoryXactLock, inTransaction } from '../../db/tx.js';
import { AppError, ErrorCodes } from '../../../../shared/src/errors.js';
import { cursorInstant, cursorUuid, encodeCursor, type TPage } from '../../../../shared/src/schemas/common.js';
import type {
  TCreateSubscriptionRequest,
  TDeliveriesQuery,
  TDelivery,
  TSubscription,
  TSubscriptionList,
} from '../../../../shared/src/schemas/credit.js';
import type { UserActor } from '../../http/actor.js';
import { UnsafeUrlError, validateWebhookUrl } from './ssrf.js';
import * as repo from './repo.js';
import { type CreditDeps, MAX_SUBSCRIPTIONS_PER_ORG, invalid, cursorValue, toDelivery, type CreditKit } from './kit.js';

export function createSubscriptions(deps: CreditDeps, kit: CreditKit) {
  const { db, ids, clock } = deps;
  const { urlPolicy, ownSubscription } = kit;
  const service = {
    // ── Subscriptions ──────────────────────────────────────────────────────────────────────

    /** POST /credit/subscriptions (credit agencies): the URL is checked before anything is stored. */
    async createSubscription(actor: UserActor, body: TCreateSubscriptionRequest): Promise<TSubscription> {
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
          throw new AppError(
            ErrorCodes.CONFLICT,
            `at most ${MAX_SUBSCRIPTIONS_PER_ORG} active subscriptions per organisation; delete one first`,
          );
        const s = await repo.insertSubscription(tx, {
          id: ids.uuid(),
          orgId: actor.orgId!,
          url: body.url,
          secret: body.secret,
          createdBy: actor.userId,
        });
        await recordAudit(tx, actor, {
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
      const counts = await repo.deliveryCounts(
        db,
        rows.map((r) => r.id),
      );
      return rows.map((s) => {
        const c = counts.get(s.id) ?? [];
        const n = (status: string) => c.find((x) => x.status === status)?.n ?? 0;
        const last = c
          .map((x) => x.last)
          .filter((d): d is Date => !!d)
          .sort((a, b) => b.getTime() - a.getTime())[0];
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
    async listSubscriptions(actor: UserActor): Promise<TSubscriptionList> {
      if (!actor.orgId) return { items: [] };
      return { items: await service.subscriptionViews(await repo.subscriptionsOf(db, actor.orgId)) };
    },

    /** DELETE /credit/subscriptions/:id: stops it; deliveries not yet made are cancelled. Repeating it is harmless. */
    async deleteSubscription(actor: UserActor, id: string): Promise<TSubscription> {
      const row = await inTransaction(db, async (tx) => {
        const s = await ownSubscription(actor, id, tx, true);
        if (s.deletedAt) return s;
        const deleted = await repo.markSubscriptionDeleted(tx, id, clock.now());
        await recordAudit(tx, actor, {
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
    async listDeliveries(actor: UserActor, q: TDeliveriesQuery): Promise<TPage<TDelivery>> {
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
  };

  return service;
}
