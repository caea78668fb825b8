import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { JobPayloads } from '../jobs/definitions.js';
import type { DirectPublisher } from '../jobs/relay.js';
import type { QueuedJob } from '../jobs/runner.js';
import type { Broadcaster } from './broadcaster.js';
import { within } from './emitter.js';

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
 */
export function createLivePublisher(o: { broadcaster: () => Broadcaster | null; clock: Clock; logger: Logger }): DirectPublisher {
  return {
    topic: 'realtime.publish',
    ready: () => o.broadcaster() !== null,
    async publish(jobs: QueuedJob[]) {
      const b = o.broadcaster();
      if (!b) return [];
      const sent = jobs.map((j) => {
        const p = j.payload as JobPayloads['realtime.publish'];
        try {
          return Promise.resolve(b.emit(p.room, p.type, liveFrame(p))).then(
            (receivers) => handedOn(receivers ?? undefined, p.at, o.clock.now()),
            () => false,
          );
        } catch {
          return Promise.resolve(false);
        }
      });
      const results = await within(Promise.all(sent), PUBLISH_TIMEOUT_MS);
      if (results === false) {
        o.logger.warn({ events: jobs.length }, 'live events not acknowledged by Redis in time; they are sent again');
        return [];
      }
      return jobs.filter((_, i) => results[i]).map((j) => j.outboxId);
    },
  };
}
