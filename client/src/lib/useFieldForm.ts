import { useState } from 'react';
import { mapFieldErrors } from '../features/auth/fieldErrors';
import { useI18n } from '../i18n';
import { errorText } from './errors';

/**
 * The state of a form that checks its fields, then sends: the field errors (its own, or the
 * server's on the fields it names, in the user's language), the problem no field claims, in our
 * words for its code, and whether it is being sent. Members, password, authority-organisation and
 * trip forms share it.
 */
export function useFieldForm(paths: readonly string[]) {
  const { t } = useI18n();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  /** Shows `local` when it has errors; otherwise sends. True when `send` went through. */
  async function submit(local: Record<string, string>, send: () => Promise<void>): Promise<boolean> {
    setProblem(null);
    setErrors(local);
    if (Object.keys(local).length) return false;
    setBusy(true);
    try {
      await send();
      return true;
    } catch (err) {
      const { byPath, rest } = mapFieldErrors(err, paths, t);
      setErrors(byPath);
      if (rest.length || Object.keys(byPath).length === 0) setProblem(err);
      return false;
    } finally {
      setBusy(false);
    }
  }

  return { errors, problem, problemText: problem == null ? null : errorText(problem, t), busy, submit };
}
