/**
 * The manifest export as CSV: the columns of MANIFEST_EXPORT_FIELDS in order, RFC 4180 quoting, CRLF
 * line ends, a UTF-8 byte-order mark (spreadsheet programs then read the Chinese names), and any text
 * cell a spreadsheet would run as a formula — one starting with = + - @, a tab or a carriage return,
 * after any leading spaces — prefixed with an apostrophe (OWASP "CSV injection"). Names, notes and
 * addresses come from users, so every text cell is guarded, not only the ones that look risky.
 */
import { MANIFEST_EXPORT_FIELDS, type TManifestExport } from '../../../../shared/src/schemas/manifest-export.js';

const FORMULA_START = /^[\s]*[=+\-@\t\r]/;

export function csvCell(v: string | number | boolean | null | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  const text = FORMULA_START.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function manifestExportCsv(e: TManifestExport): string {
  const lines = [MANIFEST_EXPORT_FIELDS.join(',')];
  for (const item of e.items) lines.push(MANIFEST_EXPORT_FIELDS.map((f) => csvCell(item[f])).join(','));
  return '\uFEFF' + lines.join('\r\n') + '\r\n';
}
