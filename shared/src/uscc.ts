/**
 * Unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters, the last a check
 * character over the first 17 with weights 3^(i−1) mod 31. The GB 11714 check inside positions
 * 9–17 is not enforced (DESIGN §6.4).
 */
export const USCC_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** The check character for the first 17 characters, or null when one is outside the charset. */
export function usccCheckCharacter(first17: string): string | null {
  if (first17.length !== 17) return null;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = USCC_CHARSET.indexOf(first17[i]!);
    if (value < 0) return null;
    sum += value * WEIGHTS[i]!;
  }
  return USCC_CHARSET[(31 - (sum % 31)) % 31]!;
}

export type UsccProblem = 'length' | 'charset' | 'check';

/** Why a code is not a valid USCC, or null when it is. Lower-case input is not accepted. */
export function usccProblem(code: string): UsccProblem | null {
  if (code.length !== 18) return 'length';
  for (const ch of code) if (!USCC_CHARSET.includes(ch)) return 'charset';
  return usccCheckCharacter(code.slice(0, 17)) === code[17] ? null : 'check';
}

export function isValidUscc(code: string): boolean {
  return usccProblem(code) === null;
}

export const USCC_MESSAGES: Record<UsccProblem, string> = {
  length: 'a unified social credit code has 18 characters',
  charset: 'only digits and the letters A–Y without I, O, S, V, Z are allowed',
  check: 'the check character (the 18th) does not match; check the code for a typing error',
};
