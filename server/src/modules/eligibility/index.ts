/** Who may take hazardous material (DESIGN §5.2): the pure rules and the shell that loads their facts. */
export { checkEligibility, licenceCovers, type EligibilityFacts, type EligibilityOutcome, type LicenceFact } from './rules.js';
export { assertEligible, type EligibilityCheck } from './service.js';
