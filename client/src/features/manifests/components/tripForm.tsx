import { Alert } from '../../../components/Alert';
import { useI18n } from '../../../i18n';
import { errorText } from '../../../lib/errors';
import { useFieldForm } from '../../../lib/useFieldForm';

/** The state of a trip form (opening a trip, a manifest step): lib/useFieldForm.ts. */
export const useTripForm = useFieldForm;

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
