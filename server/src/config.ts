import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';

/**
 * The one place that reads process.env. Parsed once at boot; a bad value stops the process with
 * every bad key named. .env.example documents each key.
 */
const bool = z.enum(['true', 'false', '1', '0', '']).transform((v) => v === 'true' || v === '1');

const intIn = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const dateList = z
  .string()
  .transform((s) =>
    s
      .split(',')
      .map((d) => d.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'dates as YYYY-MM-DD, comma-separated')));

/** Optional text shown to users (the bank account): trimmed, empty is unset. */
const zBankField = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `at most ${max} characters`)
    .optional()
    .transform((v) => v || undefined);

const PROXY_PRESETS = ['loopback', 'linklocal', 'uniquelocal'];
function isAddressOrCidr(s: string): boolean {
  const [address = '', bits, ...rest] = s.split('/');
  const family = isIP(address);
  if (!family || rest.length) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
}

/**
 * Express's 'trust proxy': false (unset), a hop count, or proxy addresses/CIDRs/presets separated by
 * commas. `true` (trust any X-Forwarded-For) is refused: it lets a client choose its own address.
 */
const trustProxy = z
  .string()
  .trim()
  .optional()
  .transform((v, ctx): string | number | false => {
    if (!v || v === 'false') return false;
    if (/^\d+$/.test(v)) return Number(v);
    const bad = v
      .split(',')
      .map((p) => p.trim())
      .filter((p) => !PROXY_PRESETS.includes(p) && !isAddressOrCidr(p));
    if (bad.length)
      ctx.addIssue({
        code: 'custom',
        message: `not a hop count, address, CIDR or ${PROXY_PRESETS.join('/')}: ${bad.join(', ')}`,
      });
    return v;
  });

/** The documented demo password of the first admin; production refuses it. */
export const DEFAULT_ADMIN_PASSWORD = 'admin-demo-2026';
/**
 * No ':' (BullMQ joins key parts with it), no '#' or '/' (socket.io channel separators) and no glob
 * characters (the adapter psubscribes to `<key>#/#*`), so one deployment's keys and channels never
 * fall under another's prefix.
 */
