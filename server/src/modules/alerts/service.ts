import { alerts } from '../../db/schema.js';
import type { DbOrTx } from '../../db/client.js';
import { publishEvent, regulatorRooms } from '../../realtime/publish.js';
import type { Ids } from '../../clock.js';

/** Alert kinds of DESIGN §7 (regulator). */
export const ALERT_KINDS = [
  'price_flagged',
  'price_rejected',
  'receipt_overdue',
  'disposal_overdue',
  'weight_gap',
  'capacity_high',
  'red_party',
  'load_rejected',
  'delivery_dead',
  /** A loaded trip still on the road TRANSIT_STUCK_HOURS after loading (manifests). */
  'transit_stuck',
] as const;
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
 * alert with the same key exists.
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
  await publishEvent(tx, regulatorRooms(a.district), 'alert.raised', {
    alert: { id, kind: a.kind, district: a.district, subjectType: a.subjectType, subjectId: a.subjectId, message: a.message, status: 'open' },
  });
  return id;
}
