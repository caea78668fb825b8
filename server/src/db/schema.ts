/**
 * Drizzle table definitions. The SQL migrations in ./migrations are the source of truth for the
 * database (triggers, extensions, indexes); these definitions mirror them for typed queries, and
 * tests/integration/schema.test.ts checks that every column declared here exists with that name.
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  customType,
  date,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const kg = (name: string) => bigint(name, { mode: 'number' });
const fen = (name: string) => bigint(name, { mode: 'number' });

/**
 * A webhook delivery's state: the credit feed's and the topic feeds' tables carry the same columns,
 * run by one delivery runner (server/src/modules/credit/delivery-runner.ts). Fresh builders per table.
 */
const webhookDeliveryState = () => ({
  status: text('status').$type<'pending' | 'delivered' | 'dead' | 'cancelled'>().notNull().default('pending'),
  attempts: integer('attempts').notNull().default(0),
  maxAttempts: integer('max_attempts').notNull(),
  lastStatusCode: integer('last_status_code'),
  lastError: text('last_error'),
  nextAttemptAt: ts('next_attempt_at'),
  deliveredAt: ts('delivered_at'),
});
/** A delivery given up after its last attempt, as both dead-letter tables keep it. */
const webhookDeadLetter = () => ({
  subscriptionId: uuid('subscription_id').notNull(),
  eventId: uuid('event_id').notNull(),
  attempts: integer('attempts').notNull(),
  lastStatusCode: integer('last_status_code'),
  lastError: text('last_error'),
  body: jsonb('body').$type<Record<string, unknown>>().notNull(),
  createdAt: ts('created_at').notNull().default(sql`now()`),
});

export const orgs = pgTable('orgs', {
  id: uuid('id').primaryKey(),
  name: text('name').notNull(),
  uscc: text('uscc').notNull().unique(),
  district: text('district').notNull(),
  roles: text('roles').array().notNull(),
  /** Regulators only: 'city' or a list of district codes. */
  scope: jsonb('scope').$type<'city' | string[] | null>(),
  createdAt: ts('created_at').notNull().default(sql`now()`),
  /** Confirmed against the enterprise registry by the government system (0016). */
  usccVerifiedAt: ts('uscc_verified_at'),
  usccVerifiedBy: uuid('uscc_verified_by'),
});

export const users = pgTable('users', {
  id: uuid('id').primaryKey(),
  orgId: uuid('org_id').references(() => orgs.id),
  email: text('email').notNull().unique(),
  passwordHash: text('password_hash').notNull(),
  name: text('name').notNull(),
  orgRole: text('org_role').$type<'owner' | 'member'>().notNull(),
  isAdmin: boolean('is_admin').notNull().default(false),
  createdAt: ts('created_at').notNull().default(sql`now()`),
  /** In every access token (claim `tv`); bumped to end every session at once (0007_sessions.sql). */
  tokenVersion: integer('token_version').notNull().default(0),
  disabledAt: ts('disabled_at'),
});

export const refreshTokens = pgTable('refresh_tokens', {
  id: uuid('id').primaryKey(),
  userId: uuid('user_id')
    .notNull()
    .references(() => users.id),
  familyId: uuid('family_id').notNull(),
  tokenHash: text('token_hash').notNull().unique(),
  createdAt: ts('created_at').notNull().default(sql`now()`),
  expiresAt: ts('expires_at').notNull(),
  usedAt: ts('used_at'),
  revokedAt: ts('revoked_at'),
});

export const passwordResets = pgTable('password_resets', {
  id: uuid('id').primaryKey(),
  userId: uuid('user_id')
    .notNull()
    .references(() => users.id),
  tokenHash: text('token_hash').notNull().unique(),
  createdBy: uuid('created_by')
    .notNull()
    .references(() => users.id),
  createdAt: ts('created_at').notNull().default(sql`now()`),
  expiresAt: ts('expires_at').notNull(),
  usedAt: ts('used_at'),
});

export const licences = pgTable('licences', {
  id: uuid('id').primaryKey(),
  orgId: uuid('org_id')
    .notNull()
    .references(() => orgs.id),
  number: text('number').notNull(),
  kind: text('kind').$type<'disposal' | 'transport' | 'collection'>().notNull(),
  wasteCodes: text('waste_codes').array().notNull(),
  annualCapacityKg: kg('annual_capacity_kg').notNull(),
  validFrom: date('valid_from', { mode: 'string' }).notNull(),
  validTo: date('valid_to', { mode: 'string' }).notNull(),
  status: text('status').$type<'pending' | 'approved' | 'rejected' | 'suspended' | 'revoked' | 'expired'>().notNull(),
  decidedBy: uuid('decided_by'),
  decidedAt: ts('decided_at'),
  /** The last decision's note (a rejection's reason), shown to the holder. */
  decisionNote: text('decision_note'),
  createdAt: ts('created_at').notNull().default(sql`now()`),
});

