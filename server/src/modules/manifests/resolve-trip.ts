/**
 * Use cases beside the lifecycle (issue 13 items 3 and 10): the admin's resolution of a disputed trip,
 * and a document's hash appended to a trip's chain.
 *
 * A disputed trade is resolved trip by trip: each disputed trip (a weight gap above tolerance, or a
 * rejected load) gets a `resolve` event on its own chain with the accepted kg, the note and the admin
 * as actor. When the last disputed trip is resolved and every trip is finished, the trade settles on
 * the sum of the trips' accepted kg (settleDispute: delivered, settlement enqueued once, in this
 * transaction), so the trade and its manifests never disagree.
 */
import type { Tx } from '../../db/client.js';
import { inTransaction } from '../../db/tx.js';
import { AppError, ErrorCodes } from '../../../../shared/src/errors.js';
import type { TManifest } from '../../../../shared/src/schemas/manifests.js';
import type { TResolveTradeRequest } from '../../../../shared/src/schemas/payments.js';
import type { UserActor } from '../../http/actor.js';
import { getTradeForUpdate, transitionTrade } from '../trades/index.js';
import { settleDispute } from '../settlement/index.js';
import { FINISHED_STATUSES, project } from './model.js';
import * as repo from './repo.js';
import { disputeOf, fieldError, invalidState, record, type ManifestKit, type ManifestsDeps } from './kit.js';

export function createResolveTrip(deps: ManifestsDeps, kit: ManifestKit) {
  const { db, clock } = deps;
  const { append, announce, toManifest, visibleRow } = kit;

  /** Whether every disputed trip of the trade has its resolve event. */
  async function allResolved(
    tx: Tx,
    tradeId: string,
  ): Promise<{ done: boolean; finished: boolean; acceptedKg: number; notes: string[] }> {
    const trips = await repo.manifestsOfTrade(tx, tradeId);
    let done = true;
    const notes: string[] = [];
    for (const m of trips) {
      const events = await repo.eventsOf(tx, m.id);
      const resolve = events.find((e) => e.type === 'resolve');
      if (disputeOf(events) && !resolve) done = false;
      if (resolve) notes.push(`${m.number}: ${String(resolve.data.note)}`);
    }
    return {
      done,
      finished: trips.every((m) => FINISHED_STATUSES.has(m.status)),
      acceptedKg: trips.reduce((s, m) => s + (m.acceptedKg ?? 0), 0),
      notes,
    };
  }

  return {
    /** POST /manifests/:id/resolve (admin): the accepted kg of one disputed trip, on its chain. */
    async resolveTrip(actor: UserActor, manifestId: string, body: TResolveTradeRequest): Promise<TManifest> {
      if (!actor.roles.includes('admin')) throw new AppError(ErrorCodes.FORBIDDEN_ROLE, 'admins only');
      const before = await visibleRow(actor, manifestId);
      return inTransaction(db, async (tx) => {
        const trade = (await getTradeForUpdate(tx, before.tradeId))!;
        if (trade.status !== 'disputed')
          throw invalidState(trade.status, `the trade is ${trade.status}; only a disputed trade's trips are resolved`, [
            'disputed',
          ]);
        const m = (await repo.findManifest(tx, manifestId, true))!;
        const events = await repo.eventsOf(tx, m.id);
        if (!disputeOf(events))
          throw invalidState(m.status, 'this trip is not disputed (no weight gap above tolerance, no rejection)', []);
        if (events.some((e) => e.type === 'resolve')) throw invalidState(m.status, 'this trip is already resolved', []);
        if (body.acceptedKg > m.declaredKg) throw fieldError('acceptedKg', `at most the declared ${m.declaredKg} kg`);
        const data = { acceptedKg: body.acceptedKg, previousAcceptedKg: m.acceptedKg, note: body.note, decidedBy: 'admin' };
        await append(
          tx,
          { id: m.id, state: project(events.map(record)), lastHash: m.lastHash, eventCount: m.eventCount },
          { type: 'resolve', at: clock.now(), actor, data },
        );
        const after = (await repo.findManifest(tx, m.id))!;
        const sum = await allResolved(tx, trade.id);
        if (sum.done && sum.finished) {
          await settleDispute(tx, { clock }, actor, trade, sum.acceptedKg, sum.notes.join('\n').slice(0, 2000), { trips: true });
        } else if (sum.done) {
          // Resolved while other trips are still on the road: the trade travels on and delivers as usual.
          await transitionTrade(tx, { clock }, trade.id, ['disputed'], 'in_transit', {
            acceptedKg: Math.min(sum.acceptedKg, trade.quantityKg),
          });
        }
        await announce(tx, after, 'resolve', actor);
        return toManifest(tx, after, actor);
      });
    },

    /**
     * A document's hash on a trip's chain (a `document` event with the uploader as actor), in the
     * caller's transaction. The documents module calls it when the document belongs to a manifest.
     */
    async appendDocumentEvent(
      tx: Tx,
      actor: UserActor,
      manifestId: string,
      doc: { id: string; kind: string; sha256: string; contentType: string },
    ): Promise<void> {
      const m = await repo.findManifest(tx, manifestId, true);
      if (!m) throw new AppError(ErrorCodes.NOT_FOUND, 'no such manifest');
      const events = await repo.eventsOf(tx, m.id);
      await append(
        tx,
        { id: m.id, state: project(events.map(record)), lastHash: m.lastHash, eventCount: m.eventCount },
        {
          type: 'document',
          at: clock.now(),
          actor,
          data: { documents: [{ id: doc.id, kind: doc.kind, sha256: doc.sha256, contentType: doc.contentType }] },
        },
      );
      await announce(tx, m, 'document', actor);
    },
  };
}
