import { useI18n } from '../../../i18n';
import type { CreditScore } from '../api';
import { factorKey } from '../labels';

type Factor = CreditScore['factors'][number];

function FactorRow({ f, scale }: { f: Factor; scale: number }) {
  const { t } = useI18n();
  const key = factorKey(f.factor);
  const width = Math.min(50, (Math.abs(f.contribution) / scale) * 50);
  const sign = f.contribution > 0 ? 'plus' : f.contribution < 0 ? 'minus' : 'zero';
  return (
    <li
      className={`factor factor--${sign}`}
      data-testid="credit-factor"
      data-factor={f.factor}
      data-contribution={f.contribution}
    >
      <span className="factor__name">
        {key ? t(key) : f.factor}
        <span className="muted small"> · {t('creditPage.factor.events', { count: f.events })}</span>
      </span>
      <span className="factor__track" aria-hidden="true">
        <span className="factor__axis" />
        {f.contribution !== 0 && (
          <span
            className="factor__bar"
            style={f.contribution > 0 ? { left: '50%', width: `${width}%` } : { right: '50%', width: `${width}%` }}
          />
        )}
      </span>
      <span className="factor__value">
        {f.contribution > 0 ? '+' : ''}
        {f.contribution.toFixed(2)}
      </span>
      <span className="factor__rule muted small">
        {t('creditPage.factor.rule', { weight: `${f.weight > 0 ? '+' : ''}${f.weight}`, days: f.halfLifeDays })}
      </span>
    </li>
  );
}

/**
 * The factor contributions of a score: a bar per factor, right of the axis for points added, left
 * for points taken, against the neutral start. Factors without events are listed folded.
 */
export function FactorBars({ score }: { score: CreditScore }) {
  const { t } = useI18n();
  const active = score.factors.filter((f) => f.events > 0 || f.contribution !== 0);
  const idle = score.factors.filter((f) => !(f.events > 0 || f.contribution !== 0));
  const scale = Math.max(15, ...score.factors.map((f) => Math.abs(f.contribution)));
  return (
    <div className="factors" data-testid="credit-factors">
      <p className="muted small">{t('creditPage.factors.lead', { neutral: score.neutralScore })}</p>
      {active.length === 0 ? (
        <p data-testid="credit-factors-none">{t('creditPage.factors.none')}</p>
      ) : (
        <ul className="factor-list">
          {active.map((f) => (
            <FactorRow key={f.factor} f={f} scale={scale} />
          ))}
        </ul>
      )}
      {idle.length > 0 && (
        <details className="factors__idle">
          <summary>{t('creditPage.factors.idle', { count: idle.length })}</summary>
          <ul className="factor-list">
            {idle.map((f) => (
              <FactorRow key={f.factor} f={f} scale={scale} />
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}
