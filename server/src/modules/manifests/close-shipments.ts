/** Use case: the shipper says no more trips will come; the trade may become delivered now. */
import { recordAudit } from '../../db/audit.js';
import { inTransaction } from '../../db/tx.js';
import { type TShipmentsClosed, type TCloseShipmentsRequest } from '../../../../shared/src/schemas/manifests.js';
import type { UserActor } from '../../http/actor.js';
import { getTradeForUpdate, getTradeRow } from '../trades/index.js';
import * as repo from './repo.js';
import { type ManifestsDeps, OPENABLE, invalidState, assertShipper, type ManifestKit } from './kit.js';

export function createCloseShipments(deps: ManifestsDeps, kit: ManifestKit) {
  const { db, clock } = deps;
  const { deliverIfComplete } = kit;
  const useCases = {
    /** POST /trades/:id/close-shipments: the shipper says no more trips will come; the trade may become delivered now. */
    async closeShipments(actor: UserActor, tradeId: string, input: TCloseShipmentsRequest = {}): Promise<TShipmentsClosed> {
      assertShipper(actor, await getTradeRow(db, tradeId));
      return inTransaction(db, async (tx) => {
        const trade = await getTradeForUpdate(tx, tradeId);
        assertShipper(actor, trade);
        if (!OPENABLE.includes(trade.status) && trade.status !== 'disputed')
          throw invalidState(
            trade.status,
            `the trade is ${trade.status}; shipments are closed while it is funded, in transit or disputed`,
            [...OPENABLE, 'disputed'],
          );
        const trips = await repo.manifestsOfTrade(tx, trade.id);
        const declaredKg = trips.reduce((s, m) => s + m.declaredKg, 0);
        const closure = await repo.insertClosure(tx, {
          tradeId,
          closedBy: actor.userId,
          closedByOrg: actor.orgId!,
          closedAt: clock.now(),
          declaredKg,
        });
        if (!closure) throw invalidState(trade.status, 'shipments of this trade are already closed', []);
        await recordAudit(tx, actor, {
          action: 'trade.shipments_closed',
          subjectType: 'trade',
          subjectId: tradeId,
          details: { declaredKg, quantityKg: trade.quantityKg, trips: trips.length, note: input.note ?? null },
        });
        await deliverIfComplete(tx, trade);
        const after = (await getTradeRow(tx, tradeId))!;
        return { tradeId, closedAt: closure.closedAt.toISOString(), declaredKg, tradeStatus: after.status };
      });
    },
  };

  return useCases;
}
