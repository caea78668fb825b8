/**
 * Named crash points for the exactly-once settlement tests (RELIABILITY M1). When CRASH_AT names a
 * point, the process SIGKILLs itself there: no finally blocks, no graceful close, exactly what a
 * power cut or an OOM kill does. config.ts refuses CRASH_AT in production.
 */
export const CRASH_POINTS = ['before_refund_call', 'after_refund_call_before_commit', 'after_commit_before_ack'] as const;
export type CrashPoint = (typeof CRASH_POINTS)[number];

export type Crash = (point: CrashPoint) => void;

export function crashAt(
  configured: CrashPoint | undefined,
  kill: () => void = () => process.kill(process.pid, 'SIGKILL'),
): Crash {
  return (point) => {
    if (configured !== point) return;
    kill();
    // SIGKILL to ourselves lands before the next instruction; this never returns if it did not.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10_000);
    throw new Error(`crash point ${point} did not stop the process`);
  };
}
