/**
 * Who may take hazardous material (DESIGN §5.2, §7.1): pure, over facts the shell loads, so every
 * rule and message is unit-tested without a database. Used for bids, offers and demand listings.
 *
 * Order, each with its own code: an approved disposal licence at all (LICENCE_REQUIRED) → one that
 * covers the code or its HW category (LICENCE_SCOPE) → not suspended (LICENCE_SUSPENDED) → valid
 * through the pickup window (LICENCE_EXPIRED) → enough calendar-year capacity left
 * (CAPACITY_EXCEEDED) → no black credit level (CREDIT_BARRED). Non-hazardous material passes.
 */
import { AppError, ErrorCodes } from '../../../../shared/src/errors.js';
import type { CreditLevel } from '../credit/index.js';

export interface LicenceFact {
  id: string;
  number: string;
  status: 'pending' | 'approved' | 'suspended' | 'expired';
  /** Codes (772-002-18) and categories (HW18). */
  wasteCodes: readonly string[];
  annualCapacityKg: number;
  /** Shanghai calendar dates, YYYY-MM-DD, inclusive. */
  validFrom: string;
  validTo: string;
}

export interface EligibilityFacts {
  hazardous: boolean;
  /** The code that decides scope: the classified code of a WS-CLASSIFIED lot, else the material code. */
  wasteCode: string;
  /** Its HW category (HW18), or null. */
  category: string | null;
  /** Whether the receiver of the material is the caller ("your licence") or its counterparty. */
  receiverIsCaller: boolean;
  /** The receiver's disposal licences, in any state. */
  licences: readonly LicenceFact[];
  /** The pickup window as Shanghai calendar dates. */
  pickupFrom: string;
  pickupTo: string;
  /** The quantity the caller wants to trade. */
  quantityKg: number;
  /** The receiver's not-cancelled hazardous trades as receiver in `year`, in kg. */
  usedKg: number;
  year: number;
  /** Credit levels of the two parties; either at black bars a hazardous trade. */
  callerCredit: CreditLevel;
  counterpartyCredit: CreditLevel | null;
}

export type EligibilityOutcome = { ok: true; licence: LicenceFact | null } | { ok: false; error: AppError };

export function licenceCovers(licence: Pick<LicenceFact, 'wasteCodes'>, wasteCode: string, category: string | null): boolean {
  return licence.wasteCodes.some((c) => c === wasteCode || (category !== null && c === category));
}

export function checkEligibility(f: EligibilityFacts): EligibilityOutcome {
  if (!f.hazardous) return { ok: true, licence: null };
  const whose = f.receiverIsCaller ? 'your' : "the receiving party's";
  const you = f.receiverIsCaller ? 'you' : 'the receiving party';
  const scope = f.category ? `${f.wasteCode} (${f.category})` : f.wasteCode;
  const fail = (code: (typeof ErrorCodes)[keyof typeof ErrorCodes], message: string, details: Record<string, unknown> = {}) =>
    ({ ok: false, error: new AppError(code, message, { wasteCode: f.wasteCode, category: f.category, ...details }) }) as const;

  const decided = f.licences.filter((l) => l.status !== 'pending');
  if (decided.length === 0) {
    const pending = f.licences.length > 0;
    return fail(
      ErrorCodes.LICENCE_REQUIRED,
      pending
        ? `${scope} is hazardous and ${whose} disposal licence application is still pending; it must be approved before ${you} can take this material`
        : `${scope} is hazardous: ${you} need an approved disposal licence covering ${f.wasteCode}${f.category ? ` or ${f.category}` : ''}; add one to ${whose === 'your' ? 'your' : 'its'} organisation and have it approved`,
    );
  }

  const covering = decided.filter((l) => licenceCovers(l, f.wasteCode, f.category));
  if (covering.length === 0) {
    return fail(
      ErrorCodes.LICENCE_SCOPE,
      `${whose} disposal licences do not cover ${scope}; add the code${f.category ? ` or ${f.category}` : ''} to a licence and have it approved`,
      { licences: decided.map((l) => l.number) },
    );
  }

  const approved = covering.filter((l) => l.status === 'approved');
  if (approved.length === 0) {
    const suspended = covering.find((l) => l.status === 'suspended');
    if (suspended) {
      return fail(
        ErrorCodes.LICENCE_SUSPENDED,
        `${whose} disposal licence ${suspended.number} covering ${scope} is suspended; it must be reinstated before ${you} can take this material`,
        { licence: suspended.number },
      );
    }
    const expired = covering[0]!;
    return fail(
      ErrorCodes.LICENCE_EXPIRED,
      `${whose} disposal licence ${expired.number} covering ${scope} has expired; renew it and have the renewal approved`,
      { licence: expired.number },
    );
  }

  const valid = approved.filter((l) => l.validFrom <= f.pickupFrom && l.validTo >= f.pickupTo);
  if (valid.length === 0) {
    const l = approved[0]!;
    return fail(
      ErrorCodes.LICENCE_EXPIRED,
      `${whose} disposal licence ${l.number} is valid ${l.validFrom} to ${l.validTo}, which does not cover the pickup window ${f.pickupFrom} to ${f.pickupTo}; renew it or choose a listing with an earlier pickup`,
      { licence: l.number, validFrom: l.validFrom, validTo: l.validTo, pickupFrom: f.pickupFrom, pickupTo: f.pickupTo },
    );
  }

  // The licence with the most capacity decides; usage is the receiver's whole hazardous intake of the year.
  const best = valid.reduce((a, b) => (b.annualCapacityKg > a.annualCapacityKg ? b : a));
  const remainingKg = Math.max(0, best.annualCapacityKg - f.usedKg);
  if (remainingKg < f.quantityKg) {
    return fail(
      ErrorCodes.CAPACITY_EXCEEDED,
      `${whose} licence ${best.number} allows ${best.annualCapacityKg} kg in ${f.year}; ${f.usedKg} kg are already contracted, so ${remainingKg} kg remain, less than the ${f.quantityKg} kg asked for; lower the quantity or raise the licensed capacity`,
      {
        licence: best.number,
        annualCapacityKg: best.annualCapacityKg,
        usedKg: f.usedKg,
        remainingKg,
        requestedKg: f.quantityKg,
        year: f.year,
      },
    );
  }

  if (f.callerCredit === 'black')
    return fail(
      ErrorCodes.CREDIT_BARRED,
      'your organisation is at the black credit level and may not trade hazardous waste until its credit recovers',
    );
  if (f.counterpartyCredit === 'black')
    return fail(ErrorCodes.CREDIT_BARRED, 'the other party is at the black credit level and may not trade hazardous waste');

  return { ok: true, licence: best };
}
