// No zod here: the web client imports these constants (ADR 0011 keeps zod out of its bundle).

/**
 * The notification centre's contract (issue 13 item 7). Each kind is one thing that happened to a
 * user's organisation; a user turns kinds off on the preferences page (all are on by default).
 */
export const NOTIFICATION_KINDS = [
  'bid_received',
  'outbid',
  'auction_won',
  'auction_lost',
  'trade_created',
  'payment_due',
  'payment_received',
  'trade_updated',
  'manifest_step',
  'deadline_reminder',
  'licence_decision',
  'sanction',
  'credit_level',
  'watch_match',
] as const;
export type TNotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** What a notification links to. */
export const NOTIFICATION_SUBJECTS = ['listing', 'trade', 'manifest', 'licence', 'org', 'market'] as const;
export type TNotificationSubject = (typeof NOTIFICATION_SUBJECTS)[number];
