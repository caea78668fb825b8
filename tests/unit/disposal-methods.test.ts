import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { DISPOSAL_METHODS, disposalMethodLabel } from '../../shared/src/disposal-methods.js';
import { csvCell } from '../../server/src/modules/manifests/export-csv.js';

describe('disposal method codes and the export CSV (issue 14)', () => {
  it('the code list in shared/src equals the data file, which names its source and verification level', () => {
    const file = JSON.parse(readFileSync(new URL('../../shared/data/disposal-methods.json', import.meta.url), 'utf8')) as {
      source: string;
      verification: string;
      methods: unknown[];
    };
    expect(file.source).to.be.a('string').that.is.not.empty;
    expect(file.verification).to.match(/^\[[VCR]\]/);
    expect(file.methods).to.deep.equal(DISPOSAL_METHODS.map((m) => ({ ...m })));
    expect(new Set(DISPOSAL_METHODS.map((m) => m.code)).size).to.equal(DISPOSAL_METHODS.length);
  });

  it('a label starts with its code, so the regulator rollup classifies R as utilisation and D1 as landfill', () => {
    expect(disposalMethodLabel('R4')).to.match(/^R4 /);
    expect(disposalMethodLabel('D1')).to.equal('D1 填埋');
    for (const m of DISPOSAL_METHODS)
      expect(m.class).to.equal(m.code.startsWith('R') ? 'utilisation' : m.code === 'D1' ? 'landfill' : m.class);
  });

  it('a CSV cell a spreadsheet would run as a formula gets an apostrophe; quotes, commas and line breaks are quoted', () => {
    expect(csvCell('=1+1')).to.equal("'=1+1");
    expect(csvCell('+86 575')).to.equal("'+86 575");
    expect(csvCell('-2')).to.equal("'-2");
    expect(csvCell('@SUM(A1)')).to.equal("'@SUM(A1)");
    expect(csvCell('  =cmd')).to.equal("'  =cmd");
    expect(csvCell('\t=x')).to.equal("'\t=x");
    expect(csvCell('a,"b"')).to.equal('"a,""b"""');
    expect(csvCell('line\nbreak')).to.equal('"line\nbreak"');
    expect(csvCell(-2)).to.equal('-2');
    expect(csvCell(null)).to.equal('');
    expect(csvCell(true)).to.equal('true');
  });
});
