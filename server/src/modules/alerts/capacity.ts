/**
 * capacity_high: a licensed disposer's hazardous intake for the Shanghai calendar year passes 90 % of
 * its licensed annual capacity. Called in the transaction that creates a hazardous trade (trades
 * service), so the figure includes the new trade; raised once per disposer and year.
 *
 * Capacity and use are the figures eligibility checks (DESIGN §5.2): the largest approved disposal
 * licence valid in the year, against the kg of the disposer's not-cancelled hazardous trades as
 * receiver made in that year. GET /regulator/capacity shows the same numbers.
 */
import type { DbOrTx } from '../../db/client.js';
import type { Ids } from '../../clock.js';
import { shanghaiYear } from '../../../../shared/src/calendar.js';
import { getOrgRow, licencesFor } from '../orgs/index.js';
import { raiseAlert } from './service.js';

/** Above this share of the licensed capacity a disposer is "high" (90 %, in basis points). */
export const CAPACITY_HIGH_BP = 9_000;

export function isCapacityHigh(usedKg: number, permittedKg: number): boolean {
  // Exact: used / permitted > 0.9 ⇔ used × 10 000 > 9 000 × permitted.
  return permittedKg > 0 && BigInt(usedKg) * 10_000n > BigInt(permittedKg) * BigInt(CAPACITY_HIGH_BP);
}

/** The licence capacity counts for a year: the largest approved disposal licence valid on any day of it. */
export function permittedCapacity(
  licences: readonly {
    status: string;
    annualCapacityKg: number;
    validFrom: string;
    validTo: string;
    number: string;
    id: string;
  }[],
  year: number,
): { permittedKg: number; licence: { id: string; number: string } | null } {
  const inYear = licences.filter(
    (l) => l.status === 'approved' && l.validFrom <= `${year}-12-31` && l.validTo >= `${year}-01-01`,
  );
  if (inYear.length === 0) return { permittedKg: 0, licence: null };
  const best = inYear.reduce((a, b) => (b.annualCapacityKg > a.annualCapacityKg ? b : a));
  return { permittedKg: best.annualCapacityKg, licence: { id: best.id, number: best.number } };
}

/**
 * After a hazardous trade for `receiverOrgId` was inserted in `tx`: raises capacity_high when the
 * year's intake now passes 90 % of the licensed capacity. Returns the alert id when one was raised.
 */
export async function alertIfCapacityHigh(
  tx: DbOrTx,
  deps: { ids: Ids; intakeKg: (dbx: DbOrTx, orgId: string, year: number) => Promise<number> },
  receiverOrgId: string,
  tradeCreatedAt: Date,
): Promise<string | null> {
  const year = shanghaiYear(tradeCreatedAt);
  const { permittedKg, licence } = permittedCapacity(await licencesFor(tx, receiverOrgId, 'disposal'), year);
  if (!licence) return null;
  const usedKg = await deps.intakeKg(tx, receiverOrgId, year);
  if (!isCapacityHigh(usedKg, permittedKg)) return null;
  const org = await getOrgRow(tx, receiverOrgId);
  const pct = Number((BigInt(usedKg) * 1000n) / BigInt(permittedKg)) / 10;
  return raiseAlert(tx, deps.ids, {
    kind: 'capacity_high',
    district: org?.district ?? null,
    subjectType: 'org',
    subjectId: receiverOrgId,
    dedupeKey: `capacity_high:${receiverOrgId}:${year}`,
    message: `${org?.name ?? receiverOrgId} has contracted ${usedKg} kg of hazardous waste in ${year}, ${pct}% of the ${permittedKg} kg its licence ${licence.number} permits`,
    details: {
      orgId: receiverOrgId,
      orgName: org?.name ?? null,
      year,
      usedKg,
      permittedKg,
      licenceId: licence.id,
      licenceNumber: licence.number,
      thresholdBp: CAPACITY_HIGH_BP,
    },
  });
}
