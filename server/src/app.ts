import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { Router, type Express } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import { rateLimit, ipKeyGenerator } from 'express-rate-limit';
import client from 'prom-client';
import { sql } from 'drizzle-orm';
import { AppError, ErrorCodes } from '../../shared/src/errors.js';
import type { AppContext } from './context.js';
import { logContext, serializeError } from './logger.js';
import { corsForApi, corsOrigins } from './http/cors.js';
import { metricsAccess } from './http/metrics-access.js';
import { registerRateLimit } from './http/register-limit.js';
import { authenticate } from './http/authenticate.js';
import { isUserActor } from './http/actor.js';
import { RedisWithMemoryFallbackStore } from './http/rate-limit-store.js';
import { errorHandler, notFoundHandler } from './http/errors.js';
import { clientAssets } from './http/client-assets.js';
import { mountRoutes, openApiDocument, type RouteDef } from './http/route.js';
import { catalogRoutes } from './modules/catalog/routes.js';
import { authRoutes } from './modules/auth/routes.js';
import { orgsRoutes } from './modules/orgs/routes.js';
import { listingsRoutes } from './modules/listings/routes.js';
import { bidsRoutes } from './modules/bids/routes.js';
import { tradesRoutes } from './modules/trades/routes.js';
import { pricesRoutes } from './modules/prices/routes.js';
import { paymentsRoutes, STRIPE_WEBHOOK_OPENAPI, stripeWebhookHandlers } from './modules/payments/routes.js';
import { ledgerRoutes } from './modules/ledger/routes.js';
import { settlementRoutes } from './modules/settlement/routes.js';
import { alertsRoutes } from './modules/alerts/routes.js';
import { regulatorRoutes } from './modules/regulator/routes.js';
import { manifestsRoutes } from './modules/manifests/routes.js';
import { documentsRoutes } from './modules/documents/routes.js';
import { creditRoutes } from './modules/credit/routes.js';
import { metaRoutes } from './modules/meta/routes.js';
import { notificationsRoutes } from './modules/notifications/index.js';
import { ecoFeesRoutes } from './modules/ecofees/routes.js';
import { collectionRoutes } from './modules/collection/routes.js';
import { todosRoutes } from './modules/todos/index.js';
import { disclosureRoutes } from './modules/disclosure/index.js';
import { marketsRoutes } from './modules/markets/index.js';
import { watchesRoutes } from './modules/watches/index.js';
import { within } from './realtime/emitter.js';
import { clientsRoutes, oauthBodyErrors } from './modules/clients/index.js';
import { feedsRoutes } from './modules/feeds/index.js';
import { inboundRoutes } from './modules/inbound/index.js';

/**
 * swagger-ui's static files. Found through its package.json: the package's main module loads its
 * 1.4 MB browser bundle into the server (≈ 28 MB of RSS, issue 15) only to say where it lives.
 */
const SWAGGER_UI_DIR = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CLIENT_DIST = path.join(ROOT, 'client/dist');

/** Every /api/v1 route, from every module. The security tests read the same list. */
export function allRoutes(ctx: AppContext): RouteDef[] {
  return [
    ...authRoutes(ctx),
    ...orgsRoutes(ctx),
    ...catalogRoutes(ctx),
    ...listingsRoutes(ctx),
    ...bidsRoutes(ctx),
    ...tradesRoutes(ctx),
    ...pricesRoutes(ctx),
    ...paymentsRoutes(ctx),
    ...settlementRoutes(ctx),
    ...ledgerRoutes(ctx),
    ...regulatorRoutes(ctx),
    ...alertsRoutes(ctx),
    ...manifestsRoutes(ctx),
    ...notificationsRoutes(ctx),
    ...documentsRoutes(ctx),
    ...creditRoutes(ctx),
    ...metaRoutes(ctx),
    ...ecoFeesRoutes(ctx),
    ...collectionRoutes(ctx),
    ...todosRoutes(ctx),
    ...clientsRoutes(ctx),
    ...feedsRoutes(ctx),
    ...inboundRoutes(ctx),
    ...disclosureRoutes(ctx),
    ...marketsRoutes(ctx),
    ...watchesRoutes(ctx),
  ];
}

/** The document served at /api/openapi.json; scripts/ci/openapi.ts lints the same one. */
export function apiDocument(routes: RouteDef[]): Record<string, unknown> {
  return openApiDocument(
    routes,
    // No licence is granted (package.json: private); the document says so rather than nothing.
    { title: 'Zero-Waste Exchange API', version: '1', license: { name: 'Proprietary: all rights reserved' } },
    STRIPE_WEBHOOK_OPENAPI,
  );
}

const metricsRegistry = new client.Registry();
client.collectDefaultMetrics({ register: metricsRegistry });
const httpDuration = new client.Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP request duration by route and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  registers: [metricsRegistry],
});

