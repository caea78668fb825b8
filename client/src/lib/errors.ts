import { ErrorCodes } from '../../../shared/src/errors.js';
import { ApiError } from './api';
import type { MessageKey, TFunction } from '../i18n';

/** Codes the client itself produces (no server error code): a dropped connection. */
const CLIENT_CODES = ['NETWORK'] as const;
const TRANSLATED = new Set<string>([...Object.values(ErrorCodes), ...CLIENT_CODES]);

/**
 * A message for the user in the current language: every API error code (shared/src/errors.ts) has
 * its own text in both dictionaries (tests/unit/i18n-coverage.test.ts), so the server's English
 * message never reaches a user (issue 13 item 9).
 */
export function errorText(err: unknown, t: TFunction): string {
  if (err instanceof ApiError) {
    const code = TRANSLATED.has(err.code) ? err.code : 'INTERNAL';
    return t(`error.${code}` as MessageKey, { requestId: err.requestId ?? '—' });
  }
  return t('error.INTERNAL', { requestId: '—' });
}
