import { AsyncLocalStorage } from 'node:async_hooks';
import { pino, type Logger } from 'pino';

/** Per-request (or per-job) context; every log line carries its ids. */
export interface LogContext {
  reqId?: string;
  jobId?: string;
  jobName?: string;
  tradeId?: string;
}

export const logContext = new AsyncLocalStorage<LogContext>();

export function createLogger(level: string, name = 'zwx'): Logger {
  return pino({
    name,
    level,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin: () => ({ ...(logContext.getStore() ?? {}) }),
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'password', '*.password'], censor: '[redacted]' },
  });
}
