/**
 * The shell of the eligibility rules (rules.ts): loads the facts of DESIGN §5.2 — the receiver's
 * disposal licences, its hazardous intake this Shanghai calendar year, both parties' credit — and
 * throws the first eligibility error. Bids, the auction close (matching) and demand listings call it.
 */
import type { Clock } from '../../clock.js';
import type { DbOrTx } from '../../db/client.js';
import { shanghaiDate, shanghaiYear } from '../../../../shared/src/calendar.js';
import { licencesFor } from '../orgs/index.js';
import { readCredit } from '../credit/index.js';
import { hazardousIntakeKg, type CreditReader } from '../trades/index.js';
import { checkEligibility } from './rules.js';

export interface EligibilityCheck {
  hazardous: boolean;
  wasteCode: string;
  /** HWxx for hazardous material. */
  category: string;
  /** Who will receive the material (needs the licence). */
  receiverOrgId: string;
  /** The org acting now (bidder, offerer, poster of a demand listing). */
  callerOrgId: string;
  /** The other party, when there is one yet. */
  counterpartyOrgId: string | null;
  pickupFrom: Date;
  pickupTo: Date;
  quantityKg: number;
}

/**
 * Loads the facts of DESIGN §5.2 (the receiver's disposal licences, its hazardous intake this
 * Shanghai calendar year, both parties' credit) and throws the first eligibility error, if any.
 */
export async function assertEligible(
  dbx: DbOrTx,
  deps: { clock: Clock; readCredit?: CreditReader },
  c: EligibilityCheck,
): Promise<void> {
  if (!c.hazardous) return;
  const credit = deps.readCredit ?? readCredit;
  const year = shanghaiYear(deps.clock.now());
  const licences = await licencesFor(dbx, c.receiverOrgId, 'disposal');
  const usedKg = await hazardousIntakeKg(dbx, c.receiverOrgId, year);
  const callerCredit = (await credit(dbx, c.callerOrgId)).level;
  const counterpartyCredit = c.counterpartyOrgId ? (await credit(dbx, c.counterpartyOrgId)).level : null;
  const outcome = checkEligibility({
    hazardous: true,
    wasteCode: c.wasteCode,
    category: c.category.startsWith('HW') ? c.category : null,
    receiverIsCaller: c.receiverOrgId === c.callerOrgId,
    licences,
    pickupFrom: shanghaiDate(c.pickupFrom),
    pickupTo: shanghaiDate(c.pickupTo),
    quantityKg: c.quantityKg,
    usedKg,
    year,
    callerCredit,
    counterpartyCredit,
  });
  if (!outcome.ok) throw outcome.error;
}
