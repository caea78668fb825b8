import type { ReactNode } from 'react';
import { useI18n } from '../i18n';

interface FormActionsProps {
  submitting: boolean;
  label: ReactNode;
  testId: string;
  /** What stands beside the button (e.g. a link to the other form). */
  children?: ReactNode;
}

/** A form's large submit button, disabled and saying so while the form is being sent. */
export function FormActions({ submitting, label, testId, children }: FormActionsProps) {
  const { t } = useI18n();
  return (
    <div className="form__actions">
      <button type="submit" className="btn btn--primary btn--large" disabled={submitting} data-testid={testId}>
        {submitting ? t('common.submitting') : label}
      </button>
      {children}
    </div>
  );
}
