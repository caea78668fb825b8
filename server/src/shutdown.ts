import type { Logger } from 'pino';

/** Everything must be closed this long after the first SIGTERM/SIGINT; then the process exits anyway. */
export const SHUTDOWN_DEADLINE_MS = 10_000;

/**
 * Graceful shutdown, bounded (docs/architecture.md §2): the first SIGTERM or SIGINT runs `close`
 * (stop taking work, finish what was acknowledged, close connections) and exits 0; a second signal,
 * or `close` still running at the deadline, exits 1 at once. What a forced exit cuts short was never
 * acknowledged: a request without a response, or a job BullMQ redelivers and the outbox sweeper
 * re-enqueues, guarded by the database.
 */
export function exitGracefullyOnSignals(logger: Logger, close: () => Promise<void>, deadlineMs = SHUTDOWN_DEADLINE_MS): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal during shutdown: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal, deadlineMs }, 'shutting down');
    const force = setTimeout(() => {
      logger.error({ deadlineMs }, 'shutdown did not finish before its deadline: exiting now');
      process.exit(1);
    }, deadlineMs);
    force.unref();
    close().then(
      () => {
        logger.info('shut down cleanly');
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
