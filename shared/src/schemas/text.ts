import { z } from 'zod';

/**
 * Text hygiene for every string a client sends (issue 10 item 7). PostgreSQL refuses NUL in text
 * (a 500 before this), control characters corrupt logs, CSV exports and PDFs, bidi overrides make a
 * name read differently from what is stored, and a value of only zero-width characters looks empty
 * while passing `min(1)`. The route layer applies `textProblem` to every string in params, query and
 * body (server/src/http/route.ts); the schemas say which fields are multi-line with `zMultilineText`.
 */

/** C0 controls except tab, line feed and carriage return; DEL; C1 controls. */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
/** Line breaks and tabs: only multi-line fields (descriptions, addresses, notes) keep them. U+2028/9 are line breaks too. */
const LINE_BREAK = /[\t\n\r\u2028\u2029]/;
/** Bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069). */
const BIDI = /[\u202A-\u202E\u2066-\u2069]/;
const INVISIBLE = /[\u200B-\u200D\u2060\uFEFF\u180E]/;
const BLANK_OR_INVISIBLE = /^[\s\u200B-\u200D\u2060\uFEFF\u180E]*$/;
/** Half of a surrogate pair on its own: not a character; stored it would silently become U+FFFD. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const hex = (c: string) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/** What is wrong with a client's string, or null. `multiline` lets tab and line breaks through. */
export function textProblem(s: string, multiline: boolean): string | null {
  if (LONE_SURROGATE.test(s)) return 'must be valid Unicode (found an unpaired surrogate)';
  const control = CONTROL.exec(s);
  if (control) return `must not contain control characters (found ${hex(control[0])})`;
  if (!multiline) {
    const br = LINE_BREAK.exec(s);
    if (br) return `must be a single line without tabs (found ${hex(br[0])})`;
  }
  const bidi = BIDI.exec(s);
  if (bidi) return `must not contain bidirectional override characters (found ${hex(bidi[0])})`;
  if (INVISIBLE.test(s) && BLANK_OR_INVISIBLE.test(s)) return 'must not consist only of invisible characters';
  return null;
}

const check = (multiline: boolean) => (s: string, ctx: z.RefinementCtx) => {
  const problem = textProblem(s, multiline);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
};

/** A single-line string (names, codes, emails, passwords, queries): no controls, tabs, line breaks, bidi overrides. */
export const zText = () => z.string().superRefine(check(false));

/** A multi-line string (descriptions, addresses, notes, reasons): keeps \n, \r and \t, refuses other controls. */
export const zMultilineText = () => z.string().superRefine(check(true));
