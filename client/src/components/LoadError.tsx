import type { ReactNode } from 'react';
import { useI18n } from '../i18n';
import { ApiError } from '../lib/api';
import { errorText } from '../lib/errors';
import { Alert } from './Alert';

/** An error in the user's words, after the common prefix; `children` follow it (e.g. a retry). */
export function ErrorAlert({ error, testId, children }: { error: unknown; testId?: string; children?: ReactNode }) {
  const { t } = useI18n();
  return (
    <Alert testId={testId}>
      {t('common.errorPrefix')}
      {errorText(error, t)}
      {children}
    </Alert>
  );
}

const NOT_FOUND_CODES: readonly string[] = ['NOT_FOUND', 'VALIDATION_FAILED'];

/** Whether the API says the thing is not there (or not for us): one of `codes`. */
export function isNotFound(error: unknown, codes: readonly string[] = NOT_FOUND_CODES): boolean {
  return error instanceof ApiError && codes.includes(error.code);
}

interface LoadErrorProps {
  error: unknown;
  /** Offers a retry after the error. */
  reload?: () => void;
  /** Shown instead when the API says the thing is not there (or not for us): one of `notFoundCodes`. */
  notFound?: ReactNode;
  notFoundCodes?: readonly string[];
}

/** A load that failed: "not found" when the API says so and the page has words for it, else the error (with a retry). */
export function LoadError({ error, reload, notFound, notFoundCodes }: LoadErrorProps) {
  const { t } = useI18n();
  if (notFound !== undefined && isNotFound(error, notFoundCodes)) return <>{notFound}</>;
  return (
    <ErrorAlert error={error}>
      {reload && (
        <>
          {' '}
          <button type="button" className="btn btn--link" onClick={reload}>
            {t('common.retry')}
          </button>
        </>
      )}
    </ErrorAlert>
  );
}
