import type { MessageKey, TFunction } from '../i18n';
import { ApiError, type FieldError } from './api';

/**
 * The server's field messages are English sentences from the zod schemas (shared/src/schemas), with
 * no code of their own. The UI never shows them (issue 13 item 9): the common shapes are recognised
 * and said in the user's language with their figures; anything else gets the field's own "check
 * this" text where there is one, else a general one.
 */
const SHAPES: { re: RegExp; key: MessageKey; n?: boolean }[] = [
  { re: /^required$|^must not be empty$|expected \w+, received undefined$/i, key: 'fieldError.required' },
  { re: /^at most (\d+) characters$/, key: 'fieldError.maxChars', n: true },
  { re: /^at least (\d+) characters$/, key: 'fieldError.minChars', n: true },
  { re: /^not a valid email address$/, key: 'fieldError.email' },
  { re: /^a unified social credit code has 18 characters$|unified social credit code/i, key: 'fieldError.uscc' },
  { re: /^not a Shaoxing district code/, key: 'fieldError.district' },
  { re: /^at least one role$/, key: 'fieldError.roles' },
  { re: /^each role once$/, key: 'fieldError.roles' },
  { re: /^unknown field$/, key: 'fieldError.unknown' },
  // The forms take tonnes and yuan, so say it in their units.
  { re: /kilograms?$|^at least 1 kg$/, key: 'quantity.invalid' },
  { re: /fen per tonne$|^whole fen/, key: 'price.invalid' },
  { re: /^must not be negative$/, key: 'fieldError.negative' },
  { re: /^must not be before |^must not be below /, key: 'fieldError.order' },
  { re: /^not a valid id$/, key: 'fieldError.invalid' },
];

/** Field-specific texts for paths whose rule is easier said than the general one. */
const BY_FIELD: Record<string, MessageKey> = {
  password: 'field.password.hint',
  newPassword: 'field.password.hint',
  email: 'fieldError.email',
  uscc: 'fieldError.uscc',
  district: 'fieldError.district',
};

/** The user's-language message for one server field error. */
export function fieldErrorText(f: FieldError, t: TFunction): string {
  for (const s of SHAPES) {
    const m = s.re.exec(f.message);
    if (m) return t(s.key, s.n ? { n: m[1]! } : undefined);
  }
  const last = f.path.split('.').at(-1) ?? '';
  const own = BY_FIELD[last];
  return own ? t(own) : t('fieldError.invalid');
}

/**
 * The message for `path` (or a deeper path under it), if the error names it: translated for the
 * server's errors, as written for a form's own check (`localFieldError`, already in the user's language).
 */
export function fieldErrorFor(error: ApiError, path: string, t: TFunction): string | undefined {
  const f = error.fields.find((x) => x.path === path || x.path.startsWith(`${path}.`));
  if (!f) return undefined;
  return error.details?.local === true ? f.message : fieldErrorText(f, t);
}

/** A form's own check of one field, shaped like the server's 400 so the form shows both alike. */
export function localFieldError(path: string, message: string): ApiError {
  return new ApiError(400, 'VALIDATION_FAILED', '', { fields: [{ path, message }], local: true }, undefined);
}
