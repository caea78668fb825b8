import { expect } from 'chai';
import fc from 'fast-check';
import {
  checkEligibility,
  licenceCovers,
  type EligibilityFacts,
  type LicenceFact,
} from '../../server/src/modules/eligibility/index.js';

const licence = (over: Partial<LicenceFact> = {}): LicenceFact => ({
  id: 'lic-1',
  number: 'ZJ-HW-001',
  status: 'approved',
  wasteCodes: ['HW18'],
  annualCapacityKg: 1_000_000,
  validFrom: '2026-01-01',
  validTo: '2026-12-31',
  ...over,
});

const facts = (over: Partial<EligibilityFacts> = {}): EligibilityFacts => ({
  hazardous: true,
  wasteCode: '772-002-18',
  category: 'HW18',
  receiverIsCaller: true,
  licences: [licence()],
  pickupFrom: '2026-05-01',
  pickupTo: '2026-05-10',
  quantityKg: 20_000,
  usedKg: 0,
  year: 2026,
  callerCredit: 'blue',
  counterpartyCredit: 'blue',
  ...over,
});

const codeOf = (f: EligibilityFacts) => {
  const r = checkEligibility(f);
  return r.ok ? 'ok' : r.error.code;
};

describe('eligibility (DESIGN §5.2)', () => {
  it('non-hazardous material passes without any licence, even at black credit', () => {
    expect(codeOf(facts({ hazardous: false, licences: [], callerCredit: 'black' }))).to.equal('ok');
  });

  it('an approved licence covering the HW category passes and is returned', () => {
    const r = checkEligibility(facts());
    expect(r.ok).to.equal(true);
    expect(r.ok && r.licence?.number).to.equal('ZJ-HW-001');
  });

  it('an exact waste code in scope covers it too', () => {
    expect(codeOf(facts({ licences: [licence({ wasteCodes: ['772-002-18'] })] }))).to.equal('ok');
  });

  it('with no licence at all: LICENCE_REQUIRED, saying what to do', () => {
    const r = checkEligibility(facts({ licences: [] }));
    expect(r.ok).to.equal(false);
    if (!r.ok) {
      expect(r.error.code).to.equal('LICENCE_REQUIRED');
      expect(r.error.message).to.match(/approved disposal licence covering 772-002-18 or HW18/);
    }
  });

  it('with only a pending application: LICENCE_REQUIRED, saying it awaits approval', () => {
    const r = checkEligibility(facts({ licences: [licence({ status: 'pending' })] }));
    expect(!r.ok && r.error.code).to.equal('LICENCE_REQUIRED');
    expect(!r.ok && r.error.message).to.match(/pending/);
  });

  it('with approved licences that do not cover the code: LICENCE_SCOPE naming the code and category', () => {
    const r = checkEligibility(facts({ licences: [licence({ wasteCodes: ['HW08', '900-052-31'] })] }));
    expect(!r.ok && r.error.code).to.equal('LICENCE_SCOPE');
    expect(!r.ok && r.error.message).to.equal(
      'your disposal licences do not cover 772-002-18 (HW18); add the code or HW18 to a licence and have it approved',
    );
  });

  it('when the only covering licence is suspended: LICENCE_SUSPENDED', () => {
    const r = checkEligibility(
      facts({ licences: [licence({ status: 'suspended' }), licence({ id: 'l2', number: 'other', wasteCodes: ['HW08'] })] }),
    );
    expect(!r.ok && r.error.code).to.equal('LICENCE_SUSPENDED');
    expect(!r.ok && r.error.message).to.match(/ZJ-HW-001/);
  });

  it('a suspended covering licence does not matter when another approved one covers', () => {
    expect(codeOf(facts({ licences: [licence({ status: 'suspended' }), licence({ id: 'l2', number: 'B' })] }))).to.equal('ok');
  });

  it('when the covering licence has the expired status: LICENCE_EXPIRED', () => {
    expect(codeOf(facts({ licences: [licence({ status: 'expired' })] }))).to.equal('LICENCE_EXPIRED');
  });

  it('when the licence ends inside the pickup window: LICENCE_EXPIRED with both date ranges', () => {
    const r = checkEligibility(facts({ licences: [licence({ validTo: '2026-05-09' })] }));
    expect(!r.ok && r.error.code).to.equal('LICENCE_EXPIRED');
    expect(!r.ok && r.error.message).to.match(/2026-05-09.*2026-05-01 to 2026-05-10/);
  });

  it('when the licence starts after the pickup window opens: LICENCE_EXPIRED; valid exactly through it: ok', () => {
    expect(codeOf(facts({ licences: [licence({ validFrom: '2026-05-02' })] }))).to.equal('LICENCE_EXPIRED');
    expect(codeOf(facts({ licences: [licence({ validFrom: '2026-05-01', validTo: '2026-05-10' })] }))).to.equal('ok');
  });

  it('when the year’s remaining capacity is below the quantity: CAPACITY_EXCEEDED with the numbers', () => {
    const r = checkEligibility(facts({ usedKg: 990_000, quantityKg: 10_001 }));
    expect(!r.ok && r.error.code).to.equal('CAPACITY_EXCEEDED');
    expect(!r.ok && r.error.details).to.include({ remainingKg: 10_000, requestedKg: 10_001, usedKg: 990_000 });
    expect(codeOf(facts({ usedKg: 990_000, quantityKg: 10_000 }))).to.equal('ok');
  });

  it('usage beyond capacity counts as nothing left, not negative', () => {
    const r = checkEligibility(facts({ usedKg: 2_000_000, quantityKg: 1 }));
    expect(!r.ok && r.error.details).to.include({ remainingKg: 0 });
  });

  it('the licence with the most capacity decides', () => {
    const small = licence({ id: 'a', number: 'A', annualCapacityKg: 10_000 });
    const big = licence({ id: 'b', number: 'B', annualCapacityKg: 100_000 });
    const r = checkEligibility(facts({ licences: [small, big], quantityKg: 50_000 }));
    expect(r.ok && r.licence?.number).to.equal('B');
  });

  it('a black credit level of the caller: CREDIT_BARRED; of the other party too', () => {
    expect(codeOf(facts({ callerCredit: 'black' }))).to.equal('CREDIT_BARRED');
    expect(codeOf(facts({ counterpartyCredit: 'black' }))).to.equal('CREDIT_BARRED');
    expect(codeOf(facts({ callerCredit: 'red' }))).to.equal('ok');
  });

  it('speaks of the receiving party when the caller is not the receiver', () => {
    const r = checkEligibility(facts({ receiverIsCaller: false, licences: [licence({ wasteCodes: ['HW08'] })] }));
    expect(!r.ok && r.error.message).to.match(/^the receiving party's disposal licences do not cover/);
  });

  it('checks in order: scope before suspension before validity before capacity before credit', () => {
    // Everything wrong at once reports the first rule.
    const all = facts({
      licences: [licence({ status: 'suspended', validTo: '2026-01-02' })],
      usedKg: 10e6,
      callerCredit: 'black',
    });
    expect(codeOf(all)).to.equal('LICENCE_SUSPENDED');
    expect(codeOf({ ...all, licences: [licence({ validTo: '2026-01-02' })] })).to.equal('LICENCE_EXPIRED');
    expect(codeOf({ ...all, licences: [licence()] })).to.equal('CAPACITY_EXCEEDED');
    expect(codeOf({ ...all, licences: [licence()], usedKg: 0 })).to.equal('CREDIT_BARRED');
  });

  it('licenceCovers matches a code or its category, never a prefix', () => {
    expect(licenceCovers({ wasteCodes: ['HW18'] }, '772-002-18', 'HW18')).to.equal(true);
    expect(licenceCovers({ wasteCodes: ['HW1'] }, '772-002-18', 'HW18')).to.equal(false);
    expect(licenceCovers({ wasteCodes: ['772-002-1'] }, '772-002-18', 'HW18')).to.equal(false);
    expect(licenceCovers({ wasteCodes: ['900-000-35'] }, '900-000-35', 'HW35')).to.equal(true);
  });

  it('property: any non-approved-covering set of licences never passes hazardous material', () => {
    const lic = fc.record({
      id: fc.uuid(),
      number: fc.string({ minLength: 1, maxLength: 5 }),
      status: fc.constantFrom<LicenceFact['status']>('pending', 'approved', 'suspended', 'expired'),
      wasteCodes: fc.array(fc.constantFrom('HW18', 'HW08', '772-002-18', '900-249-08'), { maxLength: 3 }),
      annualCapacityKg: fc.integer({ min: 1, max: 1e9 }),
      validFrom: fc.constantFrom('2026-01-01', '2026-05-02'),
      validTo: fc.constantFrom('2026-05-09', '2026-12-31'),
    });
    fc.assert(
      fc.property(
        fc.array(lic, { maxLength: 4 }),
        fc.integer({ min: 0, max: 1e9 }),
        fc.integer({ min: 1, max: 1e9 }),
        (licences, usedKg, quantityKg) => {
          const r = checkEligibility(facts({ licences, usedKg, quantityKg }));
          if (r.ok) {
            const l = r.licence!;
            expect(l.status).to.equal('approved');
            expect(licenceCovers(l, '772-002-18', 'HW18')).to.equal(true);
            expect(l.validFrom <= '2026-05-01' && l.validTo >= '2026-05-10').to.equal(true);
            expect(l.annualCapacityKg - usedKg).to.be.at.least(quantityKg);
          }
        },
      ),
    );
  });
});
