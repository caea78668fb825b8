/**
 * The credit feed's wire form: what GET /credit/feed lists and what a webhook delivery carries as its
 * body — the same object, so a consumer can mix polling and webhooks and dedupe on `eventId`.
 */
import type { TCreditFeedEvent } from '../../../../shared/src/schemas/credit.js';
import type { FeedWithOrg } from './repo.js';

export function toFeedEvent(f: FeedWithOrg): TCreditFeedEvent {
  return {
    eventId: f.eventId,
    type: 'credit.changed',
    position: String(f.id),
    orgId: f.orgId,
    orgName: f.orgName,
    uscc: f.uscc,
    seq: f.seq,
    score: f.score,
    level: f.level,
    previousScore: f.previousScore,
    previousLevel: f.previousLevel,
    levelReason: f.levelReason,
    scoringModel: f.scoringModel,
    trigger: f.trigger,
    computedAt: f.computedAt.toISOString(),
  };
}

/** The exact bytes a delivery sends (and signs). Built from the stored row, so every attempt sends the same body. */
export function deliveryBody(f: FeedWithOrg): string {
  return JSON.stringify(toFeedEvent(f));
}
