import type { DbOrTx } from '../../db/client.js';

export const CREDIT_LEVELS = ['green', 'blue', 'yellow', 'red', 'black'] as const;
export type CreditLevel = (typeof CREDIT_LEVELS)[number];

export interface CreditReading {
  orgId: string;
  score: number;
  level: CreditLevel;
  scoringModel: string;
  factors: { factor: string; contribution: number }[];
  computedAt: string;
}

/**
 * The credit read model other modules consult (eligibility, /me). Until the scoring model lands
 * every org reads as blue under the "neutral" model (DESIGN §6.7); the credit issue replaces the
 * body of this function, not its callers.
 */
export async function readCredit(_db: DbOrTx, orgId: string): Promise<CreditReading> {
  return { orgId, score: 80, level: 'blue', scoringModel: 'neutral', factors: [], computedAt: new Date(0).toISOString() };
}
