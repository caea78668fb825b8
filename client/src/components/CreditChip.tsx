import { CREDIT_LEVELS as LEVELS } from '../../../shared/src/enums.js';
import { useI18n, type MessageKey } from '../i18n';

export type CreditLevelName = (typeof LEVELS)[number];

/** A credit level in the colour of Zhejiang's environmental credit schemes (DESIGN §6.7). */
export function CreditChip({ level, score }: { level: string | null | undefined; score?: number }) {
  const { t } = useI18n();
  const known = (LEVELS as readonly string[]).includes(level ?? '') ? (level as CreditLevelName) : null;
  return (
    <span className={`credit-chip credit-chip--${known ?? 'unknown'}`} data-testid="credit-chip" data-level={known ?? 'unknown'}>
      <span className="credit-chip__dot" aria-hidden="true" />
      {t(known ? (`credit.${known}` as MessageKey) : 'credit.unknown')}
      {score !== undefined && <span className="credit-chip__score"> · {score}</span>}
    </span>
  );
}
