import type { MessageKey } from '../../i18n';

/** The i18n key of a model factor (credit_events kind); unknown kinds fall back to the raw name. */
export function factorKey(factor: string): MessageKey | null {
  const known = [
    'trade_completed',
    'trade_cancelled',
    'late_pickup',
    'receipt_overdue',
    'disposal_overdue',
    'weight_dispute_lost',
    'payment_failed',
    'sanction_minor',
    'sanction_major',
    'sanction_serious',
    'licence_suspended',
    'licence_expired',
  ];
  return known.includes(factor) ? (`creditPage.factor.${factor}` as MessageKey) : null;
}

/** Level bands of DESIGN §6.7, lowest first, for the history chart. */
export const LEVEL_BANDS = [
  { level: 'black', from: 0, to: 40 },
  { level: 'red', from: 40, to: 60 },
  { level: 'yellow', from: 60, to: 75 },
  { level: 'blue', from: 75, to: 90 },
  { level: 'green', from: 90, to: 100 },
] as const;
