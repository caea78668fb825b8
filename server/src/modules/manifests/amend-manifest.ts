/**
 * Use cases that amend a trip outside its lifecycle steps (issue 14 item 3), both by the shipper and
 * both as events in the trip's hash chain, so the record of what changed is the chain itself:
 * - `cancel`: a draft the shipper withdraws before issuing it (status cancelled). Its declared kg no
 *   longer counts towards the trade (repo.manifestsOfTrade leaves cancelled trips out).
 * - `supplement`: national-form fields given after opening (addresses, contacts, the driver's
 *   certificate …), while the trip is not finished. Trips opened before these fields existed are
 *   completed this way; their earlier events are untouched and keep verifying.
 */
import { inTransaction } from '../../db/tx.js';
import { recordAudit } from '../../db/audit.js';
import { AppError, ErrorCodes } from '../../../../shared/src/errors.js';
import type { TCancelManifestRequest, TManifest, TManifestFormInput } from '../../../../shared/src/schemas/manifests.js';
import type { UserActor } from '../../http/actor.js';
import { getTradeForUpdate } from '../trades/index.js';
import { project, SUPPLEMENTABLE_STATUSES } from './model.js';
import * as repo from './repo.js';
import { invalidState, partsOf, record, fieldError, type ManifestKit, type ManifestRow, type ManifestsDeps } from './kit.js';
import type { Tx } from '../../db/client.js';

export function createAmendManifest(deps: ManifestsDeps, kit: ManifestKit) {
  const { db, clock } = deps;
  const { append, announce, toManifest, visibleRow, deliverIfComplete } = kit;

  /** Locks the trade, then the trip (RELIABILITY R3), and checks the caller is the trip's shipper. */
  async function lockAsShipper(tx: Tx, actor: UserActor, before: ManifestRow): Promise<ManifestRow> {
    await getTradeForUpdate(tx, before.tradeId);
    const m = (await repo.findManifest(tx, before.id, true))!;
    if (!partsOf(actor.orgId, m).includes('shipper'))
      throw new AppError(ErrorCodes.NOT_A_PARTY, 'only the shipper (移出人) of this manifest can do this', {
        requiredPart: 'shipper',
      });
    return m;
  }

  async function appendTo(
    tx: Tx,
    actor: UserActor,
    m: ManifestRow,
    type: 'cancel' | 'supplement',
    data: Record<string, unknown>,
  ) {
    const state = project((await repo.eventsOf(tx, m.id)).map(record));
    await append(tx, { id: m.id, state, lastHash: m.lastHash, eventCount: m.eventCount }, { type, at: clock.now(), actor, data });
    return (await repo.findManifest(tx, m.id))!;
  }

  return {
    /** POST /manifests/:id/cancel: the shipper withdraws a draft; a `cancel` event ends its chain. */
    async cancelManifest(actor: UserActor, id: string, input: TCancelManifestRequest): Promise<TManifest> {
      const before = await visibleRow(actor, id);
      return inTransaction(db, async (tx) => {
        const m = await lockAsShipper(tx, actor, before);
        if (m.status !== 'draft')
          throw invalidState(
            m.status,
            `the manifest is ${m.status}; only a draft can be cancelled (an issued trip is rejected by the receiver instead)`,
            ['draft'],
          );
        const after = await appendTo(tx, actor, m, 'cancel', { reason: input.reason });
        await recordAudit(tx, actor, {
          action: 'manifest.cancelled',
          subjectType: 'manifest',
          subjectId: m.id,
          details: { number: m.number, reason: input.reason },
        });
        // The cancelled draft no longer counts: the trade's other trips may now complete it.
        const trade = await getTradeForUpdate(tx, m.tradeId);
        if (trade && (trade.status === 'funded' || trade.status === 'in_transit')) {
          const live = await repo.manifestsOfTrade(tx, trade.id);
          if (live.length > 0) await deliverIfComplete(tx, trade);
        }
        await announce(tx, after, 'cancel');
        return toManifest(tx, after, actor);
      });
    },

    /** POST /manifests/:id/form: the shipper adds national-form fields; a `supplement` event holds them. */
    async supplementManifestForm(actor: UserActor, id: string, input: TManifestFormInput): Promise<TManifest> {
      const before = await visibleRow(actor, id);
      if (Object.keys(input).length === 0) throw fieldError('form', 'give at least one field of the form');
      return inTransaction(db, async (tx) => {
        const m = await lockAsShipper(tx, actor, before);
        if (!SUPPLEMENTABLE_STATUSES.has(m.status))
          throw invalidState(m.status, `the manifest is ${m.status}; the form is completed while the trip is under way`, [
            ...SUPPLEMENTABLE_STATUSES,
          ]);
        const after = await appendTo(tx, actor, m, 'supplement', { form: input });
        await announce(tx, after, 'supplement');
        return toManifest(tx, after, actor);
      });
    },
  };
}
