import { ApiError, type FieldError } from '../../lib/api';

/**
 * Field errors keyed by the form's paths (`org.uscc`, `user.email`). A server path deeper than a
 * form field (`org.roles.0`) lands on that field; any error no field claims is returned in `rest`.
 */
export function mapFieldErrors(err: unknown, paths: readonly string[]): { byPath: Record<string, string>; rest: FieldError[] } {
  const byPath: Record<string, string> = {};
  const rest: FieldError[] = [];
  if (!(err instanceof ApiError)) return { byPath, rest };
  for (const f of err.fields) {
    const path = f.path.replace(/^body\./, '');
    const target = paths.find((p) => path === p || path.startsWith(`${p}.`));
    if (target) byPath[target] ??= f.message;
    else rest.push(f);
  }
  return { byPath, rest };
}