export const materials = pgTable('materials', {
  code: text('code').primaryKey(),
  edition: text('edition'),
  stream: text('stream').notNull(),
  category: text('category').notNull(),
  nameZh: text('name_zh').notNull(),
  nameEn: text('name_en').notNull(),
  /** null: decided per listing by its classifiedCode (WS-CLASSIFIED). */
  hazardous: boolean('hazardous'),
  tradeable: boolean('tradeable').notNull(),
  standardisedGrade: boolean('standardised_grade').notNull().default(false),
  verification: text('verification').notNull(),
  note: text('note'),
  /** fee | price | either (DESIGN §6.3), set by the catalogue loader's rule and overrides. */
  usualDirection: text('usual_direction')
    .$type<import('../../../shared/src/pricecheck.js').UsualDirection>()
    .notNull()
    .default('either'),
  /** Standardised grades (migration 0020): the smallest order and fill, and the price step. */
  marketMinLotKg: bigint('market_min_lot_kg', { mode: 'number' }),
  marketPriceTickFen: bigint('market_price_tick_fen', { mode: 'number' }),
});

export const hazardousCategories = pgTable('hazardous_categories', {
  code: text('code').primaryKey(),
  nameZh: text('name_zh').notNull(),
});

export const priceBands = pgTable('price_bands', {
  materialCode: text('material_code').primaryKey(),
  lowFen: fen('low_fen').notNull(),
  medianFen: fen('median_fen').notNull(),
  highFen: fen('high_fen').notNull(),
  source: text('source').$type<'seed' | 'pinned'>().notNull(),
  note: text('note'),
  pinnedBy: uuid('pinned_by'),
  pinnedAt: ts('pinned_at'),
});

export const outbox = pgTable('outbox', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  topic: text('topic').notNull(),
  payload: jsonb('payload').notNull(),
  /** Not before this time (delayed work: auction close, deadline checks). */
  availableAt: ts('available_at').notNull().default(sql`now()`),
  createdAt: ts('created_at').notNull().default(sql`now()`),
  dispatchedAt: ts('dispatched_at'),
  dispatchCount: integer('dispatch_count').notNull().default(0),
  doneAt: ts('done_at'),
  attempts: integer('attempts').notNull().default(0),
  lastError: text('last_error'),
});

export const roomSeq = pgTable('room_seq', {
  room: text('room').primaryKey(),
  seq: bigint('seq', { mode: 'number' }).notNull(),
});

export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    userId: uuid('user_id').notNull(),
    route: text('route').notNull(),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    statusCode: integer('status_code'),
    response: jsonb('response'),
    createdAt: ts('created_at').notNull().default(sql`now()`),
  },
  (t) => [primaryKey({ columns: [t.userId, t.route, t.key] })],
);

export const alerts = pgTable('alerts', {
  id: uuid('id').primaryKey(),
  kind: text('kind').notNull(),
  district: text('district'),
  subjectType: text('subject_type'),
  subjectId: text('subject_id'),
  dedupeKey: text('dedupe_key').notNull().unique(),
  message: text('message').notNull(),
  details: jsonb('details').$type<Record<string, unknown>>().notNull(),
  status: text('status').$type<'open' | 'resolved'>().notNull().default('open'),
  createdAt: ts('created_at').notNull().default(sql`now()`),
  resolvedBy: uuid('resolved_by'),
  resolvedAt: ts('resolved_at'),
  resolutionNote: text('resolution_note'),
});

export const auditLog = pgTable('audit_log', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  actorUserId: uuid('actor_user_id'),
  actorOrgId: uuid('actor_org_id'),
  /** The machine client that acted (0016); null when a user or the platform did. */
  actorClientId: uuid('actor_client_id'),
  action: text('action').notNull(),
  subjectType: text('subject_type').notNull(),
  subjectId: text('subject_id').notNull(),
  details: jsonb('details').$type<Record<string, unknown>>().notNull(),
  at: ts('at').notNull().default(sql`now()`),
});

// ── Trading (migration 0002_trading.sql) ─────────────────────────────────────────────────────

