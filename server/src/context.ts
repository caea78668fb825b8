import type { Logger } from 'pino';
import type { Redis } from 'ioredis';
import type { Config, RuntimeConfig } from './config.js';
import { loadOrCreateJwtSecret } from './modules/auth/secret.js';
import { openPglite, openPostgres, type Database, type Db } from './db/client.js';
import { migrate } from './db/migrate.js';
import { openPgliteInWorker } from './db/pglite-remote.js';
import { systemClock, randomIds, type Clock, type Ids } from './clock.js';
import { OUTBOX_CHANNEL } from './db/tx.js';
import { createJobSystem, type JobSystem, type JobSystemOptions } from './jobs/index.js';
import { createJobHandlers } from './jobs/handlers.js';
import { createCatalogService, type CatalogService } from './modules/catalog/service.js';
import { createAuthService, type AuthService } from './modules/auth/service.js';
import { createOrgsService, type OrgsService } from './modules/orgs/service.js';
import type { Broadcaster } from './realtime/broadcaster.js';
import { createLivePublisher } from './realtime/live.js';
import { createListingsService, type ListingsService } from './modules/listings/service.js';
import { createBidsService, type BidsService } from './modules/bids/service.js';
import { createTradesService, hazardousIntakeKg, type TradesService } from './modules/trades/service.js';
import { createPricesService, type PricesService } from './modules/prices/service.js';
import { createLedgerService, type LedgerService } from './modules/ledger/service.js';
import { createPaymentsService, type PaymentsService } from './modules/payments/service.js';
import { createStripeClient, type StripeClient } from './modules/payments/stripe.js';
import { createSettlementService, type SettlementService } from './modules/settlement/service.js';
import { createAlertsService, type AlertsService } from './modules/alerts/service.js';
import { createTodosService, type TodosService } from './modules/todos/index.js';
import { createRegulatorService, type RegulatorService } from './modules/regulator/service.js';
import { createManifestsService, type ManifestsService } from './modules/manifests/service.js';
import { createDocumentsService, type DocumentsService } from './modules/documents/service.js';
import { createCreditService, recordCreditEvent, type CreditService } from './modules/credit/index.js';
import { createNotificationsService, type NotificationsService } from './modules/notifications/index.js';
import { createEcoFeesService, type EcoFeesService } from './modules/ecofees/index.js';
import { createClientsService, type ClientsService } from './modules/clients/index.js';
import { createFeedsService, type FeedsService } from './modules/feeds/index.js';
import { createInboundService, type InboundService } from './modules/inbound/index.js';
import { createDisclosureService, type DisclosureService } from './modules/disclosure/index.js';
import { createMarketsService, type MarketsService } from './modules/markets/index.js';
import { createWatchesService, type WatchesService } from './modules/watches/index.js';
import {
  createCollectionService,
  createFallbackService,
  type CollectionService,
  type FallbackService,
} from './modules/collection/index.js';

/** Everything a request handler or job needs, built once per process (or per test file). */
export interface AppContext {
  config: RuntimeConfig;
  logger: Logger;
  database: Database;
  db: Db;
  clock: Clock;
  ids: Ids;
  /** Shared connection for rate limits and the socket.io adapter; null when REDIS_URL is unset. */
  redis: Redis | null;
  jobs: JobSystem;
  /** Set once the realtime server (or, in a worker, the Redis emitter) is attached. */
  broadcaster: Broadcaster | null;
  catalog: CatalogService;
  auth: AuthService;
  orgs: OrgsService;
  listings: ListingsService;
  bids: BidsService;
  trades: TradesService;
  prices: PricesService;
  /** null unless STRIPE_SECRET_KEY is set. */
  stripe: StripeClient | null;
  ledger: LedgerService;
  payments: PaymentsService;
  settlement: SettlementService;
  alerts: AlertsService;
  regulator: RegulatorService;
  manifests: ManifestsService;
  documents: DocumentsService;
  credit: CreditService;
  notifications: NotificationsService;
  ecoFees: EcoFeesService;
  todos: TodosService;
  /** Issue 14 (ADR 0020): machine clients, the topic feeds, the government system's inbound changes. */
  clients: ClientsService;
  feeds: FeedsService;
  inbound: InboundService;
  /** Public disclosure (公示, issue 14 item 6). */
  disclosure: DisclosureService;
  markets: MarketsService;
  watches: WatchesService;
  /** Issue 18: collection points, intakes and consolidated lots; fallback disposal. */
  collection: CollectionService;
  fallback: FallbackService;
}

export interface ContextOptions {
  /** An already-open database (tests pass a per-file clone). */
  database?: Database;
  clock?: Clock;
  ids?: Ids;
  /** Whether this process relays the outbox and/or runs workers (the API: relay; the worker: both). */
  role?: 'api' | 'worker';
  /** Job system overrides (tests: a BullMQ queue prefix of their own, a short sweep, fast retries). */
  jobs?: Partial<Pick<JobSystemOptions, 'queueName' | 'queuePrefix' | 'sweepStuckAfterSeconds' | 'retry' | 'concurrency'>>;
}

