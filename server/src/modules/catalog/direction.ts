/**
 * The usual direction of each catalogue material (DESIGN §6.3, docs/price-checks.md): which way money
 * usually flows, so a price with the other sign is flagged even where no band exists. Derived here by
 * a rule per stream, refined per category, and overridden per code by
 * shared/data/usual-direction-overrides.json where the rule is wrong for one code. The price check
 * (shared/src/pricecheck.ts) and the listing form's default price direction depend on it.
 */
import type { UsualDirection } from '../../../../shared/src/pricecheck.js';

/** The rule per stream: the direction a material takes unless its category or code says otherwise. */
export const STREAM_RULE: Record<string, UsualDirection> = {
  // Treatment and disposal of hazardous waste is a service the generator pays for (incl. waste salt).
  hazardous: 'fee',
  // General industrial waste: too mixed for one rule (slag is sold, sludge is paid for); the categories decide.
  general_industrial: 'either',
  // Household-source material ranges from saleable recyclables to food waste; the codes decide.
  household_recyclable: 'either',
  // Straw, manure and farm film are sold in some places and collected under subsidy in others.
  agricultural: 'either',
  // Demolition waste, muck and slurry are taken away for a tipping fee.
  construction: 'fee',
};

/** The rule per category, where it differs from its stream's. */
export const CATEGORY_RULE: Record<string, UsualDirection> = {
  SW05: 'fee', // tailings
  SW07: 'fee', // sludge (incl. dyeing sludge, tested non-hazardous)
  SW09: 'fee', // red mud
  SW10: 'fee', // phosphogypsum: mostly stockpiled at the generator's cost
  SW12: 'fee', // drill cuttings
  SW14: 'price', // textile and leather waste: offcuts and waste silk are sold
  SW15: 'price', // paper and printing waste: waste paper is sold
  SW16: 'fee', // non-hazardous chemical-industry waste
  SW17: 'price', // recyclable industrial waste: scrap metal, paper, plastics
};

export interface DirectionOverride {
  code: string;
  usualDirection: UsualDirection;
  reason: string;
  verification: string;
}

/** Where a material's direction came from, for the docs and the catalogue test. */
export type DirectionSource = 'override' | 'category' | 'stream' | 'default';

export function usualDirectionOf(
  m: { code: string; stream: string; category: string },
  overrides: ReadonlyMap<string, DirectionOverride>,
): { usualDirection: UsualDirection; from: DirectionSource } {
  const o = overrides.get(m.code);
  if (o) return { usualDirection: o.usualDirection, from: 'override' };
  const byCategory = CATEGORY_RULE[m.category];
  if (byCategory) return { usualDirection: byCategory, from: 'category' };
  const byStream = STREAM_RULE[m.stream];
  if (byStream) return { usualDirection: byStream, from: 'stream' };
  // A stream the rule does not know (a new one in the data) is never direction-flagged.
  return { usualDirection: 'either', from: 'default' };
}