export const listings = pgTable('listings', {
  id: uuid('id').primaryKey(),
  seq: bigserial('seq', { mode: 'number' }).notNull(),
  orgId: uuid('org_id').notNull(),
  createdBy: uuid('created_by'),
  side: text('side').$type<'supply' | 'demand'>().notNull(),
  materialCode: text('material_code').notNull(),
  classifiedCode: text('classified_code'),
  wasteCode: text('waste_code').notNull(),
  category: text('category').notNull(),
  hazardous: boolean('hazardous').notNull(),
  quantityKg: kg('quantity_kg').notNull(),
  remainingKg: kg('remaining_kg').notNull(),
  minLotKg: kg('min_lot_kg').notNull(),
  pricePerTonneFen: fen('price_per_tonne_fen').notNull(),
  justification: text('justification'),
  priceCheck: jsonb('price_check').$type<import('../../../shared/src/pricecheck.js').PriceCheck>().notNull(),
  mode: text('mode').$type<'fixed' | 'auction'>().notNull(),
  closesAt: ts('closes_at'),
  pickupFrom: ts('pickup_from').notNull(),
  pickupTo: ts('pickup_to').notNull(),
  district: text('district').notNull(),
  address: text('address'),
  hazard: jsonb('hazard').$type<Record<string, unknown>>(),
  analysis: jsonb('analysis').$type<Record<string, unknown>>(),
  description: text('description'),
  status: text('status').$type<'open' | 'matched' | 'closed' | 'cancelled' | 'expired'>().notNull().default('open'),
  bidCount: integer('bid_count').notNull().default(0),
  createdAt: ts('created_at').notNull().default(sql`now()`),
  updatedAt: ts('updated_at').notNull().default(sql`now()`),
  closedAt: ts('closed_at'),
});

export const bids = pgTable('bids', {
  id: uuid('id').primaryKey(),
  seq: bigserial('seq', { mode: 'number' }).notNull(),
  listingId: uuid('listing_id').notNull(),
  orgId: uuid('org_id').notNull(),
  userId: uuid('user_id'),
  pricePerTonneFen: fen('price_per_tonne_fen').notNull(),
  quantityKg: kg('quantity_kg').notNull(),
  filledKg: kg('filled_kg').notNull().default(0),
  justification: text('justification'),
  priceCheck: jsonb('price_check').$type<import('../../../shared/src/pricecheck.js').PriceCheck>().notNull(),
  // An offer into a demand listing: where the material is and its hazard (migration 0009); null otherwise.
  district: text('district'),
  pickupFrom: ts('pickup_from'),
  pickupTo: ts('pickup_to'),
  hazard: jsonb('hazard').$type<import('../../../shared/src/schemas/listings.js').THazard>(),
  status: text('status').$type<'active' | 'won' | 'lost' | 'withdrawn'>().notNull().default('active'),
  createdAt: ts('created_at').notNull().default(sql`now()`),
  decidedAt: ts('decided_at'),
});

export const trades = pgTable('trades', {
  id: uuid('id').primaryKey(),
  seq: bigserial('seq', { mode: 'number' }).notNull(),
  listingId: uuid('listing_id'),
  bidId: uuid('bid_id'),
  orderIds: uuid('order_ids').array(),
  generatorOrgId: uuid('generator_org_id').notNull(),
  receiverOrgId: uuid('receiver_org_id').notNull(),
  payerOrgId: uuid('payer_org_id'),
  payeeOrgId: uuid('payee_org_id'),
  materialCode: text('material_code').notNull(),
  classifiedCode: text('classified_code'),
  wasteCode: text('waste_code').notNull(),
  category: text('category').notNull(),
  hazardous: boolean('hazardous').notNull(),
  quantityKg: kg('quantity_kg').notNull(),
  pricePerTonneFen: fen('price_per_tonne_fen').notNull(),
  amountFen: fen('amount_fen').notNull(),
  platformFeeFen: fen('platform_fee_fen').notNull(),
  ecoCompensationFen: fen('eco_compensation_fen').notNull(),
  /** The eco rate the trade was created under (migration 0012); null: none applied. */
  ecoRateId: uuid('eco_rate_id'),
  ecoFenPerTonne: fen('eco_fen_per_tonne').notNull().default(0),
  status: text('status')
    .$type<'awaiting_payment' | 'funded' | 'in_transit' | 'delivered' | 'disputed' | 'settled' | 'cancelled'>()
    .notNull(),
  acceptedKg: kg('accepted_kg').notNull().default(0),
  originDistrict: text('origin_district').notNull(),
  destinationDistrict: text('destination_district').notNull(),
  createdAt: ts('created_at').notNull().default(sql`now()`),
  updatedAt: ts('updated_at').notNull().default(sql`now()`),
  settledAt: ts('settled_at'),
});

// ── Settlement (migration 0003_settlement.sql) ───────────────────────────────────────────────

export type LedgerAccountKind = 'escrow' | 'payable' | 'platform_fee' | 'eco_fund' | 'clearing';
export type PaymentProviderName = 'simulated' | 'stripe' | 'bank_transfer';

