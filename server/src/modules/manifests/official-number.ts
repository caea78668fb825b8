/**
 * Use case (issue 14 item 5): the government system sets a manifest's official national number. It is
 * an `official_number` event on the trip's hash chain (the projection takes the number from it), so
 * the record shows who set it and when; the machine client is named in the event's data and in the
 * audit row. Setting the number the manifest already has records nothing.
 */
import type { Tx } from '../../db/client.js';
import { AppError, ErrorCodes } from '../../../../shared/src/errors.js';
import type { ClientActor } from '../../http/actor.js';
import { recordAudit } from '../../db/audit.js';
import { project } from './model.js';
import * as repo from './repo.js';
import { record, type ManifestKit, type ManifestsDeps } from './kit.js';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function createOfficialNumber(deps: ManifestsDeps, kit: ManifestKit) {
  const { clock } = deps;
  const { append, announce } = kit;
  return {
    /** In the inbound change's transaction; returns the manifest's id, number and official number. */
    async setOfficialNumber(
      tx: Tx,
      client: ClientActor,
      manifestId: string,
      officialNumber: string,
      actingOrgId: string | null,
    ): Promise<{ manifestId: string; number: string; officialNumber: string; changed: boolean }> {
      const m = UUID_RE.test(manifestId) ? await repo.findManifest(tx, manifestId, true) : null;
      if (!m) throw new AppError(ErrorCodes.NOT_FOUND, 'no such manifest');
      if (m.officialNumber === officialNumber) return { manifestId: m.id, number: m.number, officialNumber, changed: false };
      const events = await repo.eventsOf(tx, m.id);
      await append(
        tx,
        { id: m.id, state: project(events.map(record)), lastHash: m.lastHash, eventCount: m.eventCount },
        {
          type: 'official_number',
          at: clock.now(),
          actor: { orgId: actingOrgId, userId: null },
          data: { officialNumber, previous: m.officialNumber ?? null, clientId: client.clientId },
        },
      );
      await recordAudit(tx, client, {
        action: 'manifest.official_number',
        subjectType: 'manifest',
        subjectId: m.id,
        details: { officialNumber, previous: m.officialNumber ?? null },
      });
      await announce(tx, (await repo.findManifest(tx, m.id))!, 'official_number');
      return { manifestId: m.id, number: m.number, officialNumber, changed: true };
    },
  };
}
