import { AsyncLocalStorage } from 'node:async_hooks';
import { pino, type DestinationStream, type Logger } from 'pino';

/** Per-request (or per-job) context; every log line carries its ids. */
export interface LogContext {
  reqId?: string;
  jobId?: string;
  jobName?: string;
  tradeId?: string;
}

export const logContext = new AsyncLocalStorage<LogContext>();

/** Field names whose values never reach a log line, at any depth the serializer and redaction reach. */
const SECRET_KEYS = [
  'password',
  'currentPassword',
  'newPassword',
  'passwordHash',
  'password_hash',
  'hash',
  'token',
  'accessToken',
  'refreshToken',
  'refresh_token',
  'tokenHash',
  'token_hash',
  'secret',
  'apiKey',
  'authorization',
  'cookie',
  'set-cookie',
];

/** pino redaction paths: the keys at the top level and two levels down, and the request and response headers. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  ...SECRET_KEYS.flatMap((k) => {
    const key = /^[A-Za-z_]\w*$/.test(k) ? k : `["${k}"]`;
    const dot = key.startsWith('[') ? '' : '.';
    return [key, `*${dot}${key}`, `*.*${dot}${key}`];
  }),
];

/** Properties of database errors that carry the statement's values (drizzle `params`, pg `detail`). */
const VALUE_KEYS = new Set(['params', 'parameters', 'values', 'detail', 'where', 'internalQuery']);

/**
 * Errors are logged without the values they carry: drizzle puts every bound parameter of a failed
 * statement (an argon2 hash, a token hash, an email) in `params` and in its message
 * ("Failed query: …\nparams: …"), which is copied into `stack`; pg puts row values in `detail`.
 * Keeps the SQL text (placeholders only), the SQLSTATE code, constraint and table names.
 */
const stripParams = (s: unknown) =>
  typeof s === 'string' ? s.replace(/\nparams: [\s\S]*?(?=\n {4}at |$)/, '\nparams: [redacted]') : s;

/** An error's message without a failed statement's parameters, for storing (e.g. outbox.last_error). */
export function safeErrorMessage(err: unknown): string {
  return String(stripParams(err instanceof Error ? err.message : String(err)));
}

export function serializeError(err: unknown, depth = 0): unknown {
  if (!(err instanceof Error) || depth > 5) return err;
  const out = pino.stdSerializers.err(err) as unknown as Record<string, unknown>;
  const strip = stripParams;
  out.message = strip(out.message);
  out.stack = strip(out.stack);
  for (const k of Object.keys(out)) {
    if (VALUE_KEYS.has(k) || SECRET_KEYS.includes(k)) out[k] = '[redacted]';
  }
  const cause = (err as { cause?: unknown }).cause;
  if (cause !== undefined) out.cause = serializeError(cause, depth + 1);
  return out;
}

/** The app's logger; tests pass a destination to read what would be written. */
export function createLogger(level: string, name = 'zwx', destination?: DestinationStream): Logger {
  const options = {
    name,
    level,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin: () => ({ ...(logContext.getStore() ?? {}) }),
    serializers: { err: serializeError, error: serializeError },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  };
  return destination ? pino(options, destination) : pino(options);
}