export const ledgerAccounts = pgTable('ledger_accounts', {
  id: text('id').primaryKey(),
  kind: text('kind').$type<LedgerAccountKind>().notNull(),
  orgId: uuid('org_id'),
  district: text('district'),
  provider: text('provider'),
  /** Maintained by a trigger on ledger_entries; never written directly. */
  balanceFen: fen('balance_fen').notNull().default(0),
  createdAt: ts('created_at').notNull().default(sql`now()`),
});

export const ledgerTransfers = pgTable('ledger_transfers', {
  id: uuid('id').primaryKey(),
  seq: bigserial('seq', { mode: 'number' }).notNull(),
  operationId: text('operation_id').notNull().unique(),
  kind: text('kind').$type<'fund' | 'settle' | 'reversal' | 'adjustment'>().notNull(),
  tradeId: uuid('trade_id'),
  reversesTransferId: uuid('reverses_transfer_id'),
  description: text('description').notNull(),
  details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
  createdBy: uuid('created_by'),
  createdAt: ts('created_at').notNull().default(sql`now()`),
});

export const ledgerEntries = pgTable('ledger_entries', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  transferId: uuid('transfer_id').notNull(),
  accountId: text('account_id').notNull(),
  amountFen: fen('amount_fen').notNull(),
});

export const payments = pgTable('payments', {
  id: uuid('id').primaryKey(),
  tradeId: uuid('trade_id').notNull().unique(),
  provider: text('provider').$type<PaymentProviderName>().notNull(),
  payerOrgId: uuid('payer_org_id').notNull(),
  amountFen: fen('amount_fen').notNull(),
  currency: text('currency').notNull().default('cny'),
  status: text('status').$type<'pending' | 'processing' | 'succeeded' | 'canceled'>().notNull(),
  idempotencyKey: text('idempotency_key').notNull().unique(),
  request: jsonb('request').$type<Record<string, unknown>>().notNull(),
  providerRef: text('provider_ref').unique(),
  reference: text('reference').unique(),
  confirmedBy: uuid('confirmed_by'),
  confirmedAt: ts('confirmed_at'),
  createdAt: ts('created_at').notNull().default(sql`now()`),
  updatedAt: ts('updated_at').notNull().default(sql`now()`),
});

export const paymentRefunds = pgTable('payment_refunds', {
  id: uuid('id').primaryKey(),
  tradeId: uuid('trade_id').notNull().unique(),
  paymentId: uuid('payment_id').notNull(),
  provider: text('provider').$type<PaymentProviderName>().notNull(),
  amountFen: fen('amount_fen').notNull(),
  idempotencyKey: text('idempotency_key').notNull().unique(),
  request: jsonb('request').$type<Record<string, unknown>>().notNull(),
  providerRef: text('provider_ref').unique(),
  status: text('status').$type<'pending' | 'succeeded' | 'failed' | 'canceled'>().notNull(),
  attempts: integer('attempts').notNull().default(0),
  createdAt: ts('created_at').notNull().default(sql`now()`),
  updatedAt: ts('updated_at').notNull().default(sql`now()`),
});

export const stripeEvents = pgTable('stripe_events', {
  id: text('id').primaryKey(),
  type: text('type').notNull(),
  objectId: text('object_id'),
  receivedAt: ts('received_at').notNull().default(sql`now()`),
});

// ── Manifests (migration 0004_manifests.sql) ─────────────────────────────────────────────────

export type ManifestStatus =
  | 'draft'
  | 'issued'
  | 'loaded'
  | 'in_transit'
  | 'arrived'
  | 'received'
  | 'rejected'
  | 'closed'
  | 'cancelled';

export const manifestCounters = pgTable('manifest_counters', {
  year: integer('year').primaryKey(),
  lastSerial: integer('last_serial').notNull(),
});