const REDIS_PREFIX_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

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
    DB_POOL_SIZE: intIn(1, 200).default(20),
    BID_GROUP_COMMIT_MS: intIn(0, 2).default(0),
    /** Embedded mode: run PGlite on a worker thread so HTTP and live events keep serving during writes (default true; false: on the API's thread). */
    PGLITE_THREAD: bool.optional(),
    REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\//, 'a redis:// URL')
      .optional()
      .or(z.literal('').transform(() => undefined)),
    /** Prefix of this deployment's Redis keys and channels; unset: derived from the database name (defaultRedisPrefix). */
    REDIS_PREFIX: z
      .string()
      .regex(REDIS_PREFIX_PATTERN, 'letters, digits, _ . - (at most 64, starting with a letter or digit)')
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
    /** The platform's receiving account for bank transfers, shown to the payer with the reference. */
    BANK_ACCOUNT_NAME: zBankField(100),
    BANK_ACCOUNT_NUMBER: zBankField(40),
    BANK_NAME: zBankField(100),
    /** Fault injection for the settlement crash tests (RELIABILITY M1); refused in production. */
    CRASH_AT: z.enum(['before_refund_call', 'after_refund_call_before_commit', 'after_commit_before_ack']).optional(),
    JWT_SECRET: z.string().min(32, 'at least 32 characters').optional(),
    ADMIN_EMAIL: z.email().default('admin@zwx.local'),
    ADMIN_PASSWORD: z.string().min(10, 'at least 10 characters').default(DEFAULT_ADMIN_PASSWORD),
    AUCTION_MIN_LEAD_SECONDS: intIn(0, 86_400 * 365).default(5),
    WEIGHT_TOLERANCE_BP: intIn(0, 10_000).default(200),
    PLATFORM_FEE_BP: intIn(0, 10_000).default(100),
    RECEIPT_DUE_WORKING_DAYS: intIn(1, 60).default(5),
    DISPOSAL_DUE_DAYS: intIn(1, 365).default(30),
    /** Issue 18: the largest lot (kg per shipment) a small producer declares at a collection point. */
    SMALL_LOT_MAX_KG: intIn(1, 1_000_000).default(1000),
    /** Issue 18: working days a designated disposer of last resort has to accept or decline a fallback request. */
    FALLBACK_RESPONSE_WORKING_DAYS: intIn(1, 60).default(3),
    HOLIDAYS: dateList.default([]),
    MAKEUP_WORKDAYS: dateList.default([]),
    TRANSIT_STUCK_HOURS: intIn(1, 24 * 90).default(48),
    MANIFEST_SWEEP_SECONDS: intIn(10, 86_400).default(300),
    DEADLINE_REMINDER_HOURS: intIn(1, 24 * 30).default(24),
    MANIFEST_PDF_FONT: z.string().min(1).default('/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc'),
    MANIFEST_PDF_FONT_NAME: z.string().default('NotoSansCJKsc-Regular'),
    WEBHOOK_ALLOW_LOOPBACK: bool.default(false),
    /** Credit webhooks: wait before the 2nd attempt, doubling each time (capped at 6 h). */
    CREDIT_WEBHOOK_BACKOFF_MS: intIn(1, 3_600_000).default(60_000),
    /** Credit webhooks: attempts in all before a delivery goes to the dead-letter table. */
    CREDIT_WEBHOOK_MAX_ATTEMPTS: intIn(1, 20).default(6),
    /** Largest uploaded document (PDF, JPEG, PNG) in bytes; larger get 413 PAYLOAD_TOO_LARGE. */
    DOCUMENT_MAX_BYTES: intIn(1024, 100 * 1024 * 1024).default(10 * 1024 * 1024),
    BODY_LIMIT: z
      .string()
      .regex(/^\d+(kb|mb)$/, 'like 100kb or 1mb')
      .default('100kb'),
    RATE_LIMIT_PER_MINUTE: intIn(1, 1_000_000).default(600),
    SEED_DEMO: bool.optional(),
    RELAY_INTERVAL_MS: intIn(10, 60_000).default(250),
    SWEEP_STUCK_AFTER_SECONDS: intIn(5, 86_400).default(300),
    CORS_ORIGIN: z
      .string()
      .optional()
      .refine(
        (v) =>
          !v ||
          v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
            .every((o) => /^https?:\/\/[^/\s*]+$/.test(o)),
        'origins like https://exchange.example.cn, comma-separated (no * and no path: the API allows credentials)',
      ),
    METRICS_TOKEN: z
      .string()
      .min(16, 'at least 16 characters')
      .optional()
      .or(z.literal('').transform(() => undefined)),
    /** Production may run simulated payments only when this says so; every page then shows a banner. */
    ALLOW_SIMULATED_PAYMENTS: bool.default(false),
    /** Express 'trust proxy': unset trusts no proxy, so X-Forwarded-For cannot choose the client address. */
    TRUST_PROXY: trustProxy,
  })
  .superRefine(
    (c, ctx) => {
      if (c.NODE_ENV === 'production') {
        if (c.WEBHOOK_ALLOW_LOOPBACK === true)
          ctx.addIssue({ code: 'custom', path: ['WEBHOOK_ALLOW_LOOPBACK'], message: 'refused in production' });
        if (c.CRASH_AT)
          ctx.addIssue({ code: 'custom', path: ['CRASH_AT'], message: 'refused in production (fault injection for tests)' });
        if (c.JWT_SECRET && secretEntropyBits(c.JWT_SECRET) < MIN_SECRET_BITS)
          ctx.addIssue({
            code: 'custom',
            path: ['JWT_SECRET'],
            message: `about ${Math.floor(secretEntropyBits(c.JWT_SECRET))} bits of entropy, at least ${MIN_SECRET_BITS} needed in production (openssl rand -base64 32)`,
          });
        if (!c.DATABASE_URL)
          ctx.addIssue({
            code: 'custom',
            path: ['DATABASE_URL'],
            message: 'required in production (the embedded database is for evaluation)',
          });
        // Demo behaviour a production start refuses (issue 10 item 2).
        if ((c.PAYMENT_PROVIDER ?? 'simulated') === 'simulated' && !c.ALLOW_SIMULATED_PAYMENTS)
          ctx.addIssue({
            code: 'custom',
            path: ['PAYMENT_PROVIDER'],
            message:
              'stripe or bank_transfer required in production (simulated moves no money; ALLOW_SIMULATED_PAYMENTS=true to run it anyway)',
          });
        if (c.ADMIN_PASSWORD === DEFAULT_ADMIN_PASSWORD || (c.ADMIN_PASSWORD?.length ?? 0) < 12)
          ctx.addIssue({
            code: 'custom',
            path: ['ADMIN_PASSWORD'],
            message: 'refused in production: the documented default or shorter than 12 characters',
          });
        if (c.SEED_DEMO === true)
          ctx.addIssue({
            code: 'custom',
            path: ['SEED_DEMO'],
            message: 'refused in production (demo organisations with published passwords)',
          });
      }
      // Several processes share one database and must verify each other's tokens; embedded mode
      // generates its own key in DATA_DIR (server/src/modules/auth/secret.ts).
      if (!c.JWT_SECRET && (c.NODE_ENV === 'production' || c.DATABASE_URL))
        ctx.addIssue({
          code: 'custom',
          path: ['JWT_SECRET'],
          message: `required ${c.NODE_ENV === 'production' ? 'in production' : 'when DATABASE_URL is set'} (openssl rand -base64 32)`,
        });
      if (c.JWT_SECRET && PUBLISHED_SECRETS.has(c.JWT_SECRET))
        ctx.addIssue({
          code: 'custom',
          path: ['JWT_SECRET'],
          message: 'a value published in this repository; generate your own (openssl rand -base64 32)',
        });
      if (c.PAYMENT_PROVIDER === 'stripe' && !c.STRIPE_SECRET_KEY)
        ctx.addIssue({ code: 'custom', path: ['STRIPE_SECRET_KEY'], message: 'required when PAYMENT_PROVIDER=stripe' });
      // Payers cannot transfer to an account nobody told them, nor to half of one.
      const bankKeys = ['BANK_ACCOUNT_NAME', 'BANK_ACCOUNT_NUMBER', 'BANK_NAME'] as const;
      const bankRequired = c.NODE_ENV === 'production' && c.PAYMENT_PROVIDER === 'bank_transfer';
      if (bankRequired || bankKeys.some((k) => c[k]))
        for (const key of bankKeys)
          if (!c[key])
            ctx.addIssue({
              code: 'custom',
              path: [key],
              message: bankRequired
                ? 'required in production when PAYMENT_PROVIDER=bank_transfer'
                : 'set all of BANK_ACCOUNT_NAME, BANK_ACCOUNT_NUMBER and BANK_NAME, or none',
            });
    },
    { when: () => true },
  ); // also when other keys failed, so one boot names every bad key

