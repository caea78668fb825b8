import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { one } from '../db/tx.js';
import { enqueue } from '../jobs/outbox.js';
import type { RealtimeEventData, RealtimeEventName } from '../../../shared/src/realtime.js';

/**
 * Announces a live event to rooms. The per-room seq is allocated here, in the caller's transaction,
 * so it is gap-free per room and agrees across processes (DESIGN §8); delivery happens after commit
 * through the outbox.
 */
export async function publishEvent<E extends RealtimeEventName>(
  tx: DbOrTx,
  rooms: readonly string[],
  type: E,
  /** The fields clients rely on (shared/src/realtime.ts), plus any a publisher adds. */
  data: RealtimeEventData[E] & Record<string, unknown>,
  at: Date = new Date(),
): Promise<void> {
  // Sorted so two transactions touching the same rooms lock their seq rows in the same order.
  for (const room of [...new Set(rooms)].sort()) {
    const row = await one<{ seq: string | number }>(
      tx,
      sql`insert into room_seq(room, seq) values (${room}, 1)
          on conflict (room) do update set seq = room_seq.seq + 1
          returning seq`,
    );
    await enqueue(tx, 'realtime.publish', { room, seq: Number(row!.seq), type, at: at.toISOString(), data });
  }
}

/** The regulator rooms that see events about the given districts (DESIGN §8). */
export function regulatorRooms(...districts: (string | null | undefined)[]): string[] {
  return ['regulator:city', ...districts.filter((d): d is string => !!d).map((d) => `regulator:${d}`)];
}