export const manifests = pgTable('manifests', {
  id: uuid('id').primaryKey(),
  seq: bigserial('seq', { mode: 'number' }).notNull(),
  number: text('number').notNull().unique(),
  officialNumber: text('official_number').unique(),
  tradeId: uuid('trade_id').notNull(),
  kind: text('kind').$type<'hazardous' | 'general' | 'collection'>().notNull(),
  status: text('status').$type<ManifestStatus>().notNull(),
  shipperOrgId: uuid('shipper_org_id').notNull(),
  carrierOrgId: uuid('carrier_org_id').notNull(),
  receiverOrgId: uuid('receiver_org_id').notNull(),
  parties: jsonb('parties').$type<import('../../../shared/src/schemas/manifests.js').TManifestParties>().notNull(),
  vehiclePlate: text('vehicle_plate').notNull(),
  driverName: text('driver_name').notNull(),
  materialCode: text('material_code').notNull(),
  wasteCode: text('waste_code').notNull(),
  category: text('category').notNull(),
  lines: jsonb('lines').$type<import('../../../shared/src/schemas/manifests.js').TManifestLine[]>().notNull(),
  emergencyMeasures: text('emergency_measures').notNull(),
  originDistrict: text('origin_district').notNull(),
  destinationDistrict: text('destination_district').notNull(),
  declaredKg: kg('declared_kg').notNull(),
  loadedKg: kg('loaded_kg'),
  receivedKg: kg('received_kg'),
  acceptedKg: kg('accepted_kg'),
  decision: text('decision').$type<'accept' | 'partial' | 'reject'>(),
  decisionNote: text('decision_note'),
  disposalMethod: text('disposal_method'),
  disposalDate: date('disposal_date', { mode: 'string' }),
  issuedAt: ts('issued_at'),
  loadedAt: ts('loaded_at'),
  departedAt: ts('departed_at'),
  arrivedAt: ts('arrived_at'),
  receivedAt: ts('received_at'),
  closedAt: ts('closed_at'),
  receiptDueAt: ts('receipt_due_at'),
  disposalDueAt: ts('disposal_due_at'),
  transitAlertedAt: ts('transit_alerted_at'),
  receiptAlertedAt: ts('receipt_alerted_at'),
  disposalAlertedAt: ts('disposal_alerted_at'),
  eventCount: integer('event_count').notNull().default(0),
  lastHash: text('last_hash').notNull(),
  createdBy: uuid('created_by'),
  createdAt: ts('created_at').notNull().default(sql`now()`),
  updatedAt: ts('updated_at').notNull().default(sql`now()`),
  // Migration 0017 (issue 14): the national form's further fields, paper entry, cancel, method code.
  cancelledAt: ts('cancelled_at'),
  cancelReason: text('cancel_reason'),
  form: jsonb('form').$type<import('../../../shared/src/schemas/manifests.js').TManifestForm>().notNull(),
  paper: jsonb('paper').$type<import('../../../shared/src/schemas/manifests.js').TPaperRecord>(),
  disposalMethodCode: text('disposal_method_code'),
});

export const manifestEvents = pgTable('manifest_events', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  manifestId: uuid('manifest_id').notNull(),
  seq: integer('seq').notNull(),
  v: integer('v').notNull(),
  type: text('type').notNull(),
  at: ts('at').notNull(),
  actorOrgId: uuid('actor_org_id'),
  actorUserId: uuid('actor_user_id'),
  data: jsonb('data').$type<Record<string, unknown>>().notNull(),
  prevHash: text('prev_hash').notNull(),
  hash: text('hash').notNull(),
});

export const shipmentClosures = pgTable('shipment_closures', {
  tradeId: uuid('trade_id').primaryKey(),
  closedBy: uuid('closed_by'),
  closedByOrg: uuid('closed_by_org').notNull(),
  closedAt: ts('closed_at').notNull().default(sql`now()`),
  declaredKg: kg('declared_kg').notNull(),
});

/** Append-only inputs to the credit score; the credit module consumes them. */
export const creditEvents = pgTable('credit_events', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  orgId: uuid('org_id').notNull(),
  kind: text('kind').notNull(),
  subjectType: text('subject_type').notNull(),
  subjectId: text('subject_id').notNull(),
  occurredAt: ts('occurred_at').notNull(),
  details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
  recordedAt: ts('recorded_at').notNull().default(sql`now()`),
});

// ── Credit (migration 0005_credit.sql; server/src/modules/credit) ────────────────────────────

export const sanctions = pgTable('sanctions', {
  id: uuid('id').primaryKey(),
  orgId: uuid('org_id').notNull(),
  severity: text('severity').$type<'minor' | 'major' | 'serious'>().notNull(),
  kind: text('kind').$type<'warning' | 'fine' | 'rectification' | 'suspension' | 'other'>().notNull().default('other'),
  reason: text('reason').notNull(),
  evidenceRef: text('evidence_ref'),
  decidedAt: ts('decided_at').notNull(),
  /** null when a machine client recorded it (decidedByClient, 0016). */
  decidedByUser: uuid('decided_by_user'),
  decidedByClient: uuid('decided_by_client'),
  decidedByOrg: uuid('decided_by_org').notNull(),
  createdAt: ts('created_at').notNull().default(sql`now()`),
});

