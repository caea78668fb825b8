import { expect } from 'chai';
import fc from 'fast-check';
import { PLATE_PROVINCES, cleanPlate, isChinesePlate, parsePlate } from '../../shared/src/plates.js';

describe('Chinese vehicle plates', () => {
  const cases: [string, string, string][] = [
    ['浙D12345', '浙D12345', 'ordinary'],
    ['浙D·12345', '浙D12345', 'ordinary'],
    ['浙d 1234a', '浙D1234A', 'ordinary'],
    ['浙Ｄ１２３４５', '浙D12345', 'ordinary'],
    ['浙D-A8B29', '浙DA8B29', 'ordinary'],
    ['浙DD12345', '浙DD12345', 'new_energy'],
    ['浙D·F12345', '浙DF12345', 'new_energy'],
    ['浙DDA1234', '浙DDA1234', 'new_energy'],
    ['浙D12345D', '浙D12345D', 'new_energy'],
    ['沪A12345F', '沪A12345F', 'new_energy'],
    ['浙D1234挂', '浙D1234挂', 'trailer'],
    ['粤B·9876挂', '粤B9876挂', 'trailer'],
  ];
  for (const [input, normalised, kind] of cases) {
    it(`accepts ${input} as ${kind} ${normalised}`, () => {
      const p = parsePlate(input);
      expect(p, input).to.not.equal(null);
      expect(p!.normalised).to.equal(normalised);
      expect(p!.kind).to.equal(kind);
      expect(p!.display).to.equal(`${normalised.slice(0, 2)}·${normalised.slice(2)}`);
    });
  }

  const bad = [
    '',
    'ABC1234', // no province
    'D12345',
    '浙12345', // no authority letter
    '浙D1234', // too short
    '浙D1234567', // too long
    '浙I12345', // I is never an authority letter
    '浙DO1234', // O never appears
    '哈D12345', // not a province abbreviation
    '浙D12345挂', // trailer plates have 4 characters before 挂
    '浙DX12345', // 6 characters but not new energy (X is not D/F)
    '浙D12345X',
    '浙D1234!',
    "浙D12'; drop",
    'x'.repeat(100),
  ];
  for (const input of bad) {
    it(`refuses ${JSON.stringify(input.slice(0, 20))}`, () => {
      expect(parsePlate(input)).to.equal(null);
      expect(isChinesePlate(input)).to.equal(false);
    });
  }

  it('cleaning is idempotent and a parsed plate parses to itself', () => {
    const chars = fc.constantFrom(...'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789'.split(''));
    fc.assert(
      fc.property(
        fc.constantFrom(...PLATE_PROVINCES.split('')),
        fc.constantFrom(...'ABCDEFGHJKLMNPQRSTUVWXYZ'.split('')),
        fc.array(chars, { minLength: 5, maxLength: 6 }),
        (prov, letter, rest) => {
          const raw = `${prov}${letter}·${rest.join('').toLowerCase()}`;
          expect(cleanPlate(cleanPlate(raw))).to.equal(cleanPlate(raw));
          const p = parsePlate(raw);
          if (p) expect(parsePlate(p.normalised)!.normalised).to.equal(p.normalised);
          if (rest.length === 5) expect(p, raw).to.not.equal(null);
        },
      ),
    );
  });
});
