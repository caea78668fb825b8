import { expect } from 'chai';
import fc from 'fast-check';
import { USCC_CHARSET, isValidUscc, usccCheckCharacter, usccProblem } from '../../shared/src/uscc.js';

const VALID = ['91350100M000100Y43', '91110000600037341L'];

/** The same code with one character replaced by the next one in the charset. */
function changeAt(code: string, i: number, step = 1): string {
  const next = USCC_CHARSET[(USCC_CHARSET.indexOf(code[i]!) + step) % USCC_CHARSET.length]!;
  return code.slice(0, i) + next + code.slice(i + 1);
}

describe('USCC check (GB 32100-2015, DESIGN §6.4)', () => {
  for (const code of VALID) {
    it(`accepts the published example ${code}`, () => {
      expect(usccProblem(code)).to.equal(null);
      expect(isValidUscc(code)).to.equal(true);
      expect(usccCheckCharacter(code.slice(0, 17))).to.equal(code[17]);
    });

    for (const i of [0, 1, 2, 7, 8, 12, 16, 17]) {
      it(`rejects ${code} with position ${i + 1} changed by one character (check mismatch)`, () => {
        const changed = changeAt(code, i);
        expect(changed).to.not.equal(code);
        expect(usccProblem(changed)).to.equal('check');
      });
    }

    it(`rejects ${code} with two neighbouring characters swapped`, () => {
      const swapped = code[1]! + code[0]! + code.slice(2);
      if (swapped !== code) expect(isValidUscc(swapped)).to.equal(false);
    });
  }

  for (const letter of ['I', 'O', 'S', 'V', 'Z']) {
    it(`rejects the letter ${letter}, which the charset leaves out`, () => {
      expect(usccProblem('91350100M000100Y4' + letter)).to.equal('charset');
      expect(usccProblem(letter + '1350100M000100Y43')).to.equal('charset');
    });
  }

  it('rejects lower-case letters (codes are compared as written)', () => {
    expect(usccProblem('91350100m000100Y43')).to.equal('charset');
    expect(usccProblem('91110000600037341l')).to.equal('charset');
  });

  it('rejects spaces, punctuation and full-width digits', () => {
    expect(usccProblem('91350100M000100Y4 ')).to.equal('charset');
    expect(usccProblem('91350100M000100Y-3')).to.equal('charset');
    expect(usccProblem('９1350100M000100Y43')).to.equal('charset');
  });

  it('rejects codes that are not 18 characters long', () => {
    expect(usccProblem('')).to.equal('length');
    expect(usccProblem('91350100M000100Y4')).to.equal('length');
    expect(usccProblem('91350100M000100Y433')).to.equal('length');
  });

  it('has no check character for input that is not 17 charset characters', () => {
    expect(usccCheckCharacter('91350100M000100Y')).to.equal(null);
    expect(usccCheckCharacter('91350100M000100YO')).to.equal(null);
  });

  const first17 = fc.array(fc.constantFrom(...USCC_CHARSET), { minLength: 17, maxLength: 17 }).map((a) => a.join(''));

  it('property: 17 charset characters plus their check character form a valid code', () => {
    fc.assert(
      fc.property(first17, (body) => {
        const check = usccCheckCharacter(body);
        expect(check).to.be.a('string');
        expect(isValidUscc(body + check)).to.equal(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('property: changing any one character of a valid code makes it invalid', () => {
    fc.assert(
      fc.property(
        first17,
        fc.integer({ min: 0, max: 17 }),
        fc.integer({ min: 1, max: USCC_CHARSET.length - 1 }),
        (body, i, step) => {
          const code = body + usccCheckCharacter(body)!;
          expect(isValidUscc(changeAt(code, i, step))).to.equal(false);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