export const creditScores = pgTable('credit_scores', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  orgId: uuid('org_id').notNull(),
  seq: integer('seq').notNull(),
  score: integer('score').notNull(),
  level: text('level').$type<'green' | 'blue' | 'yellow' | 'red' | 'black'>().notNull(),
  levelReason: text('level_reason').$type<'score' | 'serious_sanction'>().notNull(),
  previousScore: integer('previous_score').notNull(),
  previousLevel: text('previous_level').$type<'green' | 'blue' | 'yellow' | 'red' | 'black'>().notNull(),
  scoringModel: text('scoring_model').notNull(),
  factors: jsonb('factors').$type<unknown[]>().notNull(),
  inputs: jsonb('inputs').$type<unknown[]>().notNull(),
  inputCount: integer('input_count').notNull(),
  lastEventId: bigint('last_event_id', { mode: 'number' }),
  trigger: text('trigger').$type<'event' | 'decay'>().notNull(),
  computedAt: ts('computed_at').notNull(),
});

export const creditFeed = pgTable('credit_feed', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  eventId: uuid('event_id').notNull().unique(),
  orgId: uuid('org_id').notNull(),
  seq: integer('seq').notNull(),
  scoreId: bigint('score_id', { mode: 'number' }).notNull(),
  score: integer('score').notNull(),
  level: text('level').$type<'green' | 'blue' | 'yellow' | 'red' | 'black'>().notNull(),
  previousScore: integer('previous_score').notNull(),
  previousLevel: text('previous_level').$type<'green' | 'blue' | 'yellow' | 'red' | 'black'>().notNull(),
  levelReason: text('level_reason').$type<'score' | 'serious_sanction'>().notNull(),
  scoringModel: text('scoring_model').notNull(),
  trigger: text('trigger').$type<'event' | 'decay'>().notNull(),
  computedAt: ts('computed_at').notNull(),
  createdAt: ts('created_at').notNull().default(sql`now()`),
});

export const creditSubscriptions = pgTable('credit_subscriptions', {
  id: uuid('id').primaryKey(),
  orgId: uuid('org_id').notNull(),
  url: text('url').notNull(),
  secret: text('secret').notNull(),
  createdBy: uuid('created_by').notNull(),
  createdAt: ts('created_at').notNull().default(sql`now()`),
  deletedAt: ts('deleted_at'),
});

export const creditDeliveries = pgTable('credit_deliveries', {
  id: uuid('id').primaryKey(),
  subscriptionId: uuid('subscription_id').notNull(),
  feedId: bigint('feed_id', { mode: 'number' }).notNull(),
  ...webhookDeliveryState(),
  createdAt: ts('created_at').notNull().default(sql`now()`),
  updatedAt: ts('updated_at').notNull().default(sql`now()`),
});

export const creditDeadLetters = pgTable('credit_dead_letters', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  deliveryId: uuid('delivery_id').notNull().unique(),
  ...webhookDeadLetter(),
});

// ── Ecological compensation rates (migration 0012_eco_rates.sql) ─────────────────────────────

export const ecoRates = pgTable('eco_rates', {
  id: uuid('id').primaryKey(),
  seq: bigserial('seq', { mode: 'number' }).notNull(),
  stream: text('stream').notNull(),
  fromDistrict: text('from_district'),
  toDistrict: text('to_district'),
  fenPerTonne: fen('fen_per_tonne').notNull(),
  effectiveFrom: date('effective_from', { mode: 'string' }).notNull(),
  source: text('source').$type<'default' | 'regulator'>().notNull(),
  setByUserId: uuid('set_by_user_id'),
  setByOrgId: uuid('set_by_org_id'),
  note: text('note'),
  createdAt: ts('created_at').notNull().default(sql`now()`),
});

const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (v) => (Buffer.isBuffer(v) ? v : Buffer.from(v)),
});

/** Uploaded documents (issue 13 item 10), bytes in the row (ADR 0021). */
export const documents = pgTable('documents', {
  id: uuid('id').primaryKey(),
  subjectType: text('subject_type').$type<'listing' | 'manifest' | 'trade'>().notNull(),
  subjectId: uuid('subject_id').notNull(),
  kind: text('kind').$type<'lab_report' | 'weighbridge_ticket' | 'disposal_certificate' | 'evidence'>().notNull(),
  contentType: text('content_type').$type<'application/pdf' | 'image/jpeg' | 'image/png'>().notNull(),
  filename: text('filename'),
  sizeBytes: integer('size_bytes').notNull(),
  sha256: text('sha256').notNull(),
  bytes: bytea('bytes').notNull(),
  uploadedBy: uuid('uploaded_by').notNull(),
  uploadedByOrg: uuid('uploaded_by_org'),
  createdAt: ts('created_at').notNull().default(sql`now()`),
});

/** Dispute evidence notes (issue 13 item 3). */
export const disputeNotes = pgTable('dispute_notes', {
  id: uuid('id').primaryKey(),
  tradeId: uuid('trade_id').notNull(),
  orgId: uuid('org_id'),
  userId: uuid('user_id').notNull(),
  note: text('note').notNull(),
  createdAt: ts('created_at').notNull().default(sql`now()`),
});

