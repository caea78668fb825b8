import { useState } from 'react';
import { Alert } from '../../../components/Alert';
import { useI18n } from '../../../i18n';
import { errorText } from '../../../lib/errors';
import { mapFieldErrors } from '../../auth/fieldErrors';

/**
 * The state of a trip form (opening a trip, a manifest step): field errors, the problem no field
 * claims, and whether it is being sent.
 */
export function useTripForm(paths: readonly string[]) {
  const { t } = useI18n();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  /** Shows the form's own errors or, when there are none, sends; the server's field errors land on the fields. */
  async function submit(local: Record<string, string>, send: () => Promise<void>) {
    setProblem(null);
    setErrors(local);
    if (Object.keys(local).length) return;
    setBusy(true);
    try {
      await send();
    } catch (err) {
      const { byPath, rest } = mapFieldErrors(err, paths, t);
      setErrors(byPath);
      if (rest.length || Object.keys(byPath).length === 0) setProblem(err);
    } finally {
      setBusy(false);
    }
  }

  return { errors, problem, busy, submit };
}

/** The foot of a trip form: the problem, if any, and the submit button. */
export function TripFormActions({
  problem,
  problemTestId,
  busy,
  label,
  testId,
}: {
  problem: unknown;
  problemTestId: string;
  busy: boolean;
  label: string;
  testId: string;
}) {
  const { t } = useI18n();
  return (
    <>
      {problem != null && <Alert testId={problemTestId}>{errorText(problem, t)}</Alert>}
      <div className="form__actions">
        <button type="submit" className="btn btn--primary" disabled={busy} data-testid={testId}>
          {label}
        </button>
      </div>
    </>
  );
}
