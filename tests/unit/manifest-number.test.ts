import { expect } from 'chai';
import fc from 'fast-check';
import {
  MANIFEST_NUMBER_PATTERN,
  MAX_SERIAL,
  formatManifestNumber,
  parseManifestNumber,
} from '../../server/src/modules/manifests/number.js';

describe('manifest number: year + 33 + 06 + 6-digit serial (DESIGN §6.8)', () => {
  it('formats the design’s example', () => {
    expect(formatManifestNumber(2026, 42)).to.equal('20263306000042');
    expect(formatManifestNumber(2026, 1)).to.equal('20263306000001');
    expect(formatManifestNumber(2026, MAX_SERIAL)).to.equal('20263306999999');
  });

  it('is 14 digits, Zhejiang (33) and Shaoxing (06) in positions 5–8', () => {
    const n = formatManifestNumber(2027, 123_456);
    expect(n).to.have.length(14);
    expect(n.slice(4, 6)).to.equal('33');
    expect(n.slice(6, 8)).to.equal('06');
    expect(MANIFEST_NUMBER_PATTERN.test(n)).to.equal(true);
  });

  it('refuses serials and years out of range', () => {
    for (const s of [0, -1, MAX_SERIAL + 1, 1.5]) expect(() => formatManifestNumber(2026, s), String(s)).to.throw(RangeError);
    for (const y of [999, 10_000, 2026.5]) expect(() => formatManifestNumber(y, 1), String(y)).to.throw(RangeError);
  });

  it('parses what it formats and nothing else', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2000, max: 9999 }), fc.integer({ min: 1, max: MAX_SERIAL }), (year, serial) => {
        expect(parseManifestNumber(formatManifestNumber(year, serial))).to.deep.equal({ year, serial });
      }),
    );
    for (const bad of [
      '2026330600004',
      '202633060000421',
      '20263307000042',
      '20263406000042',
      '20263306000000',
      '2026330600004x',
      '',
    ])
      expect(parseManifestNumber(bad), bad).to.equal(null);
  });

  it('keeps numeric order within a year (serials are zero-padded)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX_SERIAL }), fc.integer({ min: 1, max: MAX_SERIAL }), (a, b) => {
        expect(formatManifestNumber(2026, a) < formatManifestNumber(2026, b)).to.equal(a < b);
      }),
    );
  });
});
