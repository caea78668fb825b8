import { useI18n } from '../../../i18n';
import { formatDateTime } from '../../../lib/units';
import { ANALYSIS_FIELDS, analysisFieldLabel, metalLabel, type FieldSpec } from '../analysis';
import type { Analysis, Hazard } from '../api';
import { tk } from '../labels';

/** The lab analysis a listing declares, field by field with units; nothing when there is none. */
export function AnalysisView({ analysis }: { analysis: Analysis | null }) {
  const { t, lang } = useI18n();
  if (!analysis)
    return (
      <p className="muted" data-testid="analysis-none">
        {t('listing.analysis.none')}
      </p>
    );
  const values = analysis as unknown as Record<string, unknown>;
  const rows: { key: string; label: string; value: string }[] = [];
  for (const spec of ANALYSIS_FIELDS[analysis.kind] as FieldSpec[]) {
    const v = values[spec.key];
    if (v === undefined || v === null) continue;
    if (spec.type === 'number')
      rows.push({ key: spec.key, label: analysisFieldLabel(t, spec.key), value: `${v} ${spec.unit === '%' ? '%' : spec.unit}` });
    else if (spec.type === 'text') rows.push({ key: spec.key, label: analysisFieldLabel(t, spec.key), value: String(v) });
    else if (spec.type === 'metals') {
      const metals = v as Record<string, number>;
      const text = spec.metals
        .filter((m) => metals[m] !== undefined)
        .map((m) => `${metalLabel(t, m)} ${metals[m]}`)
        .join('；');
      if (text) rows.push({ key: spec.key, label: `${analysisFieldLabel(t, spec.key)}（${spec.unit}）`, value: text });
    } else {
      const text = Object.entries(v as Record<string, number>)
        .map(([c, pct]) => `${c} ${pct}%`)
        .join('，');
      if (text) rows.push({ key: spec.key, label: analysisFieldLabel(t, spec.key), value: text });
    }
  }
  if (analysis.reportRef) rows.push({ key: 'reportRef', label: analysisFieldLabel(t, 'reportRef'), value: analysis.reportRef });
  if (analysis.sampledAt)
    rows.push({ key: 'sampledAt', label: analysisFieldLabel(t, 'sampledAt'), value: formatDateTime(analysis.sampledAt, lang) });
  return (
    <div data-testid="analysis" data-kind={analysis.kind}>
      <p className="muted small">{t(tk(`analysis.kind.${analysis.kind}`))}</p>
      {rows.length ? (
        <dl className="facts facts--compact facts--wide">
          {rows.map((r) => (
            <div key={r.key} data-testid={`analysis-${r.key}`}>
              <dt>{r.label}</dt>
              <dd>{r.value}</dd>
            </div>
          ))}
        </dl>
      ) : (
        <p className="muted">{t('listing.analysis.none')}</p>
      )}
    </div>
  );
}

/** Declared hazard characteristics (T/C/I/R/In in words), physical form and packaging. */
export function HazardView({ hazard, hazardous }: { hazard: Hazard | null; hazardous: boolean }) {
  const { t } = useI18n();
  if (!hazard)
    return (
      <p className="muted" data-testid="hazard-none">
        {t(hazardous ? 'listing.hazard.undeclared' : 'listing.hazard.none')}
      </p>
    );
  return (
    <dl className="facts facts--compact facts--wide" data-testid="hazard">
      <div>
        <dt>{t('hazard.characteristics')}</dt>
        <dd className="badges" data-testid="hazard-characteristics">
          {hazard.characteristics.length === 0
            ? t('hazard.characteristics.none')
            : hazard.characteristics.map((c) => (
                <span key={c} className="badge badge--danger" title={c}>
                  {t(tk(`hazard.${c}`))} ({c})
                </span>
              ))}
        </dd>
      </div>
      <div>
        <dt>{t('hazard.form')}</dt>
        <dd data-testid="hazard-form">{t(tk(`form.${hazard.form}`))}</dd>
      </div>
      <div>
        <dt>{t('hazard.packaging')}</dt>
        <dd data-testid="hazard-packaging">{t(tk(`packaging.${hazard.packaging}`))}</dd>
      </div>
    </dl>
  );
}
