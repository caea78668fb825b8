import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { JobPayloads } from '../jobs/definitions.js';
import type { DirectPublisher } from '../jobs/relay.js';
import type { QueuedJob } from '../jobs/runner.js';
import type { Broadcaster } from './broadcaster.js';
import { within } from './emitter.js';
import { FrameRooms, REALTIME_BATCH, type RealtimeBatch, type RealtimeEvent } from '../../../shared/src/realtime.js';

/** How long a live event that reached no API process is sent again before it is given up. */
export const LIVE_EVENT_REDELIVERY_MS = 10 * 60_000;
/** A publish batch Redis has not acknowledged by then is retried (it may arrive twice; clients dedupe on seq). */
const PUBLISH_TIMEOUT_MS = 3_000;

/** The frame a client receives for a realtime.publish row (DESIGN §8). */
export function liveFrame(p: JobPayloads['realtime.publish']): Record<string, unknown> {
  return { room: p.room, seq: p.seq, at: p.at, type: p.type, ...p.data };
}

/**
 * Whether a publish that reached `receivers` API processes counts as handed on: none subscribed
 * (their Redis connections are coming back) is retried while the event is recent; after that a
 * client reconnecting refetches anyway. Undefined means a local emit, which always lands.
 */
export function handedOn(receivers: number | undefined, at: string, now: Date): boolean {
  return receivers !== 0 || now.getTime() - Date.parse(at) >= LIVE_EVENT_REDELIVERY_MS;
}

/**
 * The API process's relay publishes live events itself (ADR 0025): straight to its sockets without
 * Redis, through the Redis emitter with it, in outbox order, all of a batch issued at once (one
 * pipelined round trip). `broadcaster` is read at each batch: null until the live feed is attached.
 *
 * Coalescing per room (issue 15): a pass carries what committed since the previous one, so under
 * load a room has several events in it. Those go to sockets that asked for batches as one frame
 * (REALTIME_BATCH) and to the others one frame each; a room with one event in the pass is one frame
 * to everybody, so at low rates nothing waits and nothing changes on the wire. A room's events are
 * handed on together: if any of its emits failed, all of them are sent again (clients dedupe on seq).
 */
export function createLivePublisher(o: { broadcaster: () => Broadcaster | null; clock: Clock; logger: Logger }): DirectPublisher {
  return {
    topic: 'realtime.publish',
    ready: () => o.broadcaster() !== null,
    async publish(jobs: QueuedJob[]) {
      const b = o.broadcaster();
      if (!b) return [];
      const now = o.clock.now();
      const groups = roomGroups(jobs);
      const sent = groups.map((group) => {
        const frames = group.map((j) => j.payload as JobPayloads['realtime.publish']);
        const room = frames[0]!.room;
        const emits: (Promise<number | undefined> | void)[] = [];
        try {
          if (frames.length === 1) emits.push(b.emit(room, frames[0]!.type, liveFrame(frames[0]!)));
          else {
            const batch: RealtimeBatch = { room, events: frames.map(liveFrame) as RealtimeEvent[] };
            emits.push(b.emit(room, REALTIME_BATCH, batch as unknown as Record<string, unknown>, FrameRooms.single));
            for (const p of frames) emits.push(b.emit(room, p.type, liveFrame(p), FrameRooms.batch));
          }
        } catch {
          return Promise.resolve(false);
        }
        // The oldest event decides whether "nobody received it" still means "send it again".
        return Promise.all(emits.map((e) => Promise.resolve(e))).then(
          (receivers) => receivers.every((r) => handedOn(r ?? undefined, frames[0]!.at, now)),
          () => false,
        );
      });
      const results = await within(Promise.all(sent), PUBLISH_TIMEOUT_MS);
      if (results === false) {
        o.logger.warn({ events: jobs.length }, 'live events not acknowledged by Redis in time; they are sent again');
        return [];
      }
      return groups.filter((_, i) => results[i]).flatMap((group) => group.map((j) => j.outboxId));
    },
  };
}

/** The jobs of each room, rooms in order of their first event and each room's events in outbox (seq) order. */
function roomGroups(jobs: QueuedJob[]): QueuedJob[][] {
  const byRoom = new Map<string, QueuedJob[]>();
  for (const j of jobs) {
    const room = (j.payload as JobPayloads['realtime.publish']).room;
    const group = byRoom.get(room);
    if (group) group.push(j);
    else byRoom.set(room, [j]);
  }
  return [...byRoom.values()];
}
