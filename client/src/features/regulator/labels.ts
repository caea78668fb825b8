import type { Lang, MessageKey } from '../../i18n';
import { formatPricePerTonne } from '../../lib/money';
import { kgAsTonnes } from '../../lib/units';

export const rk = (key: string) => key as MessageKey;

/** A share 0…1 as a percentage with one decimal: 0.7267 → "72.7%". */
export function formatShare(v: number | null | undefined): string {
  if (v === null || v === undefined) return '—';
  return `${(v * 100).toFixed(1).replace(/\.0$/, '')}%`;
}

/** Kilograms as tonnes, rounded to whole tonnes above 1 000 t: 1 234 567 kg → "1,235 t". */
export function formatKgShort(kg: number, lang: Lang): string {
  const unit = lang === 'en' ? ' t' : ' 吨';
  if (Math.abs(kg) >= 1_000_000) return `${Math.round(kg / 1000).toLocaleString('en-US')}${unit}`;
  return `${kgAsTonnes(kg)}${unit}`;
}

/** An indicator's value in its unit. */
export function formatIndicator(value: number | null, unit: 'kg' | 'ratio' | 'days' | 'fen_per_tonne', lang: Lang): string {
  if (value === null) return '—';
  switch (unit) {
    case 'kg':
      return formatKgShort(value, lang);
    case 'ratio':
      return formatShare(value);
    case 'days':
      return `${value.toFixed(1)}${lang === 'en' ? ' days' : ' 天'}`;
    case 'fen_per_tonne':
      return formatPricePerTonne(Math.round(value), lang);
  }
}

/** The Shanghai calendar date today, YYYY-MM-DD (the client may sit in any time zone). */
export function shanghaiToday(): string {
  return new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
}
