import type { TFunction } from '../i18n';
import { ApiError } from './api';
import { fieldErrorText, fieldProblemFor } from './fieldErrorText';

export { fieldErrorText };

/**
 * The message for `path` (or a deeper path under it), if the error names it: translated for the
 * server's errors, as written for a form's own check (`localFieldError`, already in the user's language).
 */
export function fieldErrorFor(error: ApiError, path: string, t: TFunction): string | undefined {
  const f = fieldProblemFor(error.fields, path);
  if (!f) return undefined;
  return error.details?.local === true ? f.message : fieldErrorText(f, t);
}

/** A form's own check of one field, shaped like the server's 400 so the form shows both alike. */
export function localFieldError(path: string, message: string): ApiError {
  return new ApiError(400, 'VALIDATION_FAILED', '', { fields: [{ path, message }], local: true }, undefined);
}
