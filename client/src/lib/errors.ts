import { ApiError } from './api';
import type { MessageKey, TFunction } from '../i18n';

const TRANSLATED = new Set(['NETWORK', 'RATE_LIMITED', 'INTERNAL', 'UNAVAILABLE', 'CONFLICT']);

/** A message for the user: our own wording for codes we can say better, else the server's message. */
export function errorText(err: unknown, t: TFunction): string {
  if (err instanceof ApiError) {
    if (TRANSLATED.has(err.code)) {
      return t(`error.${err.code}` as MessageKey, { requestId: err.requestId ?? '—', message: err.message });
    }
    return err.message;
  }
  return err instanceof Error ? err.message : String(err);
}
