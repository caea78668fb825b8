import { CREDIT_EVENT_KINDS } from '../../../../shared/src/credit-events.js';
import type { MessageKey } from '../../i18n';

/** The i18n key of a model factor (credit_events kind); unknown kinds fall back to the raw name. */
export function factorKey(factor: string): MessageKey | null {
  return (CREDIT_EVENT_KINDS as readonly string[]).includes(factor) ? (`creditPage.factor.${factor}` as MessageKey) : null;
}

/** Level bands of DESIGN §6.7, lowest first, for the history chart. */
export const LEVEL_BANDS = [
  { level: 'black', from: 0, to: 40 },
  { level: 'red', from: 40, to: 60 },
  { level: 'yellow', from: 60, to: 75 },
  { level: 'blue', from: 75, to: 90 },
  { level: 'green', from: 90, to: 100 },
] as const;
