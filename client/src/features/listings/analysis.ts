import type { TFunction } from '../../i18n';
import { fromDateTimeLocal } from '../../lib/units';
import type { Analysis, AnalysisKind } from './api';
import { tk } from './labels';

/**
 * The lab-analysis fields of each stream family, named exactly as ZAnalysis in
 * shared/src/schemas/listings.ts (the key types below fail the type check if a name drifts).
 */
type Of<K extends AnalysisKind> = Extract<Analysis, { kind: K }>;
type OwnKey<K extends AnalysisKind> = Exclude<keyof Of<K>, 'kind' | 'reportRef' | 'sampledAt'> & string;

export type FieldSpec<K extends AnalysisKind = AnalysisKind> =
  | { key: OwnKey<K>; type: 'number'; unit: string; min?: number; max?: number }
  | { key: OwnKey<K>; type: 'text' }
  | { key: OwnKey<K>; type: 'metals'; unit: string; metals: readonly string[] }
  | { key: OwnKey<K>; type: 'composition' };

export const HEAVY_METALS = ['cu', 'zn', 'ni', 'cr', 'cr6', 'cd', 'pb', 'hg', 'as'] as const;
export const LEACHING_METALS = ['pb', 'cd', 'hg', 'as', 'cr', 'cr6', 'ni', 'zn', 'cu', 'ba', 'be', 'se'] as const;

const PCT = { type: 'number', unit: '%', min: 0, max: 100 } as const;

export const ANALYSIS_FIELDS: { [K in AnalysisKind]: FieldSpec<K>[] } = {
  sludge: [
    { key: 'moisturePct', ...PCT },
    { key: 'organicPct', ...PCT },
    { key: 'ph', type: 'number', unit: 'pH', min: 0, max: 14 },
    { key: 'heavyMetals', type: 'metals', unit: 'mg/kg', metals: HEAVY_METALS },
  ],
  waste_salt: [
    { key: 'tocMgPerKg', type: 'number', unit: 'mg/kg', min: 0 },
    { key: 'sourceProcess', type: 'text' },
    { key: 'naclPct', ...PCT },
    { key: 'moisturePct', ...PCT },
    { key: 'heavyMetals', type: 'metals', unit: 'mg/kg', metals: HEAVY_METALS },
  ],
  fly_ash: [
    { key: 'dioxinNgTeqPerKg', type: 'number', unit: 'ng TEQ/kg', min: 0 },
    { key: 'chloridePct', ...PCT },
    { key: 'moisturePct', ...PCT },
    { key: 'leaching', type: 'metals', unit: 'mg/L', metals: LEACHING_METALS },
  ],
  mineral_oil: [
    { key: 'waterPct', ...PCT },
    { key: 'sulphurPct', ...PCT },
    { key: 'flashPointC', type: 'number', unit: '°C', min: -100, max: 1000 },
    { key: 'densityKgPerM3', type: 'number', unit: 'kg/m³', min: 0 },
  ],
  slag: [
    { key: 'composition', type: 'composition' },
    { key: 'particleSizeMm', type: 'number', unit: 'mm', min: 0 },
    { key: 'moisturePct', ...PCT },
  ],
  fabric: [
    { key: 'fibre', type: 'text' },
    { key: 'contaminationPct', ...PCT },
    { key: 'moisturePct', ...PCT },
    { key: 'colour', type: 'text' },
  ],
};

export const ANALYSIS_KINDS = Object.keys(ANALYSIS_FIELDS) as AnalysisKind[];

/** The form's text values, keyed by path below `analysis`: `moisturePct`, `heavyMetals.cu`, `reportRef`. */
export type AnalysisDraft = Record<string, string>;

const NUMBER = /^-?\d+(?:\.\d+)?$/;

function parseNumber(text: string, spec: { min?: number; max?: number }, t: TFunction): { value?: number; error?: string } {
  const s = text.trim();
  if (!NUMBER.test(s)) return { error: t('analysis.notANumber') };
  const value = Number(s);
  if (spec.min !== undefined && value < spec.min) return { error: t('analysis.atLeast', { min: spec.min }) };
  if (spec.max !== undefined && value > spec.max) return { error: t('analysis.atMost', { max: spec.max }) };
  return { value };
}

/**
 * The analysis object for the API, or field errors keyed by their full path (`analysis.moisturePct`)
 * so they show where the server's would. Nothing filled in → undefined (the field is optional).
 */
export function buildAnalysis(
  kind: AnalysisKind | null,
  draft: AnalysisDraft,
  t: TFunction,
): { analysis?: Analysis; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  if (!kind) return { errors };
  const out: Record<string, unknown> = { kind };
  let filled = false;
  for (const spec of ANALYSIS_FIELDS[kind] as FieldSpec[]) {
    const path = `analysis.${spec.key}`;
    if (spec.type === 'number') {
      const text = draft[spec.key]?.trim();
      if (!text) continue;
      const r = parseNumber(text, spec, t);
      if (r.error) errors[path] = r.error;
      else out[spec.key] = r.value;
      filled = true;
    } else if (spec.type === 'text') {
      const text = draft[spec.key]?.trim();
      if (!text) continue;
      if (text.length > 200) errors[path] = t('analysis.tooLong');
      out[spec.key] = text;
      filled = true;
    } else if (spec.type === 'metals') {
      const metals: Record<string, number> = {};
      for (const m of spec.metals) {
        const text = draft[`${spec.key}.${m}`]?.trim();
        if (!text) continue;
        const r = parseNumber(text, { min: 0 }, t);
        if (r.error) errors[`${path}.${m}`] = r.error;
        else metals[m] = r.value!;
      }
      if (Object.keys(metals).length) {
        out[spec.key] = metals;
        filled = true;
      }
    } else {
      const text = draft[spec.key]?.trim();
      if (!text) continue;
      const composition: Record<string, number> = {};
      for (const part of text.split(/[,，;；\s]+/).filter(Boolean)) {
        const m = /^([A-Za-z0-9()]{1,20})[=:：]\s*(\d+(?:\.\d+)?)%?$/.exec(part);
        const pct = m ? Number(m[2]) : NaN;
        if (!m || pct > 100) {
          errors[path] = t('analysis.composition.invalid');
          break;
        }
        composition[m[1]!] = pct;
      }
      out[spec.key] = composition;
      filled = true;
    }
  }
  const reportRef = draft.reportRef?.trim();
  if (reportRef) {
    out.reportRef = reportRef;
    filled = true;
  }
  const sampledAt = draft.sampledAt ? fromDateTimeLocal(draft.sampledAt) : null;
  if (sampledAt) {
    out.sampledAt = sampledAt;
    filled = true;
  }
  return filled ? { analysis: out as Analysis, errors } : { errors };
}

/** A field's label: `analysis.field.moisturePct`. */
export function analysisFieldLabel(t: TFunction, key: string): string {
  return t(tk(`analysis.field.${key}`));
}

export function metalLabel(t: TFunction, metal: string): string {
  return t(tk(`analysis.metal.${metal}`));
}
