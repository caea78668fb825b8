import { expect } from 'chai';
import { checkPrice, PRICE_CHECK_REASON_CODES, type PriceCheckReason, type ReferenceBand } from '../../shared/src/pricecheck.js';
import { priceCheckReasonText } from '../../client/src/features/listings/priceCheckText.js';
import { zhCN } from '../../client/src/i18n/zh-CN.js';
import { en } from '../../client/src/i18n/en.js';

// The client says every reason of a price check (priceCheck.reasons[], issue 12 item 4) in zh-CN and
// in en, from the same reasons the server sends in a 422 and stores on a listing or bid.

const dictionaries = { 'zh-CN': zhCN, en } as const;
type Lang = keyof typeof dictionaries;
const say =
  (lang: Lang) =>
  (key: string, params?: Record<string, string | number>): string => {
    const text = (dictionaries[lang] as Record<string, string>)[key];
    if (text === undefined) throw new Error(`no ${lang} text for ${key}`);
    return params ? text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m)) : text;
  };
// Plain formats: the sentences are under test, not the money helpers.
const format = { range: (low: number, high: number) => `${low}…${high}`, deviation: (bp: number | null) => `${bp}bp` };

const steel: ReferenceBand = { lowFen: 254_000, medianFen: 258_500, highFen: 263_000, source: 'seed', sampleSize: 0 };
const flyAsh: ReferenceBand = { lowFen: -219_500, medianFen: -189_300, highFen: -159_100, source: 'seed', sampleSize: 0 };

describe('price check reasons in words (client, zh-CN and en)', () => {
  // One price per reason code, on a price band and on a fee band.
  const cases: [number, ReferenceBand | null, 'fee' | 'price' | undefined][] = [
    [253_000, steel, undefined],
    [264_000, steel, undefined],
    [200_000, steel, undefined],
    [300_000, steel, undefined],
    [-230_000, flyAsh, undefined],
    [-150_000, flyAsh, undefined],
    [-300_000, flyAsh, undefined],
    [-50_000, flyAsh, undefined],
    [12_000, null, 'fee'],
    [-5_000, null, 'price'],
  ];

  it('every reason code has a sentence in both languages, with no placeholder left unfilled', () => {
    const seen = new Set<string>();
    for (const [p, band, usual] of cases) {
      const check = checkPrice(p, band, { usualDirection: usual ?? null });
      expect(check.reasons, String(p)).to.have.length(1);
      for (const lang of ['zh-CN', 'en'] as const) {
        const text = priceCheckReasonText(check.reasons[0]!, check, say(lang), format);
        expect(text, `${lang} ${p}`)
          .to.be.a('string')
          .and.not.match(/\{\w+\}/);
        expect(text.length).to.be.greaterThan(10);
      }
      seen.add(check.reasons[0]!.code);
    }
    expect([...seen].sort()).to.deep.equal([...PRICE_CHECK_REASON_CODES].sort());
  });

  it('a reversed sign on a fee material says the generator usually pays a fee', () => {
    const reason: PriceCheckReason = { code: 'AGAINST_USUAL_DIRECTION', usual: 'fee' };
    expect(priceCheckReasonText(reason, { deviation: null }, say('zh-CN'), format))
      .to.contain('通常由产废单位支付处置费')
      .and.contain('收购价');
    expect(priceCheckReasonText(reason, { deviation: null }, say('en'), format)).to.contain('usually pays a disposal fee');
  });

  it('on a fee band the band reasons speak of the fee: above the band is a fee below the usual', () => {
    const check = checkPrice(-150_000, flyAsh);
    expect(priceCheckReasonText(check.reasons[0]!, check, say('zh-CN'), format))
      .to.contain('处置费低于参考区间')
      .and.contain('-219500…-159100');
    const paid = checkPrice(264_000, steel);
    expect(priceCheckReasonText(paid.reasons[0]!, paid, say('en'), format)).to.match(/^Above the reference band/);
  });
});
