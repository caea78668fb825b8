import { formatYuan } from '../../../shared/src/money.js';
import type { Lang } from '../i18n/index.js';

/**
 * A price in fen per tonne, with its direction spelled out (DESIGN §6.2): a negative price is a
 * disposal fee the generator pays, a positive one is what the receiver pays for the material.
 * Whole yuan drop the ".00": -270000 → "处置费 ¥2,700/吨" / "Disposal fee ¥2,700/t".
 */
export function formatPricePerTonne(fen: number, lang: Lang): string {
  const unit = lang === 'en' ? '/t' : '/吨';
  const amount = `¥${yuan(Math.abs(fen))}${unit}`;
  if (fen < 0) return lang === 'en' ? `Disposal fee ${amount}` : `处置费 ${amount}`;
  if (fen > 0) return lang === 'en' ? `Price paid ${amount}` : `收购价 ${amount}`;
  return lang === 'en' ? `No charge ${amount}` : `无偿 ${amount}`;
}

/** Yuan for a non-negative amount in fen; cents only when there are any. */
export function yuan(fen: number): string {
  const s = formatYuan(fen);
  return s.endsWith('.00') ? s.slice(0, -3) : s;
}
