import { Alert } from '../../../components/Alert';
import { useI18n } from '../../../i18n';
import type { TradingProblem } from '../errors';

/** A refused action: our explanation first, then the server's own words (they name what is missing). */
export function ProblemAlert({ problem, testId = 'form-error' }: { problem: TradingProblem; testId?: string }) {
  const { t } = useI18n();
  return (
    <div data-code={problem.code} data-testid={`${testId}-box`}>
      <Alert testId={testId}>
        <strong className="alert__title">{problem.title}</strong>
        {problem.detail && problem.detail !== problem.title && (
          <span className="alert__detail">
            {t('trading.serverSays')}
            <span lang="en">{problem.detail}</span>
          </span>
        )}
      </Alert>
    </div>
  );
}