/** clientDist: the built web client to serve (tests pass their own). */
export function createApp(ctx: AppContext, { clientDist = CLIENT_DIST }: { clientDist?: string } = {}): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', ctx.config.TRUST_PROXY);
  app.set('query parser', 'simple');

  app.use(
    pinoHttp({
      logger: ctx.logger,
      genReqId: (req, res) => {
        const incoming = req.headers['x-request-id'];
        const id = typeof incoming === 'string' && /^[\w.-]{8,80}$/.test(incoming) ? incoming : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'info' : 'debug'),
      serializers: {
        req: (req) => ({ id: req.id, method: req.method, url: req.url }),
        res: (res) => ({ statusCode: res.statusCode }),
        err: serializeError,
      },
    }),
  );
  app.use((req, _res, next) => logContext.run({ reqId: String(req.id) }, next));
  app.use((req, res, next) => {
    const end = httpDuration.startTimer({ method: req.method });
    res.on('finish', () =>
      end({ route: req.route?.path ? `${req.baseUrl}${req.route.path}` : 'unmatched', status: res.statusCode }),
    );
    next();
  });
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          // swagger-ui's bundle needs inline styles; the app's own pages do not.
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:'],
          connectSrc: ["'self'", 'ws:', 'wss:'],
          upgradeInsecureRequests: null,
        },
      },
    }),
  );

  app.use('/api', corsForApi(corsOrigins(ctx.config.CORS_ORIGIN)));

  // Health and metrics at the root (DESIGN §7).
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const checks: Record<string, string> = {};
    try {
      await ctx.db.execute(sql`select 1`);
      checks.database = 'ok';
    } catch {
      checks.database = 'down';
    }
    // Without Redis the API still serves (rate limits count locally, jobs wait in the outbox), so a
    // load balancer must keep this process: Redis down is 'degraded', not a reason for 503.
    if (ctx.redis)
      checks.redis =
        ctx.redis.status === 'ready' &&
        (await within(
          ctx.redis.ping().catch(() => false),
          1000,
        )) === 'PONG'
          ? 'ok'
          : 'degraded';
    const ok = checks.database === 'ok';
    res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'unavailable', checks });
  });
  app.get('/metrics', metricsAccess(ctx.config.METRICS_TOKEN), async (_req, res) => {
    res.setHeader('Content-Type', metricsRegistry.contentType);
    res.send(await metricsRegistry.metrics());
  });

  const routes = allRoutes(ctx);
  const openapi = apiDocument(routes);
  app.get('/api/openapi.json', (_req, res) => {
    res.json(openapi);
  });
  app.use('/api/docs', express.static(SWAGGER_UI_DIR, { index: false, redirect: false }));
  app.get('/api/docs', (_req, res) => {
    res.type('html').send(SWAGGER_PAGE);
  });
  app.get('/api/docs/init.js', (_req, res) => {
    res
      .type('application/javascript')
      .send(`window.onload=()=>{window.ui=SwaggerUIBundle({url:'/api/openapi.json',dom_id:'#swagger-ui'});};`);
  });

  // Stripe signs the raw bytes: this route takes them before any JSON parser, outside the route table
  // (policy.ts OUTSIDE_ROUTE_TABLE), with no token (the signature is the authentication).
  app.post('/api/v1/payments/stripe/webhook', ...stripeWebhookHandlers(ctx));

  const api = Router();
  api.use(express.json({ limit: ctx.config.BODY_LIMIT, strict: true }));
  // RFC 6749 §4.4.2: the token request may come as a form; no other route takes one.
  api.use('/oauth/token', express.urlencoded({ extended: false, limit: '4kb' }), oauthBodyErrors);
  api.use(authenticate(ctx.auth, ctx.clients));
  api.use(
    rateLimit({
      windowMs: 60_000,
      limit: ctx.config.RATE_LIMIT_PER_MINUTE,
      standardHeaders: 'draft-7',
      legacyHeaders: false,
      // IPv6 clients are keyed by their /56 so one host cannot rotate addresses past the limit.
      keyGenerator: (req) =>
        !req.actor
          ? `ip:${ipKeyGenerator(req.ip ?? '')}`
          : isUserActor(req.actor)
            ? `u:${req.actor.userId}`
            : `c:${req.actor.clientId}`,
      ...(ctx.redis ? { store: new RedisWithMemoryFallbackStore(ctx.redis, `${ctx.config.REDIS_PREFIX}:rl:`, ctx.logger) } : {}),
      handler: (_req, res, next) => {
        const reset = res.getHeader('RateLimit-Reset') ?? res.getHeader('RateLimit');
        const m = typeof reset === 'string' ? /(\d+)\s*$/.exec(reset) : null;
        next(new AppError(ErrorCodes.RATE_LIMITED, 'too many requests; slow down', { retryAfterSeconds: m ? Number(m[1]) : 60 }));
      },
    }),
  );
  api.post(
    '/auth/register',
    registerRateLimit(
      ctx.config.RATE_LIMIT_PER_MINUTE,
      ctx.redis ? new RedisWithMemoryFallbackStore(ctx.redis, `${ctx.config.REDIS_PREFIX}:rlreg:`, ctx.logger) : undefined,
    ),
  );
  mountRoutes(api, routes, ctx.db);
  api.use(notFoundHandler);
  app.use('/api/v1', api);
  app.use('/api', notFoundHandler);

  if (existsSync(clientDist)) {
    const assets = clientAssets(clientDist);
    app.use(assets);
    // A hashed asset that is not there (an old tab after a deploy) is a 404, not the app shell.
    app.use('/assets', notFoundHandler);
    // The client routes in the browser: every other GET gets the app shell.
    app.get(/^(?!\/api\/|\/socket\.io\/).*/, (req, res, next) => {
      req.url = '/index.html';
      assets(req, res, next);
    });
  }
  app.use(errorHandler(ctx.logger));
  return app;
}

const SWAGGER_PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>Zero-Waste Exchange API</title>
<link rel="stylesheet" href="/api/docs/swagger-ui.css"></head><body><div id="swagger-ui"></div>
<script src="/api/docs/swagger-ui-bundle.js"></script><script src="/api/docs/init.js"></script></body></html>`;
