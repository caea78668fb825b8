import type { Lang } from '../i18n/index.js';
import { yuan } from './money.js';

/**
 * People type tonnes and yuan; the API takes integer kilograms and fen (DESIGN §6.1). The
 * conversions work on the decimal text, never through floats, so "2585.35" is exactly 258535 fen.
 */

const DECIMAL = /^(\d{1,12})(?:[.,](\d*))?$/;

function parseScaled(text: string, decimals: number): number | null {
  const m = DECIMAL.exec(text.trim().replace(/[\s_]/g, '').replace(/，/g, ','));
  if (!m) return null;
  const frac = m[2] ?? '';
  if (frac.length > decimals) return null;
  const value = Number(m[1]) * 10 ** decimals + Number(frac.padEnd(decimals, '0') || '0');
  return Number.isSafeInteger(value) ? value : null;
}

/** "12.5" tonnes → 12500 kg; null when not a non-negative amount with at most 3 decimals. */
export function tonnesToKg(text: string): number | null {
  return parseScaled(text, 3);
}

/** "2585.5" yuan → 258550 fen; null when not a non-negative amount with at most 2 decimals. */
export function yuanToFen(text: string): number | null {
  return parseScaled(text, 2);
}

/** Yuan per tonne, negative for a disposal fee: "-1890" → -189000 fen; null when not an amount. */
export function signedYuanToFen(text: string): number | null {
  const s = text.trim();
  if (!s.startsWith('-')) return yuanToFen(s);
  const v = yuanToFen(s.slice(1));
  return v === null ? null : -v;
}

/** The text a signed yuan field shows for fen: -189000 → "-1890". */
export function fenAsSignedYuanInput(fen: number): string {
  return `${fen < 0 ? '-' : ''}${fenAsYuanInput(fen)}`;
}

/** 12500 → "12.5" (thousands separated, no trailing zeros). */
export function kgAsTonnes(kg: number): string {
  const sign = kg < 0 ? '-' : '';
  const abs = Math.abs(kg);
  const whole = Math.floor(abs / 1000).toLocaleString('en-US');
  const frac = String(abs % 1000)
    .padStart(3, '0')
    .replace(/0+$/, '');
  return `${sign}${whole}${frac ? `.${frac}` : ''}`;
}

/** 12500 → "12.5 吨" / "12.5 t". */
export function formatTonnes(kg: number, lang: Lang): string {
  return `${kgAsTonnes(kg)}${lang === 'en' ? ' t' : ' 吨'}`;
}

/** An amount of money in fen as "¥1,234.50" (a sign only when negative). */
export function formatAmount(fen: number): string {
  return `${fen < 0 ? '-' : ''}¥${yuan(Math.abs(fen))}`;
}

/** The text a yuan field shows for a fen magnitude: 258550 → "2585.5". */
export function fenAsYuanInput(fen: number): string {
  const abs = Math.abs(fen);
  const cents = abs % 100;
  return `${Math.floor(abs / 100)}${cents ? `.${String(cents).padStart(2, '0').replace(/0$/, '')}` : ''}`;
}

/** The text a tonnes field shows for kg: 12500 → "12.5". */
export function kgAsTonnesInput(kg: number): string {
  return kgAsTonnes(kg).replace(/,/g, '');
}

/** A date-time in the browser's zone, short: "2026-05-01 08:00". */
export function formatDateTime(iso: string | null | undefined, lang: Lang): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(lang === 'en' ? 'en-GB' : 'zh-CN', {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  });
}

/** The value a datetime-local input takes for an instant, in the browser's zone. */
export function toDateTimeLocal(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** A datetime-local value (browser zone) as an ISO 8601 UTC instant; null when empty or invalid. */
export function fromDateTimeLocal(value: string): string | null {
  if (!value) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}