export async function createContext(config: Config, logger: Logger, options: ContextOptions = {}): Promise<AppContext> {
  const database =
    options.database ??
    (config.DATABASE_URL
      ? await openPostgres(config.DATABASE_URL, config.DB_POOL_SIZE)
      : config.PGLITE_THREAD === false
        ? await openPglite({ dataDir: config.DATA_DIR })
        : await openPgliteInWorker({ dataDir: config.DATA_DIR }));
  logger.info(bootTime(), 'database open');
  const applied = await migrate(database, (m) => logger.info(m));
  if (applied.length) logger.info({ applied }, 'migrations applied');
  const db = database.db;
  // Embedded mode only (config requires JWT_SECRET with DATABASE_URL): after the database opened,
  // so PGlite initialises DATA_DIR as an empty directory on first boot.
  let jwtSecret = config.JWT_SECRET;
  if (!jwtSecret) {
    const generated = loadOrCreateJwtSecret(config.DATA_DIR);
    if (generated.created) logger.info({ file: generated.file }, 'generated a random access-token key for this installation');
    jwtSecret = generated.secret;
  }
  const clock = options.clock ?? systemClock;
  const ids = options.ids ?? randomIds;
  // ioredis is loaded only with Redis (an embedded server need not hold it).
  const redis = config.REDIS_URL
    ? new (await import('ioredis')).Redis(config.REDIS_URL, { maxRetriesPerRequest: 3, lazyConnect: false })
    : null;
  redis?.on('error', (err) => logger.warn({ err: err.message }, 'redis connection error'));

  const ctx = {
    config: { ...config, JWT_SECRET: jwtSecret },
    logger,
    database,
    db,
    clock,
    ids,
    redis,
    broadcaster: null,
  } as unknown as AppContext;
  ctx.catalog = createCatalogService({ db });
  ctx.auth = createAuthService(ctx);
  ctx.orgs = createOrgsService(ctx, {
    recordCreditEvent,
    hazardousIntakeKg,
    endSessions: (tx, userId) => ctx.auth.endSessions(tx, userId),
  });
  ctx.prices = createPricesService(ctx);
  ctx.trades = createTradesService(ctx);
  ctx.listings = createListingsService(ctx);
  ctx.bids = createBidsService(ctx);
  ctx.stripe = await createStripeClient(config);
  ctx.ledger = createLedgerService(ctx);
  ctx.payments = createPaymentsService(ctx);
  ctx.settlement = createSettlementService(ctx);
  ctx.alerts = createAlertsService(ctx);
  ctx.regulator = createRegulatorService(ctx);
  ctx.manifests = createManifestsService(ctx);
  ctx.documents = createDocumentsService(ctx);
  ctx.credit = createCreditService(ctx);
  ctx.notifications = createNotificationsService(ctx);
  ctx.ecoFees = createEcoFeesService(ctx);
  ctx.todos = createTodosService(ctx);
  ctx.clients = createClientsService(ctx);
  ctx.feeds = createFeedsService(ctx, { creditFeed: (q) => ctx.credit.getFeed(q) });
  ctx.inbound = createInboundService(ctx);
  ctx.disclosure = createDisclosureService(ctx);
  ctx.markets = createMarketsService(ctx);
  ctx.watches = createWatchesService(ctx);
  ctx.collection = createCollectionService(ctx);
  ctx.fallback = createFallbackService(ctx);

  const role = options.role ?? 'api';
  ctx.jobs = await createJobSystem({
    db,
    logger,
    handlers: createJobHandlers(ctx),
    redisUrl: config.REDIS_URL,
    runWorkers: role === 'worker' || config.RUN_WORKERS_IN_PROCESS,
    runRelay: true,
    relayIntervalMs: config.RELAY_INTERVAL_MS,
    sweepStuckAfterSeconds: config.SWEEP_STUCK_AFTER_SECONDS,
    queuePrefix: config.REDIS_PREFIX,
    // The API publishes live events from its relay the moment they commit (ADR 0025).
    ...(role === 'api' ? { direct: createLivePublisher({ broadcaster: () => ctx.broadcaster, clock, logger }) } : {}),
    listen: (onNotify) => database.listen(OUTBOX_CHANNEL, onNotify),
    ...options.jobs,
  });

  await ctx.catalog.load();
  // Each market's book from its stored open orders (ADR 0026); caught up again under every lock.
  await ctx.markets.rebuildBooks();
  await ctx.ecoFees.loadDefaults();
  await ctx.auth.ensureAdmin(config.ADMIN_EMAIL, config.ADMIN_PASSWORD);
  await ctx.payments.ensureReconcilerScheduled();
  await ctx.manifests.ensureSweepScheduled();
  await ctx.credit.ensureNightlyScheduled();
  await ctx.notifications.ensureSweepScheduled();
  await ctx.prices.ensureDailyRefreshScheduled();
  return ctx;
}

/** Time since the process started and CPU spent so far: where a slow start goes (npm run bench:start reads these). */
export function bootTime(): { sinceStartMs: number; cpuMs: number } {
  const cpu = process.cpuUsage();
  return { sinceStartMs: Math.round(process.uptime() * 1000), cpuMs: Math.round((cpu.user + cpu.system) / 1000) };
}

export async function closeContext(ctx: AppContext): Promise<void> {
  await ctx.jobs.stop();
  await ctx.redis?.quit().catch(() => {});
  await ctx.database.close();
}
