/**
 * The manifest deadline sweep (DESIGN §5.6; DOMAIN: confirmation within 5 working days of receipt,
 * alerts on manifests not closed in time). A periodic job, `manifests.sweep`, finds trips whose step
 * is open past its deadline and, once per trip and deadline:
 *
 *   transit   loaded or in transit longer than TRANSIT_STUCK_HOURS → alert transit_stuck
 *   receipt   arrived, not received by receiptDueAt              → alert receipt_overdue + credit input for the receiver
 *   disposal  received, disposal not reported by disposalDueAt   → alert disposal_overdue + credit input for the receiver
 *
 * "Once" is kept three ways: the manifest's *_alerted_at column (set under the row lock), the alert's
 * dedupe key and the credit input's unique key, so a pass repeated by a redelivered job, or two
 * processes sweeping at once, raise nothing twice.
 *
 * The job reschedules itself: each pass, in the transaction that marks its outbox row done, writes
 * the next pass MANIFEST_SWEEP_SECONDS ahead (an advisory lock keeps it to one pending pass).
 */
import type { Logger } from 'pino';
import type { Clock, Ids } from '../../clock.js';
import type { Db, DbOrTx } from '../../db/client.js';
import { inTransaction } from '../../db/tx.js';
import { raiseAlert } from '../alerts/index.js';
import * as repo from './repo.js';

export interface SweepResult {
  transit: number;
  receipt: number;
  disposal: number;
}

export interface SweepDeps {
  db: Db;
  ids: Ids;
  clock: Clock;
  logger: Logger;
  transitStuckMs: number;
  announce(tx: DbOrTx, row: repo.ManifestRow, event: string): Promise<void>;
  creditInput(
    tx: DbOrTx,
    e: {
      orgId: string;
      kind: string;
      manifest: Pick<repo.ManifestRow, 'id' | 'number' | 'tradeId'>;
      occurredAt: Date;
      details?: Record<string, unknown>;
    },
  ): Promise<void>;
}

const BATCH = 100;

export async function sweepDeadlines(d: SweepDeps, now: Date): Promise<SweepResult> {
  const result: SweepResult = { transit: 0, receipt: 0, disposal: 0 };
  const seen = new Set<string>();
  for (;;) {
    const due = (await repo.dueForAlerts(d.db, now, d.transitStuckMs, BATCH)).filter((m) => !seen.has(m.id));
    if (due.length === 0) break;
    for (const candidate of due) {
      seen.add(candidate.id);
      await inTransaction(d.db, async (tx) => {
        const m = await repo.findManifest(tx, candidate.id, true);
        if (!m) return;
        const hours = Math.round(d.transitStuckMs / 3_600_000);
        if (
          (m.status === 'loaded' || m.status === 'in_transit') &&
          m.loadedAt &&
          m.loadedAt.getTime() + d.transitStuckMs < now.getTime()
        ) {
          if (await repo.markAlerted(tx, m.id, 'transit', now)) {
            await raiseAlert(tx, d.ids, {
              kind: 'transit_stuck',
              district: m.originDistrict,
              subjectType: 'manifest',
              subjectId: m.id,
              message: `manifest ${m.number}: loaded ${m.loadedAt.toISOString()} and not arrived after ${hours} h (vehicle ${m.vehiclePlate})`,
              details: {
                manifestId: m.id,
                number: m.number,
                tradeId: m.tradeId,
                loadedAt: m.loadedAt.toISOString(),
                carrierOrgId: m.carrierOrgId,
                vehiclePlate: m.vehiclePlate,
                hours,
              },
            });
            await d.announce(tx, m, 'overdue');
            result.transit++;
          }
        } else if (m.status === 'arrived' && m.receiptDueAt && m.receiptDueAt < now) {
          if (await repo.markAlerted(tx, m.id, 'receipt', now)) {
            await raiseAlert(tx, d.ids, {
              kind: 'receipt_overdue',
              district: m.destinationDistrict,
              subjectType: 'manifest',
              subjectId: m.id,
              message: `manifest ${m.number}: arrived ${m.arrivedAt?.toISOString()}, receipt not confirmed by ${m.receiptDueAt.toISOString()}`,
              details: {
                manifestId: m.id,
                number: m.number,
                tradeId: m.tradeId,
                receiverOrgId: m.receiverOrgId,
                receiptDueAt: m.receiptDueAt.toISOString(),
              },
            });
            await d.creditInput(tx, {
              orgId: m.receiverOrgId,
              kind: 'receipt_overdue',
              manifest: m,
              occurredAt: m.receiptDueAt,
              details: { receiptDueAt: m.receiptDueAt.toISOString() },
            });
            await d.announce(tx, m, 'overdue');
            result.receipt++;
          }
        } else if (m.status === 'received' && m.disposalDueAt && m.disposalDueAt < now) {
          if (await repo.markAlerted(tx, m.id, 'disposal', now)) {
            await raiseAlert(tx, d.ids, {
              kind: 'disposal_overdue',
              district: m.destinationDistrict,
              subjectType: 'manifest',
              subjectId: m.id,
              message: `manifest ${m.number}: received ${m.receivedAt?.toISOString()}, disposal not reported by ${m.disposalDueAt.toISOString()}`,
              details: {
                manifestId: m.id,
                number: m.number,
                tradeId: m.tradeId,
                receiverOrgId: m.receiverOrgId,
                disposalDueAt: m.disposalDueAt.toISOString(),
              },
            });
            await d.creditInput(tx, {
              orgId: m.receiverOrgId,
              kind: 'disposal_overdue',
              manifest: m,
              occurredAt: m.disposalDueAt,
              details: { disposalDueAt: m.disposalDueAt.toISOString() },
            });
            await d.announce(tx, m, 'overdue');
            result.disposal++;
          }
        }
      });
    }
    if (due.length < BATCH) break;
  }
  if (result.transit + result.receipt + result.disposal > 0) d.logger.info({ ...result }, 'manifest deadlines: alerts raised');
  return result;
}
