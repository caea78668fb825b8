/**
 * Bank-transfer references: `ZWX`, the trade's sequence number (at least 8 digits) and two ISO 7064
 * MOD 97-10 check digits, so an operator who mistypes one digit or swaps two gets "no such
 * reference" instead of confirming another trade's payment.
 */
export function bankReference(tradeSeq: number): string {
  const body = String(tradeSeq).padStart(8, '0');
  return `ZWX${body}${checkDigits(body)}`;
}

function checkDigits(digits: string): string {
  const remainder = (BigInt(digits) * 100n) % 97n;
  return String(98n - remainder).padStart(2, '0');
}

export function isValidBankReference(reference: string): boolean {
  const m = /^ZWX(\d{8,})(\d{2})$/.exec(reference);
  return !!m && checkDigits(m[1]!) === m[2];
}
