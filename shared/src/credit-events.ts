import type { CREDIT_LEVELS } from './enums.js';

// Kept free of zod so the web client can import it without bundling the schema library.

/**
 * The inputs the model knows (credit_events.kind). Each is recorded where it happens, in the
 * transaction of the change it describes.
 */
export const CREDIT_EVENT_KINDS = [
  /** A trade the org was party to settled (trade → settled). */
  'trade_completed',
  /** A trade the org cancelled. */
  'trade_cancelled',
  /** The first load of a trip came after the listing's pickup window (the shipper's fault). */
  'late_pickup',
  /** The receiver decided a trip after receiptDueAt. */
  'receipt_overdue',
  /** The receiver reported disposal after disposalDueAt. */
  'disposal_overdue',
  /** A disputed trade was resolved against the org. */
  'weight_dispute_lost',
  /** A payment the org owed failed. */
  'payment_failed',
  /** Regulator sanctions (POST /regulator/sanctions). */
  'sanction_minor',
  'sanction_major',
  'sanction_serious',
  /** A disposal or transport licence was suspended. */
  'licence_suspended',
  /** An approved licence ran past its validTo and the org holds no other valid licence of that kind. */
  'licence_expired',
] as const;
export type CreditEventKind = (typeof CREDIT_EVENT_KINDS)[number];

/** Lower bounds of the levels by score (DESIGN §6.7), best first; below the last one is black. */
export const LEVEL_THRESHOLDS = [
  { level: 'green', min: 90 },
  { level: 'blue', min: 75 },
  { level: 'yellow', min: 60 },
  { level: 'red', min: 40 },
] as const satisfies readonly { level: Exclude<(typeof CREDIT_LEVELS)[number], 'black'>; min: number }[];
