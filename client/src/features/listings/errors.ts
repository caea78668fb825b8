import type { PriceCheck } from '../../../../shared/src/pricecheck.js';
import type { Lang, TFunction } from '../../i18n';
import { ApiError } from '../../lib/api';
import { errorText } from '../../lib/errors';
import { formatPricePerTonne } from '../../lib/money';
import { tk } from './labels';

/** Codes a trading action can come back with that we explain in our own words (DESIGN §7.1). */
const EXPLAINED = new Set([
  'JUSTIFICATION_REQUIRED',
  'PRICE_OUT_OF_RANGE',
  'LICENCE_REQUIRED',
  'LICENCE_SCOPE',
  'LICENCE_EXPIRED',
  'LICENCE_SUSPENDED',
  'CREDIT_BARRED',
  'SELF_DEALING',
  'BELOW_RESERVE',
  'CAPACITY_EXCEEDED',
  'LISTING_NOT_OPEN',
  'FORBIDDEN_ROLE',
  'NOT_A_PARTY',
  'INVALID_STATE',
  'VALIDATION_FAILED',
  'UNAUTHENTICATED',
  'NOT_FOUND',
]);

export interface TradingProblem {
  code: string;
  /** Our sentence for the code. */
  title: string;
  /** The server's own explanation (it names what is missing), when it adds something. */
  detail?: string;
  /** The server's price check from a 422 (JUSTIFICATION_REQUIRED, PRICE_OUT_OF_RANGE). */
  priceCheck?: PriceCheck;
}

export function tradingProblem(err: unknown, t: TFunction, lang: Lang): TradingProblem {
  if (!(err instanceof ApiError) || !EXPLAINED.has(err.code)) {
    return { code: err instanceof ApiError ? err.code : 'ERROR', title: errorText(err, t) };
  }
  const details = err.details ?? {};
  const reserve = typeof details.reservePerTonneFen === 'number' ? formatPricePerTonne(details.reservePerTonneFen, lang) : '—';
  const priceCheck =
    details.priceCheck && typeof details.priceCheck === 'object' ? (details.priceCheck as PriceCheck) : undefined;
  return {
    code: err.code,
    title: t(tk(`trading.error.${err.code}`), { reserve }),
    // The server's own sentence is English: only an English reader sees it as a detail (issue 13 item 9).
    detail: lang !== 'en' || (err.code === 'VALIDATION_FAILED' && err.fields.length) ? undefined : err.message,
    ...(priceCheck ? { priceCheck } : {}),
  };
}
