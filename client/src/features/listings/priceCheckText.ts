import { bandLimits, type PriceCheck, type PriceCheckReason } from '../../../../shared/src/pricecheck.js';

// Pure and free of React and of the i18n module, so tests/unit/pricecheck-reason-text.test.ts can
// check every reason's zh-CN and en sentence in Node; components/PriceCheckFeedback.tsx shows them.

/** The message key of a reason: band reasons on a band of fees (high ≤ 0) speak of the fee. */
export function priceCheckReasonKey(reason: PriceCheckReason): string {
  if (reason.code === 'AGAINST_USUAL_DIRECTION') return `pricecheck.reason.AGAINST_USUAL_DIRECTION.${reason.usual}`;
  return `pricecheck.reason.${reason.code}${reason.highFen <= 0 ? '.fee' : ''}`;
}

/**
 * One reason of a price check (DESIGN §6.3) in words. Below a fee band a price is a *higher* fee,
 * hence the `.fee` sentences. `say` is the i18n t(); prices and deviations are formatted by the caller's helpers.
 */
export function priceCheckReasonText(
  reason: PriceCheckReason,
  check: Pick<PriceCheck, 'deviation'>,
  say: (key: string, params?: Record<string, string | number>) => string,
  format: { range(lowFen: number, highFen: number): string; deviation(bp: number | null): string },
): string {
  if (reason.code === 'AGAINST_USUAL_DIRECTION') return say(priceCheckReasonKey(reason));
  const limits = bandLimits(reason);
  return say(priceCheckReasonKey(reason), {
    band: format.range(reason.lowFen, reason.highFen),
    deviation: format.deviation(check.deviation),
    range: format.range(limits.flaggedLowFen, limits.flaggedHighFen),
  });
}
