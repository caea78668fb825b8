/**
 * Chinese motor-vehicle plates (GA 36), as a carrier's vehicle is written on a transfer manifest.
 *
 *   ordinary     浙D12345   province + issuing-authority letter + 5 characters (letters or digits)
 *   trailer      浙D1234挂  province + letter + 4 characters + 挂 (the trailer a tractor pulls)
 *   new energy   浙DD12345  small vehicles: D (battery) or F (hybrid) first, then 5 characters
 *                浙D12345D  large vehicles (most lorries): 5 digits, then D or F
 *
 * Letters I and O never appear after the province (they look like 1 and 0). Input is normalised
 * before it is checked: full-width letters and digits become ASCII, letters upper case, and the
 * separators people type (·, •, ・, a space, a hyphen) are dropped: `浙d·12345` → `浙D12345`.
 * Pure; the client uses the same function in its form.
 */

export const PLATE_PROVINCES = '京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼';

export type PlateKind = 'ordinary' | 'trailer' | 'new_energy';

export interface Plate {
  /** The plate without separators, e.g. 浙D12345. */
  normalised: string;
  /** For display: 浙D·12345. */
  display: string;
  kind: PlateKind;
}

const A = 'A-HJ-NP-Z'; // letters without I and O
const ORDINARY = new RegExp(`^[${PLATE_PROVINCES}][${A}][${A}0-9]{5}$`);
const TRAILER = new RegExp(`^[${PLATE_PROVINCES}][${A}][${A}0-9]{4}挂$`);
const NEV_SMALL = new RegExp(`^[${PLATE_PROVINCES}][${A}][DF][${A}0-9][0-9]{4}$`);
const NEV_LARGE = new RegExp(`^[${PLATE_PROVINCES}][${A}][0-9]{5}[DF]$`);

/** Full-width ASCII (Ａ, １) to ASCII, upper case, separators and spaces removed. */
export function cleanPlate(input: string): string {
  return input
    .replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[\s·•・.\-\u3000\u00B7\u2022\u30FB]/g, '')
    .toUpperCase();
}

/** The plate, normalised and classified, or null when it is not a Chinese plate. */
export function parsePlate(input: string): Plate | null {
  if (typeof input !== 'string' || input.length > 32) return null;
  const p = cleanPlate(input);
  const kind: PlateKind | null =
    NEV_SMALL.test(p) || NEV_LARGE.test(p) ? 'new_energy' : TRAILER.test(p) ? 'trailer' : ORDINARY.test(p) ? 'ordinary' : null;
  if (!kind) return null;
  return { normalised: p, display: `${p.slice(0, 2)}·${p.slice(2)}`, kind };
}

export function isChinesePlate(input: string): boolean {
  return parsePlate(input) !== null;
}

export const PLATE_MESSAGE =
  'not a Chinese vehicle plate (e.g. 浙D12345, 浙D·12345, new-energy 浙DD12345 or 浙D12345F, trailer 浙D1234挂)';
