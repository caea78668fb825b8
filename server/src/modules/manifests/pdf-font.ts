/**
 * Which CJK font prints manifests. The configured file first (MANIFEST_PDF_FONT, by default Debian's
 * fonts-noto-cjk: the widest coverage); when it is missing, the Noto Sans S Chinese OTF shipped in
 * the npm package @embedpdf/fonts-sc (docs/decisions/0016-bundled-cjk-font.md), so `npm ci && npm
 * start` prints on a machine with no system fonts. Its coverage and what prints for a character
 * outside it: docs/manifests.md "Printable manifest".
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export const BUNDLED_FONT_PACKAGE = '@embedpdf/fonts-sc';

export interface PrintFont {
  path: string;
  /** The face's PostScript name inside a collection (.ttc); none for a single font file. */
  name?: string;
  source: 'configured' | 'bundled';
}

let bundled: string | null | undefined;

/**
 * The regular weight of the bundled font, or null when the package is not installed. The package
 * exports only its metadata (file names and weights), not the font paths, so the file is found next
 * to the module it resolves to: `<package>/dist/index.cjs` → `<package>/fonts/<file>`.
 */
export function bundledFontPath(): string | null {
  if (bundled !== undefined) return bundled;
  bundled = null;
  try {
    const require = createRequire(import.meta.url);
    const entry = require.resolve(BUNDLED_FONT_PACKAGE);
    const meta = require(BUNDLED_FONT_PACKAGE) as { fonts?: { file: string; weight: number }[] };
    const regular = meta.fonts?.find((f) => f.weight === 400)?.file;
    const file = regular ? path.join(path.dirname(entry), '..', 'fonts', regular) : null;
    if (file && existsSync(file)) bundled = file;
  } catch {
    // Not installed (a trimmed image): only the configured font can print.
  }
  return bundled;
}

/** The font to print with: the configured one when its file exists, else the bundled one, else null (the PDF is 503). */
export function choosePrintFont(
  configured: { path: string; name?: string },
  fallback: string | null = bundledFontPath(),
): PrintFont | null {
  if (existsSync(configured.path))
    return { path: configured.path, ...(configured.name ? { name: configured.name } : {}), source: 'configured' };
  if (fallback) return { path: fallback, source: 'bundled' };
  return null;
}