type Parsed = z.infer<typeof ZConfig>;

export interface Config extends Omit<Parsed, 'RUN_WORKERS_IN_PROCESS' | 'PAYMENT_PROVIDER' | 'SEED_DEMO' | 'REDIS_PREFIX'> {
  REDIS_PREFIX: string;
  RUN_WORKERS_IN_PROCESS: boolean;
  PAYMENT_PROVIDER: 'simulated' | 'stripe' | 'bank_transfer';
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

/** The config a running process uses: JWT_SECRET resolved (embedded mode: generated in DATA_DIR at boot). */
export type RuntimeConfig = Config & { JWT_SECRET: string };

const MIN_SECRET_BITS = 128;

/**
 * Example and former default secrets that anyone can read in this repository: refused everywhere.
 * (The first was the built-in development secret before issue 10.)
 */
const PUBLISHED_SECRETS = new Set([
  'zwx-development-secret-not-for-production-use',
  'change-me-to-32-or-more-random-characters',
  'replace-with-at-least-32-random-characters',
]);

/**
 * A conservative estimate of a secret's entropy in bits: its length times the Shannon entropy of
 * its own character frequencies. 32 identical characters score 0; `openssl rand -base64 32` about
 * 220; a 40-character hex string about 150. Repetition and a small alphabet both lower the score.
 */
export function secretEntropyBits(secret: string): number {
  const chars = [...secret];
  const counts = new Map<string, number>();
  for (const ch of chars) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let perChar = 0;
  for (const n of counts.values()) {
    const p = n / chars.length;
    perChar -= p * Math.log2(p);
  }
  return perChar * chars.length;
}

/** Keys an earlier version read: ignoring one that is set would silently change what it meant, so the boot names it. */
const RETIRED_KEYS: Record<string, string> = {
  ECO_FEE_FEN_PER_TONNE:
    'removed: eco compensation rates are a table a city-scope regulator sets (POST /api/v1/eco-rates, docs/eco-compensation.md); unset it',
};

/** Parses an environment (process.env by default) into a typed config, or throws ConfigError naming every bad key. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const known = Object.keys(ZConfig.shape ?? {});
  const input = Object.fromEntries(Object.entries(env).filter(([k]) => known.includes(k)));
  const result = ZConfig.safeParse(input);
  const retired = Object.entries(RETIRED_KEYS)
    .filter(([k]) => env[k] !== undefined && env[k] !== '')
    .map(([key, message]) => ({ key, message }));
  if (!result.success || retired.length) {
    throw new ConfigError([
      ...(result.error?.issues.map((i) => ({ key: String(i.path[0] ?? '?'), message: i.message })) ?? []),
      ...retired,
    ]);
  }
  const c = result.data;
  const embedded = !c.DATABASE_URL;
  return {
    ...c,
    REDIS_PREFIX: c.REDIS_PREFIX ?? defaultRedisPrefix(c.DATABASE_URL, c.DATA_DIR),
    // Embedded sites and single-process deployments run jobs in the API process; with Redis the
    // default is separate workers (npm run worker).
    RUN_WORKERS_IN_PROCESS: c.RUN_WORKERS_IN_PROCESS ?? !c.REDIS_URL,
    PAYMENT_PROVIDER: c.PAYMENT_PROVIDER ?? (c.STRIPE_SECRET_KEY ? 'stripe' : 'simulated'),
    SEED_DEMO: c.SEED_DEMO ?? embedded,
    embedded,
  };
}

/** For a process's entry point: the config, or each bad key on stderr and exit code 2. */
export function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      for (const p of err.problems) console.error(`config: ${p.key}: ${p.message}`);
      process.exit(2);
    }
    throw err;
  }
}

/**
 * Deployments sharing one Redis server must not share queues, socket.io channels or rate-limit
 * counters (pub/sub ignores the database index), so the default prefix is the database's name: the
 * DATABASE_URL's database, or the embedded DATA_DIR's last segment; 'zwx' when neither gives one.
 */
export function defaultRedisPrefix(databaseUrl: string | undefined, dataDir: string): string {
  let name = '';
  if (databaseUrl) {
    try {
      name = decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\/+/, ''));
    } catch {
      name = '';
    }
  } else {
    name = path.basename(path.resolve(dataDir));
  }
  const safe = name
    .replace(/[^A-Za-z0-9_.-]/g, '_')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 64);
  return REDIS_PREFIX_PATTERN.test(safe) ? safe : 'zwx';
}

/** The environment for a child process (e.g. the client build): this process's, with overrides. */
export function childEnvironment(overrides: Record<string, string>): Record<string, string | undefined> {
  return { ...process.env, ...overrides };
}
