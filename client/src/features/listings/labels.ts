import { DISTRICTS } from '../../../../shared/src/districts.js';
import type { Lang, MessageKey, TFunction } from '../../i18n';
import { formatPricePerTonne } from '../../lib/money';
import type { Listing } from './api';

/** A district's name in the current language; the code itself when it is not on the list. */
export function districtName(code: string | null | undefined, lang: Lang): string {
  if (!code) return '—';
  const d = DISTRICTS.find((x) => x.code === code);
  return d ? (lang === 'en' ? d.nameEn : d.nameZh) : code;
}

/** The material's name in the current language. */
export function listingMaterialName(l: Pick<Listing, 'materialNameZh' | 'materialNameEn'>, lang: Lang): string {
  return lang === 'en' ? l.materialNameEn : l.materialNameZh;
}

/** Deviation in basis points as a signed percentage: 2083 → "+20.8%". */
export function formatDeviation(bp: number | null): string {
  if (bp === null) return '—';
  const pct = (Math.abs(bp) / 100).toFixed(1).replace(/\.0$/, '');
  return `${bp > 0 ? '+' : bp < 0 ? '−' : ''}${pct}%`;
}

/** "处置费 ¥2,195/吨 – 处置费 ¥1,591/吨" */
export function formatRange(lowFen: number, highFen: number, lang: Lang): string {
  return `${formatPricePerTonne(lowFen, lang)} – ${formatPricePerTonne(highFen, lang)}`;
}

export const tk = (key: string) => key as MessageKey;

export function statusLabel(t: TFunction, status: string): string {
  return t(tk(`listing.status.${status}`));
}
