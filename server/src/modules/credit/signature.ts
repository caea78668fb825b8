/**
 * The signature on every credit webhook (DESIGN §7; docs/credit-model.md "Verifying a delivery"):
 *
 *   X-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + body)>
 *
 * `body` is the exact bytes sent. The timestamp is signed with the body, so a consumer that refuses
 * old timestamps also refuses replays of a captured delivery. scripts/credit-consumer-example.ts
 * shows the same check without importing this file.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'X-Signature';
const DEFAULT_TOLERANCE_SECONDS = 300;

function signatureFor(secret: string, body: string, t: number): string {
  return createHmac('sha256', secret).update(`${t}.${body}`, 'utf8').digest('hex');
}

/** The header value for a body signed at unix time `t`. */
export function signatureHeader(secret: string, body: string, t: number): string {
  return `t=${t},v1=${signatureFor(secret, body, t)}`;
}

export function parseSignatureHeader(header: string): { t: number; v1: string[] } | null {
  let t: number | null = null;
  const v1: string[] = [];
  for (const part of header.split(',')) {
    const i = part.indexOf('=');
    if (i < 0) continue;
    const k = part.slice(0, i).trim();
    const v = part.slice(i + 1).trim();
    if (k === 't' && /^\d{1,12}$/.test(v)) t = Number(v);
    else if (k === 'v1' && /^[0-9a-f]{64}$/.test(v)) v1.push(v);
  }
  return t === null || v1.length === 0 ? null : { t, v1 };
}

/**
 * Whether `header` signs `body` with `secret`, at a time within `toleranceSeconds` of `nowSeconds`.
 * Compares in constant time; accepts any of several v1 values (a secret being rotated).
 */
export function verifySignature(
  header: string | undefined,
  body: string,
  secret: string,
  o: { nowSeconds: number; toleranceSeconds?: number },
): boolean {
  if (!header) return false;
  const parsed = parseSignatureHeader(header);
  if (!parsed) return false;
  if (Math.abs(o.nowSeconds - parsed.t) > (o.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS)) return false;
  const expected = Buffer.from(signatureFor(secret, body, parsed.t), 'hex');
  return parsed.v1.some((v) => {
    const given = Buffer.from(v, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