// ── Machine clients, topic feeds, inbound changes (migration 0016_machine_clients_feeds.sql) ─────

export const apiClients = pgTable('api_clients', {
  id: uuid('id').primaryKey(),
  name: text('name').notNull(),
  scopes: text('scopes').array().notNull(),
  /** The authority org the client acts for (sanctions:write needs one). */
  orgId: uuid('org_id'),
  secretHash: text('secret_hash').notNull(),
  previousSecretHash: text('previous_secret_hash'),
  previousValidUntil: ts('previous_valid_until'),
  createdBy: uuid('created_by').notNull(),
  createdAt: ts('created_at').notNull().default(sql`now()`),
  rotatedAt: ts('rotated_at'),
  revokedAt: ts('revoked_at'),
});

export const feedEvents = pgTable('feed_events', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  eventId: uuid('event_id').notNull().unique(),
  topic: text('topic').notNull(),
  type: text('type').notNull(),
  schemaVersion: integer('schema_version').notNull().default(1),
  subjectType: text('subject_type').notNull(),
  subjectId: text('subject_id').notNull(),
  dedupeKey: text('dedupe_key').notNull(),
  data: jsonb('data').$type<Record<string, unknown>>().notNull(),
  occurredAt: ts('occurred_at').notNull(),
  seq: integer('seq'),
  position: bigint('position', { mode: 'number' }),
});

export const feedSequencer = pgTable('feed_sequencer', {
  name: text('name').primaryKey(),
  position: bigint('position', { mode: 'number' }).notNull(),
});

export const inboundChanges = pgTable(
  'inbound_changes',
  {
    clientId: uuid('client_id').notNull(),
    sourceId: text('source_id').notNull(),
    kind: text('kind').notNull(),
    requestHash: text('request_hash').notNull(),
    result: jsonb('result').$type<Record<string, unknown>>().notNull(),
    createdAt: ts('created_at').notNull().default(sql`now()`),
  },
  (t) => [primaryKey({ columns: [t.clientId, t.sourceId] })],
);

export const feedSubscriptions = pgTable('feed_subscriptions', {
  id: uuid('id').primaryKey(),
  clientId: uuid('client_id').notNull(),
  topic: text('topic').notNull(),
  url: text('url').notNull(),
  secret: text('secret').notNull(),
  createdAt: ts('created_at').notNull().default(sql`now()`),
  deletedAt: ts('deleted_at'),
});

export const feedDeliveries = pgTable('feed_deliveries', {
  id: uuid('id').primaryKey(),
  subscriptionId: uuid('subscription_id').notNull(),
  feedEventId: bigint('feed_event_id', { mode: 'number' }).notNull(),
  ...webhookDeliveryState(),
  createdAt: ts('created_at').notNull().default(sql`now()`),
});

export const feedDeadLetters = pgTable('feed_dead_letters', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  deliveryId: uuid('delivery_id').notNull(),
  ...webhookDeadLetter(),
});

/** Continuous markets (issue 16, migration 0020, ADR 0026): orders, the engine's journal, prints. */
export const marketOrders = pgTable('market_orders', {
  id: uuid('id').primaryKey(),
  seq: bigserial('seq', { mode: 'number' }).notNull(),
  marketCode: text('market_code').notNull(),
  orgId: uuid('org_id').notNull(),
  userId: uuid('user_id'),
  side: text('side').$type<'buy' | 'sell'>().notNull(),
  pricePerTonneFen: fen('price_per_tonne_fen').notNull(),
  quantityKg: kg('quantity_kg').notNull(),
  remainingKg: kg('remaining_kg').notNull(),
  filledKg: kg('filled_kg').notNull().default(0),
  cancelledKg: kg('cancelled_kg').notNull().default(0),
  district: text('district').notNull(),
  pickupFrom: ts('pickup_from').notNull(),
  pickupTo: ts('pickup_to').notNull(),
  justification: text('justification'),
  priceCheck: jsonb('price_check').$type<import('../../../shared/src/pricecheck.js').PriceCheck>().notNull(),
  status: text('status').$type<'open' | 'filled' | 'cancelled'>().notNull(),
  createdAt: ts('created_at').notNull().default(sql`now()`),
  updatedAt: ts('updated_at').notNull().default(sql`now()`),
});

export const marketJournal = pgTable('market_journal', {
  marketCode: text('market_code').notNull(),
  op: bigint('op', { mode: 'number' }).notNull(),
  entry: jsonb('entry').$type<import('../modules/matching/engine/book.js').BookJournalEntry>().notNull(),
  createdAt: ts('created_at').notNull().default(sql`now()`),
});

