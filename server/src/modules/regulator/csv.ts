/**
 * CSV for the flows export (Accept: text/csv): RFC 4180 quoting, a UTF-8 byte-order mark so
 * spreadsheet programs read the Chinese district names, and cells that a spreadsheet would run as a
 * formula (= + - @ at the start of text) prefixed with an apostrophe.
 */
import { DISTRICTS } from '../../../../shared/src/districts.js';
import type { TFlows } from '../../../../shared/src/schemas/regulator.js';

function csvCell(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return String(v);
  const text = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvLine(cells: readonly (string | number | null | undefined)[]): string {
  return cells.map(csvCell).join(',');
}

const districtName = (code: string) => DISTRICTS.find((d) => d.code === code)?.nameZh ?? code;

export function flowsCsv(f: TFlows): string {
  const header = ['fromDistrict', 'fromDistrictName', 'toDistrict', 'toDistrictName'];
  if (f.groupBy === 'category') header.push('category');
  if (f.groupBy === 'material') header.push('materialCode');
  header.push('contractedKg', 'receivedKg', 'trades');
  const lines = [csvLine(header)];
  for (const e of f.edges) {
    const row: (string | number)[] = [e.fromDistrict, districtName(e.fromDistrict), e.toDistrict, districtName(e.toDistrict)];
    if (f.groupBy === 'category') row.push(e.category ?? '');
    if (f.groupBy === 'material') row.push(e.materialCode ?? '');
    row.push(e.contractedKg, e.receivedKg, e.trades);
    lines.push(csvLine(row));
  }
  return '\uFEFF' + lines.join('\r\n') + '\r\n';
}
