/** Use cases that read credit: an org's score, its history, the change feed. */
import { encodeCursor, type TPage } from '../../../../shared/src/schemas/common.js';
import type {
  TCreditFeedPage,
  TCreditFeedQuery,
  TCreditHistoryEntry,
  TCreditHistoryQuery,
  TCreditScore,
} from '../../../../shared/src/schemas/credit.js';
import type { UserActor } from '../../http/actor.js';
import { readCredit } from './read-model.js';
import { toFeedEvent } from './feed.js';
import * as repo from './repo.js';
import { type CreditDeps, invalid, cursorValue, toHistoryEntry, type CreditKit } from './kit.js';

export function createScoreReads(deps: CreditDeps, kit: CreditKit) {
  const { db } = deps;
  const { assertMayRead } = kit;
  const useCases = {
    // ── Reads ──────────────────────────────────────────────────────────────────────────────

    /** GET /credit/orgs/:id */
    async getScore(actor: UserActor, orgId: string): Promise<TCreditScore> {
      await assertMayRead(actor, orgId);
      const r = await readCredit(db, orgId);
      return {
        orgId,
        score: r.score,
        level: r.level,
        levelReason: r.levelReason,
        factors: r.factors,
        scoringModel: r.scoringModel,
        neutralScore: r.neutralScore,
        computedAt: r.computedAt,
      };
    },

    /** GET /credit/orgs/:id/history: stored evaluations, newest first. */
    async getHistory(actor: UserActor, orgId: string, q: TCreditHistoryQuery): Promise<TPage<TCreditHistoryEntry>> {
      await assertMayRead(actor, orgId);
      const before = cursorValue(q.cursor, (v) => Number.isSafeInteger(v[0]));
      const rows = await repo.scoreHistory(db, orgId, {
        ...(before ? { beforeSeq: before[0] as number } : {}),
        limit: q.limit + 1,
      });
      const page = rows.slice(0, q.limit);
      return { items: page.map(toHistoryEntry), nextCursor: rows.length > q.limit ? encodeCursor([page.at(-1)!.seq]) : null };
    },

    /** GET /credit/feed?after=&limit=: changes in feed order. */
    async getFeed(q: TCreditFeedQuery): Promise<TCreditFeedPage> {
      const after = q.after ? Number(q.after) : 0;
      if (!Number.isSafeInteger(after)) throw invalid('after', 'the after value of a previous page');
      const rows = await repo.feedAfter(db, after, q.limit + 1);
      const page = rows.slice(0, q.limit);
      return { items: page.map(toFeedEvent), after: String(page.at(-1)?.id ?? after), hasMore: rows.length > q.limit };
    },
  };

  return useCases;
}
