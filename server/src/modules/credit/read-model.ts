/**
 * The credit read model every module consults (eligibility's CREDIT_BARRED, red_party alerts on
 * trades, the level on /me, listings and bids): the org's newest stored score under the scoring
 * model (server/src/modules/credit/model.ts, recomputed by the `credit.recompute` job).
 *
 * An org never scored reads as the model's neutral start. A serious sanction recorded after the
 * newest score (its recompute still queued) already reads as black: a bar takes effect in the
 * sanction's own transaction, not a job later.
 */
import type { DbOrTx } from '../../db/client.js';
import { CREDIT_LEVELS, type CreditLevel, type TCreditFactor } from '../../../../shared/src/schemas/credit.js';
import { computeCredit, SCORING_MODEL } from './model.js';
import { latestLevels, latestScore, unscoredSeriousSanctions } from './repo.js';

export { CREDIT_LEVELS, type CreditLevel };

export interface CreditReading {
  orgId: string;
  score: number;
  level: CreditLevel;
  levelReason: 'score' | 'serious_sanction';
  scoringModel: string;
  neutralScore: number;
  factors: TCreditFactor[];
  computedAt: string;
}

export async function readCredit(dbx: DbOrTx, orgId: string): Promise<CreditReading> {
  const latest = await latestScore(dbx, orgId);
  const barred = (await unscoredSeriousSanctions(dbx, [orgId])).has(orgId);
  if (!latest) {
    const neutral = computeCredit([], new Date());
    return {
      orgId,
      score: neutral.score,
      level: barred ? 'black' : neutral.level,
      levelReason: barred ? 'serious_sanction' : 'score',
      scoringModel: SCORING_MODEL,
      neutralScore: neutral.neutralScore,
      factors: neutral.factors,
      computedAt: new Date().toISOString(),
    };
  }
  return {
    orgId,
    score: latest.score,
    level: barred ? 'black' : latest.level,
    levelReason: barred ? 'serious_sanction' : latest.levelReason,
    scoringModel: latest.scoringModel,
    neutralScore: computeCredit([], latest.computedAt).neutralScore,
    factors: latest.factors as TCreditFactor[],
    computedAt: latest.computedAt.toISOString(),
  };
}

/** Levels of several orgs at once (listings, bids), with the same rules as readCredit. */
export async function readCreditLevels(dbx: DbOrTx, orgIds: readonly string[]): Promise<Map<string, CreditLevel>> {
  const unique = [...new Set(orgIds)];
  const levels = await latestLevels(dbx, unique);
  const barred = await unscoredSeriousSanctions(dbx, unique);
  const neutral = computeCredit([], new Date(0)).level;
  return new Map(unique.map((id) => [id, barred.has(id) ? 'black' : (levels.get(id) ?? neutral)]));
}
