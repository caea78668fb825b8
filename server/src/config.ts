import { z } from 'zod';

/**
 * The one place that reads process.env. Parsed once at boot; a bad value stops the process with
 * every bad key named. .env.example documents each key.
 */
const bool = z
  .enum(['true', 'false', '1', '0', ''])
  .transform((v) => v === 'true' || v === '1');

const intIn = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const dateList = z
  .string()
  .transform((s) => s.split(',').map((d) => d.trim()).filter(Boolean))
  .pipe(z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'dates as YYYY-MM-DD, comma-separated')));

export const ZConfig = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    PORT: intIn(0, 65535).default(3000),
    HOST: z.string().default('0.0.0.0'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'a postgres:// URL')
      .optional()
      .or(z.literal('').transform(() => undefined)),
    DATA_DIR: z.string().default('./data'),
    REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\//, 'a redis:// URL')
      .optional()
      .or(z.literal('').transform(() => undefined)),
    RUN_WORKERS_IN_PROCESS: bool.optional(),
    PAYMENT_PROVIDER: z.enum(['simulated', 'stripe', 'bank_transfer']).optional(),
    STRIPE_SECRET_KEY: z.string().optional(),
    STRIPE_WEBHOOK_SECRET: z.string().optional(),
    STRIPE_API_HOST: z.string().optional(),
    STRIPE_API_PORT: intIn(1, 65535).optional(),
    STRIPE_API_PROTOCOL: z.enum(['https', 'http']).optional(),
    STRIPE_RECONCILE_SECONDS: intIn(5, 86_400).default(300),
    /** Fault injection for the settlement crash tests (RELIABILITY M1); refused in production. */
    CRASH_AT: z.enum(['before_refund_call', 'after_refund_call_before_commit', 'after_commit_before_ack']).optional(),
    JWT_SECRET: z.string().min(32, 'at least 32 characters').optional(),
    ADMIN_EMAIL: z.email().default('admin@zwx.local'),
    ADMIN_PASSWORD: z.string().min(10, 'at least 10 characters').default('admin-demo-2026'),
    AUCTION_MIN_LEAD_SECONDS: intIn(0, 86_400 * 365).default(5),
    WEIGHT_TOLERANCE_BP: intIn(0, 10_000).default(200),
    PLATFORM_FEE_BP: intIn(0, 10_000).default(100),
    ECO_FEE_FEN_PER_TONNE: intIn(0, 100_000_000).default(3000),
    RECEIPT_DUE_WORKING_DAYS: intIn(1, 60).default(5),
    DISPOSAL_DUE_DAYS: intIn(1, 365).default(30),
    HOLIDAYS: dateList.default([]),
    MAKEUP_WORKDAYS: dateList.default([]),
    TRANSIT_STUCK_HOURS: intIn(1, 24 * 90).default(48),
    MANIFEST_SWEEP_SECONDS: intIn(10, 86_400).default(300),
    MANIFEST_PDF_FONT: z.string().min(1).default('/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc'),
    MANIFEST_PDF_FONT_NAME: z.string().default('NotoSansCJKsc-Regular'),
    WEBHOOK_ALLOW_LOOPBACK: bool.default(false),
    /** Credit webhooks: wait before the 2nd attempt, doubling each time (capped at 6 h). */
    CREDIT_WEBHOOK_BACKOFF_MS: intIn(1, 3_600_000).default(60_000),
    /** Credit webhooks: attempts in all before a delivery goes to the dead-letter table. */
    CREDIT_WEBHOOK_MAX_ATTEMPTS: intIn(1, 20).default(6),
    BODY_LIMIT: z.string().regex(/^\d+(kb|mb)$/, 'like 100kb or 1mb').default('100kb'),
    RATE_LIMIT_PER_MINUTE: intIn(1, 1_000_000).default(600),
    SEED_DEMO: bool.optional(),
    RELAY_INTERVAL_MS: intIn(10, 60_000).default(250),
    SWEEP_STUCK_AFTER_SECONDS: intIn(5, 86_400).default(300),
    CORS_ORIGIN: z
      .string()
      .optional()
      .refine(
        (v) => !v || v.split(',').map((s) => s.trim()).filter(Boolean).every((o) => /^https?:\/\/[^/\s*]+$/.test(o)),
        'origins like https://exchange.example.cn, comma-separated (no * and no path: the API allows credentials)',
      ),
    METRICS_TOKEN: z.string().min(16, 'at least 16 characters').optional().or(z.literal('').transform(() => undefined)),
  })
  .superRefine((c, ctx) => {
    if (c.NODE_ENV === 'production') {
      if (c.WEBHOOK_ALLOW_LOOPBACK === true)
        ctx.addIssue({ code: 'custom', path: ['WEBHOOK_ALLOW_LOOPBACK'], message: 'refused in production' });
      if (c.CRASH_AT)
        ctx.addIssue({ code: 'custom', path: ['CRASH_AT'], message: 'refused in production (fault injection for tests)' });
      if (!c.JWT_SECRET)
        ctx.addIssue({ code: 'custom', path: ['JWT_SECRET'], message: 'required in production' });
      if (!c.DATABASE_URL)
        ctx.addIssue({ code: 'custom', path: ['DATABASE_URL'], message: 'required in production (the embedded database is for evaluation)' });
    }
    if (c.PAYMENT_PROVIDER === 'stripe' && !c.STRIPE_SECRET_KEY)
      ctx.addIssue({ code: 'custom', path: ['STRIPE_SECRET_KEY'], message: 'required when PAYMENT_PROVIDER=stripe' });
  }, { when: () => true }); // also when other keys failed, so one boot names every bad key

