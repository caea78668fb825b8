/**
 * Transfer manifests (转移联单, DESIGN §5.6, §6.8, §7): one per vehicle trip, opened by the shipper
 * (the trade's generator) on a funded trade and completed step by step — the shipper issues, the
 * assigned carrier loads, departs and arrives, the receiver weighs, decides and reports disposal.
 *
 * Every step is an event appended to the manifest's hash chain (chain.ts); the manifest row is the
 * projection of those events (model.ts), written in the same transaction. The trade follows the
 * status table of DESIGN §7 through the settlement module's markInTransit / markDelivered /
 * markDisputed, so settlement is enqueued in the transaction that makes the trade delivered.
 *
 * Locks, always in this order (RELIABILITY R3): the trade row, then the manifest row. Every change to
 * a trade's trips holds the trade lock, so two trips received at once cannot both miss the moment
 * the trade becomes delivered, and two `receive` calls on one trip record one receipt.
 */
import { createManifestKit, type ManifestsDeps } from './kit.js';
import { createOpenManifest } from './open-manifest.js';
import { createCloseShipments } from './close-shipments.js';
import { createRecordManifestEvent } from './record-event.js';
import { createManifestReads } from './read-manifests.js';
import { createManifestSweep } from './sweep.js';
import { createResolveTrip } from './resolve-trip.js';
import { createOfficialNumber } from './official-number.js';
import { createAmendManifest } from './amend-manifest.js';
import { createManifestExport } from './export.js';

export { canSeeManifest, overdueOf, partsOf, type ManifestRow, type ManifestsDeps } from './kit.js';

export type ManifestsService = ReturnType<typeof createManifestsService>;

/** One file per use case; they share the kit (kit.ts). */
export function createManifestsService(deps: ManifestsDeps) {
  const kit = createManifestKit(deps);
  return {
    ...createOpenManifest(deps, kit),
    ...createCloseShipments(deps, kit),
    ...createRecordManifestEvent(deps, kit),
    ...createManifestReads(deps, kit),
    ...createManifestSweep(deps, kit),
    ...createResolveTrip(deps, kit),
    ...createOfficialNumber(deps, kit),
    ...createAmendManifest(deps, kit),
    ...createManifestExport(deps, kit),
  };
}
