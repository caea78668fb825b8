import type { TFunction } from '../../i18n';
import { ApiError, type FieldError } from '../../lib/api';
import { fieldErrorText } from '../../lib/fieldErrors';

/**
 * Field errors keyed by the form's paths (`org.uscc`, `user.email`), in the user's language (never the
 * server's English: lib/fieldErrors.ts). A server path deeper than a form field (`org.roles.0`) lands
 * on that field; any error no field claims is returned in `rest`, as the server sent it.
 */
export function mapFieldErrors(
  err: unknown,
  paths: readonly string[],
  t: TFunction,
): { byPath: Record<string, string>; rest: FieldError[] } {
  const byPath: Record<string, string> = {};
  const rest: FieldError[] = [];
  if (!(err instanceof ApiError)) return { byPath, rest };
  for (const f of err.fields) {
    const path = f.path.replace(/^body\./, '');
    const target = paths.find((p) => path === p || path.startsWith(`${p}.`));
    if (target) byPath[target] ??= fieldErrorText(f, t);
    else rest.push(f);
  }
  return { byPath, rest };
}
