import { CREDIT_EVENT_KINDS, LEVEL_THRESHOLDS } from '../../../../shared/src/credit-events.js';
import type { MessageKey } from '../../i18n';

/** The i18n key of a model factor (credit_events kind); unknown kinds fall back to the raw name. */
export function factorKey(factor: string): MessageKey | null {
  return (CREDIT_EVENT_KINDS as readonly string[]).includes(factor) ? (`creditPage.factor.${factor}` as MessageKey) : null;
}

/** Level bands of DESIGN §6.7, lowest first, for the history chart (from the model's thresholds). */
export const LEVEL_BANDS = [...LEVEL_THRESHOLDS, { level: 'black', min: 0 } as const]
  .map((t, i, all) => ({ level: t.level, from: t.min, to: i === 0 ? 100 : all[i - 1]!.min }))
  .reverse();

/** Where the chart marks its axis: the ends and every level's lower bound. */
export const SCORE_TICKS = [0, ...LEVEL_BANDS.slice(1).map((b) => b.from), 100];
