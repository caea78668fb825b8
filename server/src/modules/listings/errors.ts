import { AppError, ErrorCodes } from '../../../../shared/src/errors.js';

/** A 400 naming one field, the same shape as a schema failure (details.fields). */
export function invalidField(path: string, message: string): AppError {
  return new AppError(ErrorCodes.VALIDATION_FAILED, `invalid request: ${path}: ${message}`, { fields: [{ path, message }] });
}

export function invalidFields(fields: { path: string; message: string }[]): AppError {
  return new AppError(
    ErrorCodes.VALIDATION_FAILED,
    `invalid request: ${fields.map((f) => `${f.path}: ${f.message}`).join('; ')}`,
    { fields },
  );
}

export function listingNotFound(): AppError {
  return new AppError(ErrorCodes.NOT_FOUND, 'no such listing');
}

export function listingNotOpen(status: string, why?: string): AppError {
  return new AppError(ErrorCodes.LISTING_NOT_OPEN, why ?? `the listing is ${status} and takes no more bids`, { status });
}
