import { expect } from 'chai';
import { readCatalogueData } from '../../server/src/modules/catalog/data.js';
import { CATEGORY_RULE, STREAM_RULE, usualDirectionOf } from '../../server/src/modules/catalog/direction.js';
import { USUAL_DIRECTIONS } from '../../shared/src/pricecheck.js';
import { STREAMS } from '../../shared/src/enums.js';

/** Issue 12 item 4: the rule per stream and category, and the per-code overrides (docs/price-checks.md). */
describe('usual direction of catalogue materials (rule and overrides)', () => {
  it('every catalogue entry gets a usualDirection, and every stream of the catalogue has a rule', async () => {
    const data = await readCatalogueData();
    expect(data.codes).to.have.length(77);
    for (const s of STREAMS) expect(STREAM_RULE, s).to.have.property(s);
    for (const m of data.codes) {
      const d = usualDirectionOf(m, data.directionOverrides);
      expect(USUAL_DIRECTIONS, m.code).to.include(d.usualDirection);
      expect(d.from, m.code).to.not.equal('default');
    }
  });

  it('the named streams follow the issue: hazardous waste, sludge, fly ash, waste salt → fee; scrap metal, paper, textiles, plastics → price', async () => {
    const data = await readCatalogueData();
    const of = (code: string) =>
      usualDirectionOf(data.codes.find((c) => c.code === code)!, data.directionOverrides).usualDirection;
    for (const code of ['772-002-18', 'SW07', 'SW07-01', 'WS-CLASSIFIED', '900-300-34', 'CW-02'])
      expect(of(code), code).to.equal('fee');
    for (const code of ['SW17-01', 'SW17-02', 'SW17-03', 'SW14-01', 'SW14-02', 'HH-01']) expect(of(code), code).to.equal('price');
    // Every hazardous code is fee unless an override with its reason says otherwise.
    for (const m of data.codes.filter((c) => c.stream === 'hazardous')) {
      const d = usualDirectionOf(m, data.directionOverrides);
      if (d.usualDirection !== 'fee') expect(d.from, m.code).to.equal('override');
    }
  });

  it('an override wins over the category rule, which wins over the stream rule', () => {
    const overrides = new Map([
      ['SW17-09', { code: 'SW17-09', usualDirection: 'fee' as const, reason: 'test', verification: '[R]' }],
    ]);
    expect(usualDirectionOf({ code: 'SW17-09', stream: 'general_industrial', category: 'SW17' }, overrides)).to.deep.equal({
      usualDirection: 'fee',
      from: 'override',
    });
    expect(usualDirectionOf({ code: 'SW17-08', stream: 'general_industrial', category: 'SW17' }, overrides)).to.deep.equal({
      usualDirection: CATEGORY_RULE.SW17,
      from: 'category',
    });
    expect(usualDirectionOf({ code: 'SW03', stream: 'general_industrial', category: 'SW03' }, overrides)).to.deep.equal({
      usualDirection: 'either',
      from: 'stream',
    });
    expect(usualDirectionOf({ code: 'X-1', stream: 'unknown', category: 'X' }, overrides)).to.deep.equal({
      usualDirection: 'either',
      from: 'default',
    });
  });

  it('every override names a catalogue code once, with a direction that differs from the rule and a reason', async () => {
    const data = await readCatalogueData();
    const none = new Map();
    for (const [code, o] of data.directionOverrides) {
      const m = data.codes.find((c) => c.code === code);
      expect(m, code).to.not.equal(undefined);
      expect(o.reason, code).to.be.a('string').and.not.equal('');
      // An override equal to what the rule gives would hide a rule change: keep the file to real exceptions.
      expect(usualDirectionOf(m!, none).usualDirection, code).to.not.equal(o.usualDirection);
    }
  });
});