type Parsed = z.infer<typeof ZConfig>;

export interface Config extends Omit<Parsed, 'RUN_WORKERS_IN_PROCESS' | 'PAYMENT_PROVIDER' | 'JWT_SECRET' | 'SEED_DEMO'> {
  RUN_WORKERS_IN_PROCESS: boolean;
  PAYMENT_PROVIDER: 'simulated' | 'stripe' | 'bank_transfer';
  JWT_SECRET: string;
  SEED_DEMO: boolean;
  /** Embedded mode: PGlite, in-process jobs, simulated payments. */
  embedded: boolean;
}

export class ConfigError extends Error {
  constructor(readonly problems: { key: string; message: string }[]) {
    super(`invalid configuration: ${problems.map((p) => `${p.key}: ${p.message}`).join('; ')}`);
    this.name = 'ConfigError';
  }
}

const DEV_JWT_SECRET = 'zwx-development-secret-not-for-production-use';

/** Parses an environment (process.env by default) into a typed config, or throws ConfigError naming every bad key. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const known = Object.keys(ZConfig.shape ?? {});
  const input = Object.fromEntries(Object.entries(env).filter(([k]) => known.includes(k)));
  const result = ZConfig.safeParse(input);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((i) => ({ key: String(i.path[0] ?? '?'), message: i.message })));
  }
  const c = result.data;
  const embedded = !c.DATABASE_URL;
  return {
    ...c,
    JWT_SECRET: c.JWT_SECRET ?? DEV_JWT_SECRET,
    // Embedded sites and single-process deployments run jobs in the API process; with Redis the
    // default is separate workers (npm run worker).
    RUN_WORKERS_IN_PROCESS: c.RUN_WORKERS_IN_PROCESS ?? !c.REDIS_URL,
    PAYMENT_PROVIDER: c.PAYMENT_PROVIDER ?? (c.STRIPE_SECRET_KEY ? 'stripe' : 'simulated'),
    SEED_DEMO: c.SEED_DEMO ?? embedded,
    embedded,
  };
}

/** The environment for a child process (e.g. the client build): this process's, with overrides. */
export function childEnvironment(overrides: Record<string, string>): Record<string, string | undefined> {
  return { ...process.env, ...overrides };
}