export const marketPrints = pgTable('market_prints', {
  id: uuid('id').primaryKey(),
  seq: bigserial('seq', { mode: 'number' }).notNull(),
  marketCode: text('market_code').notNull(),
  tradeId: uuid('trade_id').notNull(),
  buyOrderId: uuid('buy_order_id').notNull(),
  sellOrderId: uuid('sell_order_id').notNull(),
  pricePerTonneFen: fen('price_per_tonne_fen').notNull(),
  quantityKg: kg('quantity_kg').notNull(),
  takerSide: text('taker_side').$type<'buy' | 'sell'>().notNull(),
  createdAt: ts('created_at').notNull().default(sql`now()`),
});

/** Watchlists and price alerts (issue 16 item 5). */
export const watches = pgTable('watches', {
  id: uuid('id').primaryKey(),
  userId: uuid('user_id').notNull(),
  orgId: uuid('org_id'),
  materialCode: text('material_code').notNull(),
  district: text('district'),
  minPricePerTonneFen: fen('min_price_per_tonne_fen'),
  maxPricePerTonneFen: fen('max_price_per_tonne_fen'),
  createdAt: ts('created_at').notNull().default(sql`now()`),
});

// ── Issue 18: collection (小箱进大箱) and fallback disposal (兜底处置), migration 0021 ─────────────

export const collectionPoints = pgTable('collection_points', {
  id: uuid('id').primaryKey(),
  orgId: uuid('org_id').notNull(),
  name: text('name').notNull(),
  address: text('address').notNull(),
  district: text('district').notNull(),
  feePerTonneFen: fen('fee_per_tonne_fen').notNull(),
  createdAt: ts('created_at').notNull().default(sql`now()`),
});

export const consolidatedLots = pgTable('consolidated_lots', {
  id: uuid('id').primaryKey(),
  collectorOrgId: uuid('collector_org_id').notNull(),
  materialCode: text('material_code').notNull(),
  wasteCode: text('waste_code').notNull(),
  quantityKg: kg('quantity_kg').notNull(),
  listingId: uuid('listing_id'),
  createdAt: ts('created_at').notNull().default(sql`now()`),
});

export const intakes = pgTable('intakes', {
  id: uuid('id').primaryKey(),
  pointId: uuid('point_id').notNull(),
  collectorOrgId: uuid('collector_org_id').notNull(),
  producerOrgId: uuid('producer_org_id').notNull(),
  materialCode: text('material_code').notNull(),
  wasteCode: text('waste_code').notNull(),
  category: text('category').notNull(),
  hazardous: boolean('hazardous').notNull(),
  quantityKg: kg('quantity_kg').notNull(),
  feePerTonneFen: fen('fee_per_tonne_fen').notNull(),
  status: text('status').$type<'declared' | 'accepted' | 'refused' | 'withdrawn'>().notNull().default('declared'),
  refusalCode: text('refusal_code'),
  refusalReason: text('refusal_reason'),
  tradeId: uuid('trade_id'),
  lotId: uuid('lot_id'),
  createdAt: ts('created_at').notNull().default(sql`now()`),
  decidedAt: ts('decided_at'),
});

export const fallbackDesignations = pgTable('fallback_designations', {
  id: uuid('id').primaryKey(),
  wasteCode: text('waste_code').notNull(),
  disposerOrgId: uuid('disposer_org_id').notNull(),
  feePerTonneFen: fen('fee_per_tonne_fen').notNull(),
  effectiveFrom: date('effective_from', { mode: 'string' }).notNull(),
  designatedBy: uuid('designated_by').notNull(),
  source: text('source').notNull(),
  createdAt: ts('created_at').notNull().default(sql`now()`),
});

export const fallbackRequests = pgTable('fallback_requests', {
  id: uuid('id').primaryKey(),
  listingId: uuid('listing_id').notNull(),
  producerOrgId: uuid('producer_org_id').notNull(),
  designationId: uuid('designation_id').notNull(),
  disposerOrgId: uuid('disposer_org_id').notNull(),
  materialCode: text('material_code').notNull(),
  wasteCode: text('waste_code').notNull(),
  quantityKg: kg('quantity_kg').notNull(),
  feePerTonneFen: fen('fee_per_tonne_fen').notNull(),
  tariffAcceptedAt: ts('tariff_accepted_at').notNull(),
  acceptedBy: uuid('accepted_by').notNull(),
  status: text('status').$type<'pending' | 'accepted' | 'declined'>().notNull().default('pending'),
  respondBy: ts('respond_by').notNull(),
  reason: text('reason'),
  tradeId: uuid('trade_id'),
  createdAt: ts('created_at').notNull().default(sql`now()`),
  decidedAt: ts('decided_at'),
});
