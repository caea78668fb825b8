// Pure and free of React, of the i18n module and of the HTTP client, so tests/unit/field-errors.test.ts
// can check it in Node; lib/fieldErrors.ts applies it to an ApiError.

/** One entry of a 400's `details.fields`. */
export interface FieldProblem {
  path: string;
  message: string;
}

/** The message keys this module uses (all in both dictionaries). */
export type FieldErrorKey =
  | 'fieldError.required'
  | 'fieldError.maxChars'
  | 'fieldError.minChars'
  | 'fieldError.email'
  | 'fieldError.uscc'
  | 'fieldError.district'
  | 'fieldError.roles'
  | 'fieldError.unknown'
  | 'fieldError.negative'
  | 'fieldError.order'
  | 'fieldError.invalid'
  | 'quantity.invalid'
  | 'price.invalid'
  | 'field.password.hint';

type Translate = (key: FieldErrorKey, params?: Record<string, string | number>) => string;

/**
 * The server's field messages are English sentences from the zod schemas (shared/src/schemas), with
 * no code of their own. The UI never shows them (issue 13 item 9): the common shapes are recognised
 * and said in the user's language with their figures; anything else gets the field's own "check
 * this" text where there is one, else a general one.
 */
const SHAPES: { re: RegExp; key: FieldErrorKey; n?: boolean }[] = [
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
const BY_FIELD: Record<string, FieldErrorKey> = {
  password: 'field.password.hint',
  newPassword: 'field.password.hint',
  email: 'fieldError.email',
  uscc: 'fieldError.uscc',
  district: 'fieldError.district',
};

/** The user's-language message for one server field error. */
export function fieldErrorText(f: FieldProblem, t: Translate): string {
  for (const s of SHAPES) {
    const m = s.re.exec(f.message);
    if (m) return t(s.key, s.n ? { n: m[1]! } : undefined);
  }
  const last = f.path.split('.').at(-1) ?? '';
  const own = BY_FIELD[last];
  return own ? t(own) : t('fieldError.invalid');
}

/** The first problem of `path` or of a deeper path under it (`wasteCodes.0` belongs to `wasteCodes`). */
export function fieldProblemFor(fields: readonly FieldProblem[], path: string): FieldProblem | undefined {
  return fields.find((x) => x.path === path || x.path.startsWith(`${path}.`));
}
